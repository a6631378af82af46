"""Exceptions raised by xxai, and the HTTP status each one maps to (in one place: here).

XxaiError                500  base of every error we raise on purpose
├── ConfigError          500  a setting has a bad value, or the config file is invalid
│   └── NotConfiguredError 501  a feature needs a setting this server does not have
├── InputError           400  the user's input cannot be processed (empty field, bad UTF-8, ...)
│   ├── LanguageError    400  an unknown or unsupported language code
│   ├── ImageError       400  not an image, a truncated or unsupported image file
│   ├── LimitError       413  the input is over a configured limit
│   ├── MappingError     400  an import's field mapping is wrong, or maps no text
│   └── OutputError      400  a batch output file does not belong to its input
├── ModelError           503  a model file is missing, corrupt or cannot be loaded
├── EngineError          503  a translation engine failed (server down, bad response, ...)
├── GlossaryError        500  glossary data is invalid (shipped, or the user's glossary_file)
├── DictionaryError      500  the CC-CEDICT data is missing or cannot be read
├── StoreError           503  the search database cannot be read or written
│   └── StoreDataError   503  one value the database cannot hold (a row is skipped)
├── WebSearchError       500  the web search (SearXNG) failed; search reports it as a notice
├── SpeechError          503  text cannot be spoken (espeak-ng missing or failed)
└── WordListError        500  the word list cannot be read, written or exported

The CLI exits 2 for an InputError and 1 for any other; the API answers ``status``. Messages
name no command-line option: the CLI adds that hint (``--map``, ``--overwrite``) itself.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DictionaryError",
    "EngineError",
    "GlossaryError",
    "ImageError",
    "InputError",
    "LanguageError",
    "LimitError",
    "MappingError",
    "ModelError",
    "NotConfiguredError",
    "OutputError",
    "SpeechError",
    "StoreDataError",
    "StoreError",
    "WebSearchError",
    "WordListError",
    "XxaiError",
]


class XxaiError(Exception):
    """Base of every error xxai raises on purpose; its message is shown to the user."""

    #: The HTTP status the API answers this error with.
    status: int = 500


class ConfigError(XxaiError):
    """A setting has a bad value, or the config file is invalid."""


class NotConfiguredError(ConfigError):
    """A feature needs a setting this installation does not have (e.g. jobs without PostgreSQL)."""

    status = 501


class InputError(XxaiError):
    """The user's input cannot be processed."""

    status = 400


class LanguageError(InputError):
    """An unknown or unsupported language code."""


class ImageError(InputError):
    """An image file cannot be read: not an image, truncated, or in an unsupported format."""


class LimitError(InputError):
    """The input is over a configured limit."""

    status = 413


class MappingError(InputError):
    """An import's field mapping names an unknown field, or no row has a text field."""


class OutputError(InputError):
    """A batch output file holds rows that are not of its input (or is unreadable)."""


class ModelError(XxaiError):
    """A model file is missing, corrupt or cannot be loaded."""

    status = 503


class EngineError(XxaiError):
    """A translation engine failed."""

    status = 503


class GlossaryError(XxaiError):
    """Glossary data is invalid: the shipped data, or the user's file (named with its line)."""


class DictionaryError(XxaiError):
    """The CC-CEDICT data is missing or cannot be read."""


class StoreError(XxaiError):
    """The search database cannot be read or written."""

    status = 503


class StoreDataError(StoreError):
    """A value the database cannot hold (PostgreSQL refuses NUL characters in text)."""


class WebSearchError(XxaiError):
    """The web search (SearXNG) failed or answered something unreadable."""


class SpeechError(XxaiError):
    """Text cannot be spoken: espeak-ng is missing or failed."""

    status = 503


class WordListError(XxaiError):
    """The word list cannot be read, written or exported."""
