"""Import posts from JSON Lines, JSON arrays and CSV into the search database.

Each record's fields are found through a mapping from our fields (id, text, title, ...) to
paths in the record (``user.screen_name``); presets hold the mappings of common export
shapes, and a mapping (``FIELD=PATH``) overrides any of them. Re-importing updates posts in place
(a post is known by its source and id), a malformed row is reported with its line number
and skipped, and posts are written a chunk at a time, each chunk in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xxai.errors import InputError, LanguageError, MappingError, StoreDataError
from xxai.languages import normalize_lang
from xxai.records import Record, count_records, detect_format, read_records
from xxai.search.comments import annotate_comments
from xxai.search.index import Indexer, Progress
from xxai.search.store import Post
from xxai.text.validate import check_value

__all__ = [
    "FIELDS",
    "PRESETS",
    "ImportReport",
    "Preset",
    "import_file",
    "import_records",
    "parse_mapping",
]

# The longest post (text and title) stored; the default of the max_chars setting.
DEFAULT_MAX_CHARS = 200_000

# Our fields; each maps to one or more paths in a record, the first one present wins
# (for metrics, every path present is kept, under its last name part).
FIELDS = ("id", "text", "title", "url", "author", "created_at", "lang", "tags", "metrics")


@dataclass(frozen=True)
class Preset:
    """A named mapping for one export shape."""

    name: str
    source: str
    mapping: dict[str, tuple[str, ...]]
    url_template: str = ""  # filled from the mapped fields, e.g. {author} and {id}
    help: str = ""


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "generic",
            "generic",
            {
                "id": ("id",),
                "text": ("text", "content", "body"),
                "title": ("title",),
                "url": ("url", "link"),
                "author": ("author", "user", "username"),
                "created_at": ("created_at", "date", "time", "timestamp"),
                "lang": ("lang", "language"),
                "tags": ("tags",),
                "metrics": ("metrics",),
            },
            help="id, text (or content/body), and optional title, url, author, created_at, "
            "lang, tags, metrics",
        ),
        Preset(
            "rednote",
            "rednote",
            {
                "id": ("note_id", "id"),
                "text": ("desc", "content"),
                "title": ("title", "display_title"),
                "url": ("note_url", "url"),
                "author": ("nickname", "user.nickname", "user_id", "user.user_id"),
                "created_at": ("time", "create_time", "publish_time"),
                "lang": ("lang",),
                "tags": ("tag_list", "tags"),
                "metrics": (
                    "liked_count",
                    "collected_count",
                    "comment_count",
                    "share_count",
                    "interact_info.liked_count",
                    "interact_info.collected_count",
                    "interact_info.comment_count",
                    "interact_info.share_count",
                ),
            },
            url_template="https://www.xiaohongshu.com/explore/{id}",
            help="Xiaohongshu/RedNote notes: note_id, title, desc, tag_list, nickname, time, "
            "liked_count, ...",
        ),
        Preset(
            "twitter",
            "twitter",
            {
                "id": ("id_str", "id"),
                "text": ("full_text", "text", "legacy.full_text"),
                "title": (),
                "url": ("url",),
                "author": ("user.screen_name", "author.username", "username", "author_id"),
                "created_at": ("created_at",),
                "lang": ("lang",),
                "tags": ("entities.hashtags",),
                "metrics": (
                    "favorite_count",
                    "retweet_count",
                    "reply_count",
                    "quote_count",
                    "public_metrics",
                ),
            },
            url_template="https://x.com/{author}/status/{id}",
            help="Twitter/X: id, full_text or text, user.screen_name, created_at, lang, "
            "entities.hashtags, favorite_count, retweet_count, ...",
        ),
    ]
}


@dataclass
class ImportReport:
    """What an import did."""

    path: Path | None  # None for records that came from no file (the API)
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Return how many rows were skipped."""
        return len(self.errors)

    def to_json(self, posts: int) -> dict[str, Any]:
        """Return the report ``xxai import --json`` and ``/api/v1/import`` print.

        ``posts`` is how many posts the store holds now; a skipped row's ``row`` is its line
        in the file (for the API: its position in the list, from 1).
        """
        return {
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"row": line, "error": message} for line, message in self.errors],
            "posts": posts,
        }


def parse_mapping(pairs: Mapping[str, str] | list[str]) -> dict[str, tuple[str, ...]]:
    """Parse ``FIELD=PATH[,PATH...]`` pairs into a mapping."""
    items = pairs.items() if isinstance(pairs, Mapping) else [_split_pair(p) for p in pairs]
    mapping: dict[str, tuple[str, ...]] = {}
    for name, paths in items:
        key = name.strip().replace("-", "_")
        if key not in FIELDS:
            raise MappingError(f"{name}: unknown field to map; use one of {', '.join(FIELDS)}")
        mapping[key] = tuple(p.strip() for p in paths.split(",") if p.strip())
    return mapping


def _split_pair(pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep:
        raise MappingError(f"a mapping is FIELD=PATH, got {pair!r}")
    return name, value


# -- mapping ---------------------------------------------------------------------------


class _RowError(Exception):
    pass


def _get(record: Mapping[str, Any], path: str) -> Any:
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _first(record: Mapping[str, Any], paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = _get(record, path)
        if value is not None and value != "":
            return value
    return None


def _as_text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | int | float):
        return str(value)
    raise _RowError(f"{name} should be text, got {type(value).__name__}")


def _tags(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items: list[Any]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                return _tags(json.loads(stripped))
            except json.JSONDecodeError:
                pass
        items = re.split(r"[,，;；#\s]+", stripped)
    elif isinstance(value, list):
        items = value
    else:
        raise _RowError(f"tags should be a list or text, got {type(value).__name__}")
    tags = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("name") or item.get("text") or item.get("tag") or ""
        tag = str(item).strip().strip("#").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _metrics(record: Mapping[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for path in paths:
        value = _get(record, path)
        if isinstance(value, Mapping):
            metrics.update({str(k): v for k, v in value.items() if _scalar(v)})
        elif value is not None and value != "" and _scalar(value):
            metrics[path.rsplit(".", 1)[-1]] = value
    return metrics


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_EPOCH_DIGITS = re.compile(r"[0-9]{9,}")


def _timestamp(value: Any) -> str:
    """Return an ISO 8601 time for epoch numbers, ISO text or Twitter's format; else as is.

    A number that is no moment in time (``1e20``, ``NaN``) makes the row an error.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        raise _RowError(f"created_at should be a time, got {value!r}")
    if isinstance(value, int | float) or (
        isinstance(value, str) and _EPOCH_DIGITS.fullmatch(value)
    ):
        return _epoch(value)
    text = str(value).strip()
    for candidate, fmt in ((text, _TWITTER_TIME), (text.replace("Z", "+00:00"), "")):
        try:
            moment = datetime.strptime(candidate, fmt) if fmt else datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return moment.isoformat().replace("+00:00", "Z")
    return text


def _epoch(value: int | float | str) -> str:
    try:
        number = float(value)
        if number > 1e11:  # milliseconds, as RedNote exports them
            number /= 1000
        moment = datetime.fromtimestamp(number, UTC)
    except (ValueError, OverflowError, OSError):
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
        raise _RowError(
            f"created_at {shown} is not a time (seconds or milliseconds since 1970)"
        ) from None
    return moment.isoformat().replace("+00:00", "Z")


def _to_post(
    record: dict[str, Any],
    preset: Preset,
    mapping: Mapping[str, tuple[str, ...]],
    source: str,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Post:
    def paths(name: str) -> tuple[str, ...]:
        return mapping.get(name, preset.mapping.get(name, ()))

    try:
        check_value(record)
    except InputError as exc:
        raise _RowError(str(exc)) from None
    text = _as_text(_first(record, paths("text")), "text")
    title = _as_text(_first(record, paths("title")), "title")
    if not text and not title:
        looked = ", ".join(paths("text")) or "none"
        raise _RowError(f"no text (looked for: {looked})")
    if len(text) + len(title) > max_chars:
        raise _RowError(
            f"text has {len(text) + len(title):,} characters, over the limit of "
            f"{max_chars:,} (setting max_chars); split the post"
        )
    post_id = _as_text(_first(record, paths("id")), "id")
    if not post_id:
        # A stable id from the content keeps re-imports idempotent.
        post_id = "sha1:" + hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()[:16]
    author = _first(record, paths("author"))
    if isinstance(author, Mapping):
        author = author.get("screen_name") or author.get("username") or author.get("name")
    lang = _as_text(_first(record, paths("lang")), "lang")
    try:
        lang = normalize_lang(lang) if lang and lang != "und" else ""
    except LanguageError:
        lang = ""  # detected instead
    post = Post(
        source=source,
        id=post_id,
        text=text,
        title=title,
        url=_as_text(_first(record, paths("url")), "url"),
        author=_as_text(author, "author"),
        created_at=_timestamp(_first(record, paths("created_at"))),
        lang=lang,
        tags=_tags(_first(record, paths("tags"))),
        metrics=_metrics(record, paths("metrics")),
        raw=record,
    )
    needs_author = "{author}" in preset.url_template
    if not post.url and preset.url_template and (post.author or not needs_author):
        post.url = preset.url_template.format(id=post.id, author=post.author)
    return post


# -- importing -------------------------------------------------------------------------


def import_file(
    path: Path,
    indexer: Indexer,
    detect: Callable[[str], str],
    preset: str = "generic",
    mapping: Mapping[str, tuple[str, ...]] | None = None,
    source: str | None = None,
    fmt: str | None = None,
    embed: bool = True,
    chunk_size: int = 256,
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ImportReport:
    """Import every row of ``path``; return counts and the rows that were skipped."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = detect_format(path, fmt)
    rows = read_records(path, fmt)
    total = count_records(path, fmt)
    return import_records(
        rows, indexer, detect, preset, mapping, source, embed, chunk_size, progress, total, path,
        max_chars,
    )  # fmt: skip


def import_records(
    rows: Iterable[Record],
    indexer: Indexer,
    detect: Callable[[str], str],
    preset: str = "generic",
    mapping: Mapping[str, tuple[str, ...]] | None = None,
    source: str | None = None,
    embed: bool = True,
    chunk_size: int = 256,
    progress: Progress | None = None,
    total: int = 0,
    path: Path | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ImportReport:
    """Import (line, record, error) rows, as :func:`xxai.records.read_records` yields them.

    A bad row never aborts the import: it is skipped and reported with its line number.
    """
    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    chosen = PRESETS[preset]
    mapping = dict(mapping or {})
    source = source or chosen.source
    report = ImportReport(path)
    chunk: list[tuple[int, Post]] = []
    pending = 0  # rows read since the last progress report
    keys_seen: list[str] = []

    def flush() -> None:
        nonlocal pending
        ready: list[tuple[int, Post]] = []
        for line, post in chunk:
            try:
                if not post.lang:
                    post.lang = detect(post.searchable())
                # Stored with the record, so the feed never runs the detector.
                annotate_comments(post.raw, detect)
            except InputError as exc:
                report.errors.append((line, str(exc)))
                continue
            ready.append((line, post))
        if ready:
            _write(indexer, ready, embed, report)
        if progress is not None:
            progress(pending, total)
        chunk.clear()
        pending = 0

    for line, record, error in rows:
        report.rows += 1
        pending += 1
        if record is None:
            report.errors.append((line, error))
            continue
        if not keys_seen:
            keys_seen.extend(str(k) for k in record)
        try:
            chunk.append((line, _to_post(record, chosen, mapping, source, max_chars)))
        except _RowError as exc:
            report.errors.append((line, str(exc)))
            continue
        if len(chunk) >= chunk_size:
            flush()
    flush()
    _check_text_found(report, keys_seen, mapping.get("text", chosen.mapping["text"]))
    return report


# Errors a row's values can raise deep in the writer (the database, the JSON encoder).
_DATA_ERRORS = (
    ValueError, TypeError, OverflowError, RecursionError, sqlite3.DataError, StoreDataError,
)  # fmt: skip


def _write(
    indexer: Indexer, rows: list[tuple[int, Post]], embed: bool, report: ImportReport
) -> None:
    """Write a chunk; when one row breaks it, write the others one by one and skip that row."""
    try:
        outcomes = indexer.write_posts([p for _, p in rows], embed=embed)
    except _DATA_ERRORS:
        if len(rows) == 1:
            raise
        for row in rows:
            try:
                _write(indexer, [row], embed, report)
            except _DATA_ERRORS as exc:
                report.errors.append((row[0], f"cannot be stored ({exc})"))
        return
    for outcome in outcomes:
        setattr(report, outcome.action, getattr(report, outcome.action) + 1)


def _check_text_found(report: ImportReport, keys: list[str], looked: tuple[str, ...]) -> None:
    """Fail when no row had a text field: the mapping is wrong, not the rows."""
    stored = report.inserted + report.updated + report.unchanged
    if (
        report.rows
        and not stored
        and keys
        and all(e.startswith("no text") for _, e in report.errors)
    ):
        where = report.path or "the records"
        raise MappingError(
            f"{where}: no row has a text field (looked for: {', '.join(looked)}); its fields "
            f"are: {', '.join(keys[:20])}; map one of them to text, or choose a preset"
        )
