"""Find engines through the ``xxai.engines`` entry-point group, built-in ones included."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from xxai.config import Settings
from xxai.engines.base import Engine
from xxai.errors import ConfigError

__all__ = ["available_engines", "create_engine"]

GROUP = "xxai.engines"


def available_engines() -> list[str]:
    """Return the names of every registered engine."""
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def create_engine(name: str, settings: Settings, **kwargs: Any) -> Engine:
    """Build engine ``name`` from settings; its class must offer ``from_settings``."""
    matches = [ep for ep in entry_points(group=GROUP) if ep.name == name]
    if not matches:
        names = ", ".join(available_engines()) or "none (is xxai installed with pip?)"
        raise ConfigError(f"unknown engine {name!r}; available: {names}")
    factory = matches[0].load()
    engine: Engine = factory.from_settings(settings, **kwargs)
    return engine
