"""The engine interface: a batch of translation requests in, translations out.

Engines are registered as entry points in the ``xxai.engines`` group, the built-in ones
exactly as a third party's would be; :func:`xxai.engines.registry.create_engine` finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["Engine", "Hint", "ProgressFn", "TranslationRequest"]

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class Hint:
    """A term found in the text and how to render it in the target language."""

    term: str
    rendering: str
    meaning: str = ""


@dataclass(frozen=True)
class TranslationRequest:
    """One unit of text to translate (placeholders already in it)."""

    text: str
    source: str
    target: str
    hints: tuple[Hint, ...] = ()
    # Extra instruction for a retry, e.g. after a dropped placeholder or a missed term.
    note: str = ""
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@runtime_checkable
class Engine(Protocol):
    """What every translation engine provides."""

    name: str

    @property
    def model_id(self) -> str:
        """Identify the model, for cache keys and results."""
        ...

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        """Translate each request; ``progress(n)`` is called as n more are done."""
        ...

    def close(self) -> None:
        """Release the model or connection."""
        ...
