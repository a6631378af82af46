"""xxai: slang-aware translation, explanations, learning aids and search across languages."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
