"""The engine interface: a batch of translation requests in, translations out.

Engines are registered as entry points in the ``xxai.engines`` group, the built-in ones
exactly as a third party's would be; :func:`xxai.engines.registry.create_engine` finds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from xxai.types import Hint, ProgressFn, TranslationRequest

__all__ = ["Engine", "Hint", "ProgressFn", "TranslationRequest"]


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
