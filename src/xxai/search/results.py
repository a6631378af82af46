"""What a search returns, and how ranked lists are fused into one (reciprocal rank fusion)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xxai.search.web import WebHit

__all__ = ["RRF_K", "Key", "QueryForm", "SearchResponse", "SearchResult", "fuse", "rrf"]

RRF_K = 60


def rrf(
    lists: Sequence[Sequence[Any]],
    weights: Sequence[Mapping[Any, float]] | None = None,
    k: int = RRF_K,
) -> dict[Any, float]:
    """Fuse ranked lists of keys: each key scores the sum of w / (k + rank) over the lists.

    ``weights[i][key]`` scales a key's share from list i (default 1).
    """
    scores: dict[Any, float] = {}
    for index, ranked in enumerate(lists):
        weight = weights[index] if weights is not None else {}
        for rank, key in enumerate(ranked, start=1):
            scores[key] = scores.get(key, 0.0) + weight.get(key, 1.0) / (k + rank)
    return scores


@dataclass(frozen=True)
class QueryForm:
    """One form the query is searched in."""

    text: str
    lang: str
    kind: str  # query | translation | glossary

    def to_json(self) -> dict[str, str]:
        return {"text": self.text, "lang": self.lang, "kind": self.kind}


@dataclass
class SearchResult:
    """One hit: a stored post or a web page."""

    kind: str  # post | web
    id: str
    text: str
    lang: str
    score: float
    title: str = ""
    url: str = ""
    source: str = ""
    author: str = ""
    created_at: str = ""
    tags: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # keyword, semantic, web
    via: list[str] = field(default_factory=list)  # which forms of the query found it
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    translation: str | None = None
    translation_lang: str = ""
    translation_title: str = ""
    translation_snippet: str = ""
    translation_highlights: list[tuple[int, int]] = field(default_factory=list)
    why: list[str] = field(default_factory=list)  # why it matched, in words

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "lang": self.lang,
            "score": round(self.score, 6),
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "author": self.author,
            "created_at": self.created_at,
            "tags": self.tags,
            "matched": self.matched,
            "via": self.via,
            "snippet": self.snippet,
            "highlights": [list(s) for s in self.highlights],
            "why": self.why,
        }
        if self.translation is not None:
            data["translation"] = self.translation
            data["translation_lang"] = self.translation_lang
            data["translation_title"] = self.translation_title
            data["translation_snippet"] = self.translation_snippet
            data["translation_highlights"] = [list(s) for s in self.translation_highlights]
        return data


@dataclass
class SearchResponse:
    """Everything a search found, with the forms of the query it ran and any notices."""

    query: str
    query_lang: str
    forms: list[QueryForm]
    results: list[SearchResult]
    glossary: list[dict[str, Any]]
    notices: list[str]
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "query_lang": self.query_lang,
            "queries": [f.to_json() for f in self.forms],
            "results": [r.to_json() for r in self.results],
            "glossary": self.glossary,
            "notices": self.notices,
        }


Key = tuple[str, Any]  # ("post", row key) or ("web", url)


def fuse(
    lists: Sequence[tuple[str, QueryForm, list[int], dict[int, float]]],
    web_lists: Sequence[Sequence[WebHit]],
) -> tuple[dict[Key, float], dict[Key, tuple[set[str], list[str]]], dict[str, WebHit]]:
    """Fuse local and web lists; return scores, how and via what each key was found, hits."""
    keyed: list[list[Key]] = []
    weights: list[dict[Key, float]] = []
    found_by: dict[Key, tuple[set[str], list[str]]] = {}
    hits: dict[str, WebHit] = {}

    def note(key: Key, how: str, text: str) -> None:
        hows, via = found_by.setdefault(key, (set(), []))
        hows.add(how)
        if text not in via:
            via.append(text)

    for how, form, pks, weight in lists:
        keyed.append([("post", pk) for pk in pks])
        weights.append({("post", pk): w for pk, w in weight.items()})
        for pk in pks:
            note(("post", pk), how, form.text)
    for ranked_hits in web_lists:
        keyed.append([("web", hit.url) for hit in ranked_hits])
        weights.append({})
        for hit in ranked_hits:
            hits.setdefault(hit.url, hit)
            note(("web", hit.url), "web", hit.query)
    return rrf(keyed, weights), found_by, hits
