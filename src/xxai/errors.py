"""Exceptions raised by xxai.

XxaiError
├── ConfigError          a setting has a bad value, or the config file is invalid
├── InputError           the user's input cannot be processed (empty field, bad UTF-8, ...)
│   ├── LanguageError    an unknown or unsupported language code
│   └── LimitError       the input is over a configured limit
├── ModelError           a model file is missing, corrupt or cannot be loaded
├── EngineError          a translation engine failed (server down, bad response, ...)
├── GlossaryError        the shipped glossary data is invalid
└── StoreError           the search database cannot be read or written
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DictionaryError",
    "EngineError",
    "GlossaryError",
    "InputError",
    "LanguageError",
    "LimitError",
    "ModelError",
    "StoreError",
    "XxaiError",
]


class XxaiError(Exception):
    """Base of every error xxai raises on purpose; its message is shown to the user."""


class ConfigError(XxaiError):
    """A setting has a bad value, or the config file is invalid."""


class InputError(XxaiError):
    """The user's input cannot be processed."""


class LanguageError(InputError):
    """An unknown or unsupported language code."""


class LimitError(InputError):
    """The input is over a configured limit."""


class ModelError(XxaiError):
    """A model file is missing, corrupt or cannot be loaded."""


class EngineError(XxaiError):
    """A translation engine failed."""


class GlossaryError(XxaiError):
    """The shipped glossary data is invalid."""


class DictionaryError(XxaiError):
    """The CC-CEDICT data is missing or cannot be read."""


class StoreError(XxaiError):
    """The search database cannot be read or written."""
