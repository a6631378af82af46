"""The user's own glossary: a TOML file of terms merged over the shipped glossary.

The file holds ``[[term]]`` tables in the shipped data's format (``data/SCHEMA.md``), but a
user's entry needs only ``term`` and a rendering in one language; every other key is
optional. A user's term that is a spelling of a shipped term (its term, a variant, or a
form in the other Chinese script) replaces that entry's renderings and meanings language by
language and keeps the rest; any other term is added. User entries come first, so they also
win a spelling they share with a shipped entry.

Edits (:func:`add_term`, :func:`remove_term`) keep the other entries and comments (tomlkit),
check the whole new file as the loader would, and replace the file atomically.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
import re
import stat
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from filelock import FileLock, Timeout
from tomlkit.items import AoT, Table

from xxai.errors import GlossaryError, InputError, XxaiError
from xxai.languages import base_lang
from xxai.slang.glossary import (
    KINDS,
    LANGS,
    REGISTERS,
    Entry,
    Glossary,
    default_glossary,
    load_entries,
    spellings,
)
from xxai.text.script import HAN, fold

__all__ = [
    "MAX_TERM",
    "GlossaryChange",
    "UserTerm",
    "add_term",
    "merge",
    "parse_user_terms",
    "read_user_terms",
    "remove_term",
    "user_glossary",
]

MAX_TERM = 100  # characters in a term or a variant
MAX_TEXT = 500  # characters in a rendering, a meaning or any other text
_LOCK_WAIT = 10.0  # seconds another `glossary add` may hold the file
TERM_LANGS = ("zh", "en", "de")  # what a user's term may be written in

_TEXT_KEYS = ("pinyin", "literal", "origin", "context")
_KEYS = frozenset(
    {"term", "variants", "lang", "kind", "register", "tags", "meaning", "rendering", "example"}
    | set(_TEXT_KEYS)
)
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*term[ \t]*\]\]", re.MULTILINE)

_NEW_FILE = """\
# Your own glossary terms for xxai, merged over the shipped glossary: a term the shipped
# glossary has takes your renderings and meanings (yours win), any other term is added.
# Edit it by hand or with `xxai glossary add` / `xxai glossary remove`; check it with
# `xxai glossary validate`. Smallest entry (see `xxai glossary add --help`):
#
#   [[term]]
#   term = "小红书"
#   rendering.en = ["RedNote"]
"""


@dataclass(frozen=True)
class UserTerm:
    """One entry of the user's file: the keys the user wrote, checked and normalized."""

    fields: Mapping[str, Any]
    line: int = 0  # of its [[term]] header; 0 where unknown

    @property
    def term(self) -> str:
        return str(self.fields["term"])

    def entry(self, base: Entry | None, source: str) -> Entry:
        """Return the entry: these keys over ``base`` (a shipped entry), else the defaults."""
        given = dict(self.fields)
        if base is None:
            lang = given.get("lang") or ("zh" if HAN.search(self.term) else "en")
            base = Entry(
                term=self.term,
                variants=(),
                lang=lang,
                kind="word",
                pinyin="",
                literal="",
                register="neutral",
                tags=(),
                origin="",
                meaning={},
                renderings={},
                example={},
            )
        variants = [v for v in given.pop("variants", ()) if fold(v) != fold(base.term)]
        given.pop("term")  # a shipped entry keeps its own spelling; the user's is a variant
        if fold(self.term) != fold(base.term):
            variants.insert(0, self.term)
        return dataclasses.replace(
            base,
            variants=tuple(dict.fromkeys((*base.variants, *variants))),
            meaning={**base.meaning, **given.pop("meaning", {})},
            renderings={**base.renderings, **given.pop("rendering", {})},
            example=given.pop("example", base.example),
            tags=tuple(given.pop("tags", base.tags)),
            source_file=source,
            **given,
        )


@dataclass(frozen=True)
class GlossaryChange:
    """What an edit of the user's file did."""

    action: str  # "added", "updated" or "removed"
    term: str
    path: Path
    shipped: str = ""  # the shipped term the user's entry is merged over, if any

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "term": self.term,
            "path": str(self.path),
            "shipped": self.shipped or None,
        }


# -- reading -------------------------------------------------------------------------------


def _text(value: Any, what: str, fail: type[XxaiError], limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise fail(f"{what} must be text, not {_type_name(value)}")
    text = unicodedata.normalize("NFC", value.strip())
    if len(text) > limit:
        raise fail(f"{what} is {len(text)} characters long; at most {limit}")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise fail(f"{what} holds a line break or another control character")
    return text


def _texts(value: Any, what: str, fail: type[XxaiError], limit: int = MAX_TEXT) -> list[str]:
    """Return a text or a list of texts as a list without empty or repeated items."""
    items = value if isinstance(value, list) else [value]
    texts = [_text(v, what, fail, limit) for v in items]
    return list(dict.fromkeys(t for t in texts if t))


def _type_name(value: Any) -> str:
    names = {dict: "a table", list: "a list", str: "text", bool: "true/false", int: "a number"}
    names[float] = "a number"
    return names.get(type(value), type(value).__name__)


def _lang(code: Any, what: str, fail: type[XxaiError], allowed: Sequence[str] = LANGS) -> str:
    raw = _text(code, what, fail)
    lang = base_lang(raw.lower().replace("_", "-"))
    if lang not in allowed:
        raise fail(f"{what}: {raw!r} is not one of {', '.join(allowed)}")
    return lang


def _check_term(term: str, fail: type[XxaiError]) -> str:
    if not term:
        raise fail("the term is empty")
    if all(unicodedata.category(c)[0] in "PZ" for c in term):
        raise fail(f"{term!r} has no letter, digit or symbol: it would match any punctuation")
    return term


def _by_language(value: Any, what: str, fail: type[XxaiError], many: bool) -> dict[str, Any]:
    """Check a table from language code to text (``many``: or a list of texts)."""
    if not isinstance(value, dict):
        raise fail(f"{what} must be a table of languages, e.g. {what}.en = ...")
    out: dict[str, Any] = {}
    for code, item in value.items():
        lang = _lang(code, f"{what} language", fail)
        if many:
            texts = _texts(item, f"{what}.{code}", fail)
            if texts:
                out[lang] = texts
        elif text := _text(item, f"{what}.{code}", fail):
            out[lang] = text
    return out


def _check(raw: Any, fail: type[XxaiError]) -> dict[str, Any]:
    """Return the keys of one user entry, normalized; raise ``fail`` naming what is wrong."""
    if not isinstance(raw, dict):
        raise fail(f"an entry must be a [[term]] table, not {_type_name(raw)}")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(_KEYS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise fail(f"unknown key {unknown[0]!r}{hint}; known: {', '.join(sorted(_KEYS))}")
    if "term" not in raw:
        raise fail("missing 'term'")
    fields: dict[str, Any] = {"term": _check_term(_text(raw["term"], "term", fail, MAX_TERM), fail)}
    fields["rendering"] = _by_language(raw.get("rendering", {}), "rendering", fail, many=True)
    if not fields["rendering"]:
        raise fail(f'{fields["term"]!r} needs a rendering, e.g. rendering.en = ["..."]')
    if "meaning" in raw:
        meaning = raw["meaning"]
        if isinstance(meaning, str):
            # One meaning, written once, is the meaning in every language.
            text = _text(meaning, "meaning", fail)
            fields["meaning"] = dict.fromkeys(LANGS, text) if text else {}
        else:
            fields["meaning"] = _by_language(meaning, "meaning", fail, many=False)
    if "variants" in raw:
        variants = _texts(raw["variants"], "variants", fail, MAX_TERM)
        fields["variants"] = [_check_term(v, fail) for v in variants]
    if "lang" in raw:
        fields["lang"] = _lang(raw["lang"], "lang", fail, TERM_LANGS)
    for key, allowed in (("kind", KINDS), ("register", REGISTERS)):
        if key in raw:
            value = _text(raw[key], key, fail)
            if value not in allowed:
                raise fail(f"{key} {value!r} is not one of {', '.join(sorted(allowed))}")
            fields[key] = value
    for key in _TEXT_KEYS:
        if key in raw:
            fields[key] = _text(raw[key], key, fail)
    if fields.get("context"):
        try:
            re.compile(fields["context"])
        except re.error as exc:
            raise fail(f"context is not a valid regular expression ({exc})") from None
    if "tags" in raw:
        fields["tags"] = _texts(raw["tags"], "tags", fail)
    if "example" in raw:
        example = raw["example"]
        if not isinstance(example, dict) or not all(isinstance(v, str) for v in example.values()):
            raise fail("example must be a table of texts (text, translation, lang)")
        fields["example"] = {str(k): _text(v, f"example.{k}", fail) for k, v in example.items()}
    return fields


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(f"{name}, line {line}: not valid UTF-8") from None


def parse_user_terms(text: str, name: str) -> list[UserTerm]:
    """Check the user's glossary text; raise GlossaryError naming ``name``, line and term."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{name}: not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - {"term"})
    if unknown:
        raise GlossaryError(
            f"{name}: unknown top-level key {unknown[0]!r}; entries are [[term]] tables"
        )
    raw_terms = doc.get("term", [])
    if not isinstance(raw_terms, list):
        raise GlossaryError(f"{name}: 'term' must be [[term]] tables (write [[term]], not [term])")
    lines = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
    if len(lines) != len(raw_terms):
        lines = [0] * len(raw_terms)  # entries written inline: no header to point at
    terms = []
    for number, (raw, line) in enumerate(zip(raw_terms, lines, strict=True), start=1):
        where = f"{name}, line {line}" if line else f"{name}, entry {number}"
        if isinstance(raw, dict) and isinstance(raw.get("term"), str):
            where += f" ({raw['term'].strip()!r})"
        try:
            terms.append(UserTerm(_check(raw, GlossaryError), line))
        except GlossaryError as exc:
            raise GlossaryError(f"{where}: {exc}") from None
    return terms


def read_user_terms(path: Path) -> list[UserTerm]:
    """Read and check the user's glossary file (none: no terms)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise GlossaryError(f"cannot read your glossary {path}: {exc.strerror}") from None
    return parse_user_terms(_decode(data, str(path)), str(path))


# -- merging -------------------------------------------------------------------------------


def _where(term: UserTerm, source: str) -> str:
    return f"{source}, line {term.line}" if term.line else source


def _at(term: UserTerm) -> str:
    return f" (line {term.line})" if term.line else ""


def _owners(shipped: Sequence[Entry]) -> dict[str, int]:
    """Return each folded spelling's entry (the first, where two share one)."""
    owner: dict[str, int] = {}
    for index, entry in enumerate(shipped):
        for spelling in spellings(entry):
            owner.setdefault(fold(spelling), index)
    return owner


def merge(shipped: Sequence[Entry], user: Sequence[UserTerm], source: str) -> list[Entry]:
    """Return the user's entries (each merged over the shipped entry it spells, if any),
    then the shipped entries no user entry replaced."""
    owner = _owners(shipped)
    replaced: dict[int, UserTerm] = {}
    mine: dict[str, UserTerm] = {}
    merged: list[Entry] = []
    for term in user:
        alone = term.entry(None, source)
        for spelling in spellings(alone):
            other = mine.setdefault(fold(spelling), term)
            if other is not term:
                raise GlossaryError(
                    f"{_where(term, source)}: {spelling!r} is already a spelling of "
                    f"{other.term!r}{_at(other)}; keep one entry"
                )
        # The term itself decides first; then its variants and other-script forms.
        keys = [fold(term.term), *(fold(s) for s in spellings(alone))]
        index = next((owner[k] for k in keys if k in owner), None)
        if index is None:
            merged.append(alone)
            continue
        if index in replaced:
            first = replaced[index]
            raise GlossaryError(
                f"{_where(term, source)}: {term.term!r} and {first.term!r}{_at(first)} "
                f"both replace the shipped term {shipped[index].term!r}; keep one entry"
            )
        replaced[index] = term
        merged.append(term.entry(shipped[index], source))
    merged.extend(e for i, e in enumerate(shipped) if i not in replaced)
    return merged


def user_glossary(path: Path) -> Glossary:
    """Return the shipped glossary with the user's file merged over it (if it exists)."""
    terms = read_user_terms(path)
    if not terms:
        return default_glossary()
    return Glossary(merge(default_glossary().entries, terms, str(path)))


def check_user_glossary(path: Path) -> list[Entry]:
    """Load the shipped data afresh and merge the user's file over it; return the entries."""
    return merge(load_entries(), read_user_terms(path), str(path))


def _shipped_term(fields: Mapping[str, Any]) -> str:
    merged = merge(default_glossary().entries, [UserTerm(fields)], "new")
    first = merged[0]
    return first.term if default_glossary().get(first.term) is not None else ""


# -- editing -------------------------------------------------------------------------------


def _read_for_edit(path: Path) -> str:
    """Return the file's text, checked (an edit never replaces a file the user has yet to
    fix), or the header of a new file."""
    try:
        text = _decode(path.read_bytes(), str(path))
    except FileNotFoundError:
        return _NEW_FILE
    except OSError as exc:
        raise GlossaryError(f"cannot read your glossary {path}: {exc.strerror}") from None
    parse_user_terms(text, str(path))
    return text


def _parse(path: Path, text: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:  # tomllib accepted it: unlikely
        raise GlossaryError(f"{path}: cannot edit it: {exc}") from None


def _terms_table(path: Path, doc: tomlkit.TOMLDocument) -> AoT:
    """Return the document's [[term]] tables (added when it has none)."""
    terms = doc.get("term")
    if isinstance(terms, list) and not terms and not isinstance(terms, AoT):
        del doc["term"]  # "term = []": no entries yet
        terms = None
    if terms is None:
        terms = tomlkit.aot()
        doc.append("term", terms)
    if not isinstance(terms, AoT):
        raise GlossaryError(
            f"{path}: its entries are written inline; `xxai glossary add` and `remove` edit "
            "[[term]] tables only (edit the file by hand, or rewrite it as [[term]] tables)"
        )
    return terms


def _keys(fields: Mapping[str, Any]) -> set[str]:
    """Return the folded spellings of an entry's keys (other-script forms included)."""
    return {fold(s) for s in spellings(UserTerm(fields).entry(None, ""))}


def _index_of(terms: AoT, keys: set[str]) -> int | None:
    """Return the index of the table that spells one of ``keys``."""
    for index, table in enumerate(terms):
        if keys & _keys(_check(table.unwrap(), GlossaryError)):
            return index
    return None


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically: a temporary file beside it, renamed over."""
    target = path.resolve()  # a symlinked file stays a symlink; its target is replaced
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _save(path: Path, doc: tomlkit.TOMLDocument) -> list[UserTerm]:
    text = tomlkit.dumps(doc)
    terms = parse_user_terms(text, str(path))  # what the loader will read, checked first
    merge(default_glossary().entries, terms, str(path))
    try:
        _write(path, text)
    except OSError as exc:
        raise GlossaryError(f"cannot write your glossary {path}: {exc.strerror}") from None
    return terms


def add_term(
    path: Path,
    term: str,
    renderings: Mapping[str, Iterable[str]],
    meaning: str = "",
    lang: str = "",
    variants: Iterable[str] = (),
) -> GlossaryChange:
    """Add a term to the user's file, or update the entry that spells it: the languages
    given replace its renderings there, the meaning and language replace theirs, the
    variants are added."""
    given: dict[str, Any] = {"term": term, "rendering": {}}
    for code, values in renderings.items():
        texts = [v for v in values if v.strip()]
        if texts:
            given["rendering"][code] = texts
    for key, value in (("meaning", meaning), ("lang", lang)):
        if value.strip():
            given[key] = value
    if extra := [v for v in variants if v.strip()]:
        given["variants"] = extra
    fields = _check(given, InputError)
    with _editing(path):
        text = _read_for_edit(path)
        doc = _parse(path, text)
        terms = _terms_table(path, doc)
        index = _index_of(terms, _keys(fields))
        if index is None:
            # Parsed again with a blank line at the end, so the new [[term]] stands apart.
            doc = _parse(path, text.rstrip("\n") + "\n\n")
            _terms_table(path, doc).append(_new_table(fields))
            action = "added"
        else:
            _update(terms[index], fields)
            action = "updated"
            fields = {**fields, "term": str(terms[index]["term"]).strip()}
        _save(path, doc)
    return GlossaryChange(action, fields["term"], path, _shipped_term(fields))


@contextlib.contextmanager
def _editing(path: Path) -> Iterator[None]:
    """Hold the user's file for one read-change-write: two `glossary add` at once would
    otherwise both read the old file, and the second rename would drop the first's term."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path.with_name(path.name + ".lock"))
    try:
        with lock.acquire(timeout=_LOCK_WAIT):
            yield
    except Timeout:
        raise InputError(
            f"{path} is being changed by another xxai (waited {_LOCK_WAIT:.0f} s for "
            f"{lock.lock_file}); try again"
        ) from None


def _new_table(fields: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    table.add("term", fields["term"])
    for key in ("variants", "lang"):
        if key in fields:
            table.add(key, fields[key])
    if "meaning" in fields:
        table.add("meaning", _one_meaning(fields))
    rendering = tomlkit.table()
    for code, texts in fields["rendering"].items():
        rendering.add(code, texts)
    table.add("rendering", rendering)
    return table


def _one_meaning(fields: Mapping[str, Any]) -> str:
    """Return the meaning given once (it stands for every language)."""
    return str(next(iter(fields["meaning"].values()), ""))


def _update(table: Table, fields: Mapping[str, Any]) -> None:
    rendering = table.get("rendering")
    if not isinstance(rendering, dict):
        rendering = tomlkit.table()
        table["rendering"] = rendering
    for code, texts in fields["rendering"].items():
        for key in [k for k in rendering if k != code and _same_lang(k, code)]:
            del rendering[key]  # "zh-Hans" written by hand, "zh" given now
        rendering[code] = texts
    if "meaning" in fields:
        table["meaning"] = _one_meaning(fields)
    if "lang" in fields:
        table["lang"] = fields["lang"]
    if "variants" in fields:
        known = [str(v) for v in _as_list(table.get("variants", []))]
        folded = {fold(k) for k in known}
        new = [v for v in fields["variants"] if fold(v) not in folded]
        if new:
            table["variants"] = [*known, *new]


def _same_lang(code: str, other: str) -> bool:
    return base_lang(code.lower().replace("_", "-")) == other


def remove_term(path: Path, term: str) -> GlossaryChange:
    """Remove the entry that spells ``term`` from the user's file."""
    wanted = _text(term, "term", InputError, MAX_TERM)
    if not wanted:
        raise InputError("give the term to remove")
    if not path.exists():
        raise InputError(f"there is no glossary of yours at {path}: nothing to remove")
    with _editing(path):
        return _remove(path, wanted)


def _remove(path: Path, wanted: str) -> GlossaryChange:
    doc = _parse(path, _read_for_edit(path))
    terms = _terms_table(path, doc)
    index = _index_of(terms, _keys({"term": wanted}))
    if index is None:
        shipped = default_glossary().lookup_scored(wanted, 1)
        if shipped and shipped[0][1] in {"exact", "variant"}:
            raise InputError(
                f"{wanted!r} is a shipped term, not one of yours in {path}; shipped terms "
                "cannot be removed, only given your own renderings (xxai glossary add)"
            )
        raise InputError(f"{wanted!r} is not in your glossary {path}")
    removed = str(terms[index].get("term", wanted)).strip()
    fields = dict(_check(terms[index].unwrap(), InputError))
    del terms[index]
    if not terms:
        del doc["term"]  # else tomlkit writes "term = []" at the top
    _save(path, doc)
    return GlossaryChange("removed", removed, path, _shipped_term(fields))
