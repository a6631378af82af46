"""The comments an export carries in a post's record (RedNote and generic shapes).

Their languages are detected once, at import, and stored in the record (a ``lang`` field
on each comment), so showing a feed never runs the detector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from xxai.languages import LANGUAGES

__all__ = ["MAX_COMMENTS", "annotate_comments", "comment_text", "pick", "stored_lang"]

MAX_COMMENTS = 50
_DEPTH = 2  # comments, their replies, and replies to those


def pick(record: dict[str, Any], *paths: str) -> str:
    """Return the first non-empty scalar at one of the dotted ``paths`` of ``record``."""
    for path in paths:
        value: Any = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value)
    return ""


def _items(raw: dict[str, Any], limit: int) -> Iterator[dict[str, Any]]:
    """Yield the comment objects of a record, replies after their comment, at most ``limit``."""
    count = 0

    def walk(items: Any, depth: int) -> Iterator[dict[str, Any]]:
        nonlocal count
        if not isinstance(items, list):
            return
        for index, item in enumerate(items):
            if count >= limit:
                return
            if isinstance(item, str):
                item = items[index] = {"text": item}
            if not isinstance(item, dict):
                continue
            if comment_text(item):
                count += 1
                yield item
            if depth < _DEPTH:
                yield from walk(item.get("sub_comments") or item.get("replies"), depth + 1)

    yield from walk(raw.get("comments") or raw.get("comment_list"), 0)


def comment_text(item: dict[str, Any]) -> str:
    """Return a comment object's text, whichever field the export keeps it in."""
    return pick(item, "content", "text", "desc", "body", "comment")


def annotate_comments(
    raw: dict[str, Any], detect: Callable[[str], str], limit: int = MAX_COMMENTS
) -> None:
    """Store the detected language in each shown comment of ``raw`` that has none."""
    for item in _items(raw, limit):
        if not isinstance(item.get("lang"), str) or not item["lang"]:
            item["lang"] = detect(comment_text(item))


def stored_lang(item: dict[str, Any]) -> str:
    """Return the language stored on a comment at import ('' when none is known)."""
    lang = item.get("lang")
    return lang if isinstance(lang, str) and lang in LANGUAGES else ""
