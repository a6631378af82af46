"""Look terms up in the slang glossary: explain one (by spelling, pinyin, meaning, or
fuzzily), or browse the entries that contain a query."""

from __future__ import annotations

from typing import Any

from xxai.errors import InputError
from xxai.slang.glossary import Entry, Glossary
from xxai.text.script import fold

__all__ = ["browse", "check_term", "glossary_entries", "needs_dictionary"]


def check_term(query: str) -> str:
    """Return the stripped term, or raise InputError when it is empty or too long."""
    term = query.strip()
    if not term:
        raise InputError("give a term to explain, e.g. yyds")
    if len(term) > 200:
        raise InputError("a term to explain is at most 200 characters")
    return term


def glossary_entries(glossary: Glossary, term: str, limit: int = 5) -> list[dict[str, Any]]:
    """Return the glossary's entries for ``term`` as JSON, each with its source and match."""
    entries: list[dict[str, Any]] = []
    for entry, how in glossary.lookup_scored(term, limit):
        data = entry.to_json()
        data["source"] = "glossary"
        data["match"] = how
        entries.append(data)
    return entries


def needs_dictionary(entries: list[dict[str, Any]]) -> bool:
    """Return True when the glossary found nothing better than fuzzy matches."""
    return not entries or all(e["match"] == "fuzzy" for e in entries)


def _haystack(entry: Entry) -> str:
    parts = [entry.term, *entry.variants, entry.pinyin, entry.literal, *entry.tags]
    parts += list(entry.meaning.values())
    parts += [r for values in entry.renderings.values() for r in values]
    return fold("\n".join(parts))


def browse(glossary: Glossary, query: str = "", kind: str = "", lang: str = "") -> list[Entry]:
    """Return entries whose spellings, pinyin or meanings contain ``query``."""
    q = fold(query.strip())
    out = []
    for entry in glossary.entries:
        if kind and entry.kind != kind:
            continue
        if lang and entry.lang != lang:
            continue
        if q and q not in _haystack(entry):
            continue
        out.append(entry)
    return out
