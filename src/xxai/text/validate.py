"""Refuse text that is not valid Unicode before any library sees it.

JSON can carry lone surrogates (``"\\ud800"``): Python keeps them in a ``str``, but they
cannot be encoded as UTF-8, so SQLite, the language detector and the engines fail on them
deep inside. Every text entry point checks here first and answers with an
:class:`~xxai.errors.InputError` that says where the bad character is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from xxai.errors import InputError

__all__ = ["bad_character", "check_text", "check_value"]


def bad_character(text: str) -> int | None:
    """Return the index of the first character UTF-8 cannot encode (a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return int(exc.start)
    return None


def check_text(text: str, what: str = "text") -> None:
    """Raise InputError when ``text`` holds a lone surrogate."""
    index = bad_character(text)
    if index is not None:
        raise InputError(
            f"{what}: invalid character U+{ord(text[index]):04X} (a lone surrogate) at "
            f"position {index}; send valid Unicode text"
        )


def _strings(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if depth > 64:
        raise InputError(f"{path or 'value'}: nested too deeply")
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _strings(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]", depth + 1)


def check_value(value: Any, what: str = "") -> None:
    """Raise InputError when any string (or key) inside a JSON value holds a lone surrogate."""
    for path, text in _strings(value, what, 0):
        check_text(text, path or "value")
