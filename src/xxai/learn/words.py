"""The learner's word list: words saved with pinyin, meaning and the sentence they came from.

It lives in ``$XXAI_HOME/words.sqlite``; one row per word and language, so saving a word
again updates it (and keeps the earlier sentence when the new save has none). Every query
is parameterised. Export goes to CSV or to an Anki deck (see :mod:`xxai.learn.anki`).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xxai.errors import InputError, WordListError

__all__ = ["MAX_FIELD", "SavedWord", "WordList", "default_path", "describe"]

MAX_FIELD = 2_000
MAX_WORD = 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS words (
    id INTEGER PRIMARY KEY,
    word TEXT NOT NULL,
    lang TEXT NOT NULL,
    pinyin TEXT NOT NULL DEFAULT '',
    meaning TEXT NOT NULL DEFAULT '',
    sentence TEXT NOT NULL DEFAULT '',
    translation TEXT NOT NULL DEFAULT '',
    traditional TEXT NOT NULL DEFAULT '',
    hsk INTEGER,
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (word, lang)
);
"""


@dataclass(frozen=True)
class SavedWord:
    """A word in the list."""

    id: int
    word: str
    lang: str
    pinyin: str
    meaning: str
    sentence: str
    translation: str
    traditional: str
    hsk: int | None
    source: str
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def default_path(home: Path) -> Path:
    """Return where the word list lives in ``home``."""
    return home / "words.sqlite"


def _clean(value: str | None, name: str, limit: int = MAX_FIELD) -> str:
    text = " ".join((value or "").split()) if name == "word" else (value or "").strip()
    if "\x00" in text:
        raise InputError(f"the {name} holds a NUL character")
    if len(text) > limit:
        raise InputError(f"the {name} is {len(text):,} characters; at most {limit:,}")
    return text


def _has_han(text: str) -> bool:
    from xxai.learn.pinyin import is_han

    return any(is_han(ch) for ch in text)


class WordList:
    """The word list in one SQLite file (one writer at a time, safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise WordListError(f"cannot open the word list {path}: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(self, word: str, **fields: Any) -> SavedWord:
        """Save ``word`` (or update it): pinyin, meaning, sentence, translation, lang, ..."""
        text = _clean(word, "word", MAX_WORD)
        if not text:
            raise InputError("give a word to save")
        lang = fields.get("lang") or ("zh" if _has_han(text) else "en")
        values = {
            name: _clean(fields.get(name), name)
            for name in ("pinyin", "meaning", "sentence", "translation", "traditional", "source")
        }
        hsk = fields.get("hsk")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._db:
            self._db.execute(
                """
                INSERT INTO words (word, lang, pinyin, meaning, sentence, translation,
                                   traditional, hsk, source, created_at, updated_at)
                VALUES (:word, :lang, :pinyin, :meaning, :sentence, :translation,
                        :traditional, :hsk, :source, :now, :now)
                ON CONFLICT (word, lang) DO UPDATE SET
                    pinyin = COALESCE(NULLIF(excluded.pinyin, ''), pinyin),
                    meaning = COALESCE(NULLIF(excluded.meaning, ''), meaning),
                    sentence = COALESCE(NULLIF(excluded.sentence, ''), sentence),
                    translation = CASE WHEN excluded.sentence != ''
                        THEN excluded.translation ELSE translation END,
                    traditional = COALESCE(NULLIF(excluded.traditional, ''), traditional),
                    hsk = COALESCE(excluded.hsk, hsk),
                    source = COALESCE(NULLIF(excluded.source, ''), source),
                    updated_at = excluded.updated_at
                """,
                {"word": text, "lang": lang, "hsk": hsk, "now": now, **values},
            )
        found = self.get(text, lang)
        assert found is not None  # the row was just written
        return found

    def get(self, word: str, lang: str | None = None) -> SavedWord | None:
        """Return the saved ``word`` (in ``lang``, if given), or None."""
        sql = "SELECT * FROM words WHERE word = ?"
        params: list[Any] = [word.strip()]
        if lang:
            sql += " AND lang = ?"
            params.append(lang)
        rows = self._query(sql + " ORDER BY id LIMIT 1", params)
        return rows[0] if rows else None

    def entries(self, limit: int = 1000, offset: int = 0) -> list[SavedWord]:
        """Return saved words, newest first."""
        return self._query(
            "SELECT * FROM words ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
            [max(0, limit), max(0, offset)],
        )

    def search(self, query: str, limit: int = 100) -> list[SavedWord]:
        """Return words whose spelling, pinyin, meaning or sentence contains ``query``."""
        q = query.strip().lower()
        if not q:
            return self.entries(limit)
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        like = "lower({}) LIKE ? ESCAPE '\\'"
        columns = ("word", "pinyin", "meaning", "sentence", "translation", "traditional")
        where = " OR ".join(like.format(c) for c in columns)
        return self._query(
            f"SELECT * FROM words WHERE {where} ORDER BY updated_at DESC, id DESC LIMIT ?",
            [pattern] * len(columns) + [max(0, limit)],
        )

    def delete(self, word: str) -> int:
        """Delete ``word`` (by spelling or id); return how many rows went."""
        key = word.strip()
        with self._lock, self._db:
            if key.isdigit():
                cursor = self._db.execute("DELETE FROM words WHERE id = ?", (int(key),))
                if cursor.rowcount:
                    return cursor.rowcount
            cursor = self._db.execute("DELETE FROM words WHERE word = ?", (key,))
            return cursor.rowcount

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM words").fetchone()[0])

    def _query(self, sql: str, params: list[Any]) -> list[SavedWord]:
        try:
            with self._lock:
                rows = self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise WordListError(f"cannot read the word list {self.path}: {exc}") from None
        return [SavedWord(**dict(row)) for row in rows]


def describe(word: str, home: Path) -> dict[str, Any]:
    """Return what we know of a word: pinyin, meaning, traditional spelling, HSK level."""
    from xxai.learn.gloss import gloss
    from xxai.learn.render import meaning_of

    text = word.strip()
    if not _has_han(text):
        from xxai.slang.glossary import default_glossary

        found = default_glossary().lookup(text, 1)
        entry = found[0] if found and found[0].term.lower() == text.lower() else None
        return {"meaning": entry.meaning.get("en", "") if entry else "", "lang": "en"}
    glossed = gloss(text, home=home)
    words = [w for w in glossed.words if w.kind == "zh"]
    if len(words) == 1:
        one = words[0]
        return {
            "pinyin": one.pinyin(),
            "meaning": meaning_of(one),
            "traditional": one.traditional if one.traditional != text else "",
            "hsk": one.hsk,
            "lang": "zh",
        }
    from xxai.learn.gloss import pinyin_line

    meaning = "; ".join(f"{w.word} {meaning_of(w, limit=1)}" for w in words)
    return {"pinyin": pinyin_line(glossed.words), "meaning": meaning[:MAX_FIELD], "lang": "zh"}
