"""Explain a term: the slang glossary first, then the CC-CEDICT dictionary for plain words."""

from __future__ import annotations

from typing import Any

from xxai.errors import InputError
from xxai.slang.glossary import default_glossary

__all__ = ["explain"]


def _dictionary_entries(term: str) -> list[dict[str, Any]]:
    """Look a plain word up in CC-CEDICT (provided by xxai.learn when installed)."""
    try:
        from xxai.learn.dictionary import (  # type: ignore[import-not-found, unused-ignore]
            lookup_entries,
        )
    except ImportError:
        return []
    return list(lookup_entries(term))


def explain(query: str, limit: int = 5) -> dict[str, Any]:
    """Return ``query``, ``found`` and ``entries`` for a term, as design.md specifies."""
    term = query.strip()
    if not term:
        raise InputError("give a term to explain, e.g. `xxai explain yyds`")
    if len(term) > 200:
        raise InputError("a term to explain is at most 200 characters")
    entries: list[dict[str, Any]] = []
    for entry, how in default_glossary().lookup_scored(term, limit):
        data = entry.to_json()
        data["source"] = "glossary"
        data["match"] = how
        entries.append(data)
    if not entries or all(e["match"] == "fuzzy" for e in entries):
        entries.extend(_dictionary_entries(term))
    return {"query": query, "found": bool(entries), "entries": entries}
