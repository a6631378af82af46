"""The features other packages provide (learning aids, the post store and search), reached
through their public functions and guarded: when a module is missing, the API answers 501
``{"error": "... not available"}`` and the web app says so, and everything else still works.
"""

from __future__ import annotations

import importlib
import logging
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from xxai.api.errors import ApiError
from xxai.api.html_translate import parse_html

if TYPE_CHECKING:
    from xxai.api.state import AppState
    from xxai.slang.glossary import Entry

__all__ = [
    "Comment",
    "FeedPage",
    "FeedPost",
    "available",
    "feed",
    "gloss",
    "glossary_entries",
    "import_records",
    "optional_module",
    "reply",
    "safe_url",
    "search",
    "visible_text",
]

log = logging.getLogger(__name__)
_lock = threading.Lock()


def optional_module(name: str) -> ModuleType | None:
    """Import ``name``, or return None when it (not something it imports) is missing."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise


def _need(module: str, what: str) -> ModuleType:
    found = optional_module(module)
    if found is None:
        raise ApiError(501, f"{what} not available in this installation (no {module})")
    return found


def available(feature: str) -> bool:
    """Return True when a feature's module is installed: gloss, reply, search, store."""
    modules = {
        "gloss": "xxai.learn.gloss",
        "reply": "xxai.learn.reply",
        "search": "xxai.search.query",
        "store": "xxai.search.store",
        "import": "xxai.search.importer",
    }
    return optional_module(modules[feature]) is not None


def visible_text(document: str) -> str:
    """Return the text a reader sees in an HTML document (for language detection)."""
    return parse_html(document).text()


def safe_url(url: str) -> str:
    """Return the URL when it is http(s), else an empty string (no javascript: links)."""
    low = url.strip().lower()
    return url.strip() if low.startswith(("http://", "https://")) else ""


# -- learning aids -----------------------------------------------------------------------


def gloss(state: AppState, text: str, tones: str) -> Any:
    """Gloss Chinese text word by word (xxai.learn)."""
    module = _need("xxai.learn.gloss", "word glosses")
    numbers = tones == "numbers"
    result = module.gloss(text, home=state.service.settings.home)
    data = dict(result.to_json(numbers=numbers))
    data["pinyin"] = module.pinyin_line(result.words, numbers=numbers)
    return data


def reply(state: AppState, text: str, target: str, tone: str, source: str) -> Any:
    """Write a reply with pinyin and a back-translation (xxai.learn)."""
    module = _need("xxai.learn.reply", "the reply helper")
    result = module.compose_reply(state.service, text, target, tone, source)
    state.metrics.count_translation([text])
    return result.to_json()


# -- posts: the store, import and search ---------------------------------------------------


@dataclass
class Comment:
    """A comment under a post, as the feed shows it."""

    author: str
    text: str
    lang: str


@dataclass
class FeedPost:
    """A post as the feed shows it."""

    pk: int
    id: str
    source: str
    title: str
    text: str
    author: str
    created_at: str
    url: str
    lang: str
    tags: list[str]
    comments: list[Comment] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FeedPage:
    """One page of the feed."""

    total: int
    posts: list[FeedPost]


def _searcher(state: AppState) -> Any:
    """Return the app's one searcher (it owns the store, embedder and indexer)."""
    query = _need("xxai.search.query", "search")
    with _lock:
        if "searcher" not in state.resources:
            state.resources["searcher"] = query.Searcher(state.service)
        return state.resources["searcher"]


def _store(state: AppState) -> Any:
    if optional_module("xxai.search.query") is not None:
        return _searcher(state).store
    module = _need("xxai.search.store", "the post store")
    with _lock:
        if "store" not in state.resources:
            state.resources["store"] = module.Store(
                module.default_db_path(state.service.settings.home)
            )
        return state.resources["store"]


def close(state: AppState) -> None:
    """Close the store this app opened."""
    with _lock:
        searcher = state.resources.pop("searcher", None)
        store = state.resources.pop("store", None)
    for held in (store, getattr(searcher, "store", None)):
        if held is not None:
            held.close()


def import_records(
    state: AppState, records: list[dict[str, Any]], preset: str, source: str | None
) -> dict[str, Any]:
    """Import records through the importer (as `xxai import` would), reporting counts."""
    importer = _need("xxai.search.importer", "importing posts")
    indexer = _searcher(state).indexer
    import json

    tmp_dir = state.service.settings.home / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".jsonl", dir=tmp_dir, encoding="utf-8", delete=False
    ) as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        path = Path(fh.name)
    try:
        report = importer.import_file(
            path,
            indexer,
            lambda text: state.service.detect(text).lang,
            preset=preset,
            source=source,
            fmt="jsonl",
        )
    finally:
        path.unlink(missing_ok=True)
    return {
        "rows": report.rows,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [{"row": line, "error": msg} for line, msg in report.errors],
    }


def _pick(record: dict[str, Any], *paths: str) -> str:
    for path in paths:
        value: Any = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value)
    return ""


def _comments(state: AppState, raw: dict[str, Any], limit: int = 50) -> list[Comment]:
    """Read the comments an export carries in a post's record (RedNote, generic shapes)."""
    found: list[Comment] = []

    def walk(items: Any, depth: int) -> None:
        if not isinstance(items, list):
            return
        for item in items:
            if len(found) >= limit:
                return
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict):
                continue
            text = _pick(item, "content", "text", "desc", "body", "comment")
            if text:
                author = _pick(item, "nickname", "user.nickname", "author", "user.name", "user")
                lang = state.service.detect(text).lang
                found.append(Comment(author, text, lang))
            if depth < 2:
                walk(item.get("sub_comments") or item.get("replies"), depth + 1)

    walk(raw.get("comments") or raw.get("comment_list"), 0)
    return found


def feed(state: AppState, offset: int, limit: int) -> FeedPage:
    """Return imported posts, newest import first, with the comments their records hold."""
    store = _store(state)
    total = int(store.count())
    pks = [
        int(row[0])
        for row in store.rows(
            "SELECT pk FROM posts ORDER BY pk DESC LIMIT ? OFFSET ?", (limit, offset)
        )
    ]
    by_pk = store.posts(pks)
    posts = []
    for pk in pks:
        post = by_pk.get(pk)
        if post is None:
            continue
        posts.append(
            FeedPost(
                pk=pk,
                id=str(post.id),
                source=str(post.source),
                title=str(post.title),
                text=str(post.text),
                author=str(post.author),
                created_at=str(post.created_at),
                url=safe_url(str(post.url)),
                lang=str(post.lang),
                tags=[str(t) for t in post.tags],
                comments=_comments(state, post.raw if isinstance(post.raw, dict) else {}),
            )
        )
    return FeedPage(total, posts)


def search(state: AppState, query: str, limit: int, lang: str | None) -> Any:
    """Search imported posts in any language (xxai.search)."""
    response = _searcher(state).search(query, lang=lang, limit=limit)
    return response.to_json()


# -- the glossary ------------------------------------------------------------------------


def _haystack(entry: Entry) -> str:
    from xxai.slang.glossary import fold

    parts = [entry.term, *entry.variants, entry.pinyin, entry.literal, *entry.tags]
    parts += list(entry.meaning.values())
    parts += [r for values in entry.renderings.values() for r in values]
    return fold("\n".join(parts))


def glossary_entries(query: str = "", kind: str = "", lang: str = "") -> list[Entry]:
    """Return glossary entries whose spellings, pinyin or meanings contain ``query``."""
    from xxai.slang.glossary import default_glossary, fold

    q = fold(query.strip())
    out = []
    for entry in default_glossary().entries:
        if kind and entry.kind != kind:
            continue
        if lang and entry.lang != lang:
            continue
        if q and q not in _haystack(entry):
            continue
        out.append(entry)
    return out
