"""English to German words from FreeDict's eng-deu dictionary (Debian: dict-freedict-eng-deu).

The small default model leaves English words in German translations ("Ein Spokesperson
sagte") and, asked for one German word, makes one up ("drought" is "Droht"). A dictionary
knows them: this reads FreeDict's dictd files (an index of headwords and a dictzip file of
entries, GPL-2+, installed by Debian's package, not shipped with xxai) and gives, for an
English word, its usual German word, so a retry can hand it to the model as a glossary
line.

Each entry is one sense: a headword line, then its German equivalents ("Dürre <fem>,
Trockenheit <fem>"), then examples and notes. Of a word's senses, the first equivalent of
each is a candidate; a noun is asked for as a noun (German capitalises nouns, so a leftover
written "Spokesperson" is one), and the candidate German uses most (by wordfreq) wins:
"spokesperson" is "Sprecher", not "Interessenvertreter".

Before the first pass, a German unit also gets the German word of its rare nouns
(:meth:`EnglishGerman.rare_nouns`: quake Erdbeben) and the German name of its places
(:meth:`EnglishGerman.places`: Bolivia Bolivien, from the entries marked [geogr.]).
"""

from __future__ import annotations

import functools
import gzip
import logging
import re
from pathlib import Path

from xxai.learn.hints import PLURAL_ENDINGS, english_forms

__all__ = ["DEFAULT_DIR", "EnglishGerman", "default_english_german"]

log = logging.getLogger(__name__)

#: Where Debian's dict-freedict-eng-deu installs the dictionary.
DEFAULT_DIR = Path("/usr/share/dictd")
_NAME = "freedict-eng-deu"

_B64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
# Grammar and usage marks: <fem>, <v, trans>, (etw.), [Am.], [ugs.]
_ANGLED = re.compile(r"<[^>]*>")
_ROUND = re.compile(r"\([^)]*\)")
_TAG = re.compile(r"\[([^\]]*)\]")
_LEADING_TAGS = re.compile(r"\s*(?:\[[^\]]*\]\s*)+")
# Colloquial, slang, vulgar, pejorative, humorous, dated, regional (Austria, Switzerland...).
_SKIPPED_TAGS = {
    "coll.", "ugs.", "slang", "vulg.", "pej.", "humor.", "veraltet", "veraltend", "obs.",
    "Ös.", "Schw.", "Bayr.", "Norddt.", "Süddt.", "Südtirol", "Lux.",
}  # fmt: skip
_NOUN = re.compile(r"<(?:fem|masc|neut|pl)>")
_CODE = re.compile(r"[A-Z]{2,3}")
_NAME_GAP = 1.0
# A place's headword: up to three capitalised words ("Dominican Republic").
_PLACE = re.compile(r"[A-Z][A-Za-z'.-]*(?: [A-Z][A-Za-z'.-]*){0,2}")
_NAME_RUN = re.compile(r"[A-Z][A-Za-z.-]*(?:'s)?(?:\s+[A-Z][A-Za-z.-]*(?:'s)?)*")
# Capitalised at the start of a sentence, not part of a name ("In Bolivia").
_LEADING = frozenset({
    "the", "in", "at", "from", "to", "for", "on", "by", "and", "but", "a", "an", "of", "with",
    "as", "after", "before",
})  # fmt: skip
_WORD = re.compile(r"[A-Za-z][a-z'-]*")
# Rare nouns worth a line before the first pass (rare_nouns): wordfreq's English Zipf range
# (quake 3.45, diocese 2.9; troops 4.64 and campaign 5.0 a model knows), how common the
# German word must be (Seebebenflutwelle for tsunami is not), and how many a unit gets.
_RARE_ENGLISH = (1.5, 4.0)
_COMMON_GERMAN = 3.0
_MAX_NOUNS = 3
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*")
_NOT_NOUN_ENDINGS = ("ing", "ed", "ly", "'s")
# Words after which an English word is a verb ("to stab") or an adjective ("is tense").
_NOT_NOUN_AFTER = frozenset({
    "to", "will", "would", "can", "could", "may", "might", "must", "should", "shall", "did",
    "do", "does", "not", "never", "also", "i", "you", "we", "they", "he", "she", "it", "who",
    "is", "are", "was", "were", "be", "been", "being", "am", "become", "became", "becomes",
    "seem", "seems", "seemed", "very", "so", "too", "quite", "rather", "how",
})  # fmt: skip


def _number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64[char]
    return value


class EnglishGerman:
    """The German words for single English words, read from FreeDict's dictd files."""

    def __init__(self, folder: Path = DEFAULT_DIR) -> None:
        self.folder = folder
        self._senses: dict[str, list[tuple[str, bool]]] | None = None
        self._places: dict[str, set[str]] = {}

    @property
    def available(self) -> bool:
        return (self.folder / f"{_NAME}.index").is_file() and (
            self.folder / f"{_NAME}.dict.dz"
        ).is_file()

    def _load(self) -> dict[str, list[tuple[str, bool]]]:
        """Read every one-word headword's senses (about a second, once per process)."""
        if self._senses is not None:
            return self._senses
        senses: dict[str, list[tuple[str, bool]]] = {}
        places: dict[str, set[str]] = {}
        self._places = places
        if not self.available:
            self._senses = senses
            return senses
        with gzip.open(self.folder / f"{_NAME}.dict.dz") as fh:
            data = fh.read()
        with (self.folder / f"{_NAME}.index").open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 3:
                    continue
                word = _WORD.fullmatch(parts[0]) is not None
                if not word and (" " not in parts[0] or not parts[0][:1].isalpha()):
                    continue
                start, size = _number(parts[1]), _number(parts[2])
                entry = data[start : start + size].decode("utf-8", "replace").split("\n")
                if len(entry) < 2:
                    continue
                place = _place(entry)
                if place:
                    places.setdefault(place[0].lower(), set()).add(place[1])
                if not word:
                    continue
                german = _first_equivalent(entry[1])
                if german:
                    senses.setdefault(parts[0].lower(), []).append(
                        (german, bool(_NOUN.search(entry[1])))
                    )
        self._senses = senses
        return senses

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one instance per process
    def german(self, word: str, noun: bool) -> str:
        """Return the usual German word for the English ``word`` ("drought" Dürre), or "".

        ``noun``: the word stands as a noun (a noun sense is preferred, and a plural
        without a noun sense of its own is looked up in the singular)."""
        from wordfreq import zipf_frequency

        senses = self._load()
        key = word.lower()
        found = senses.get(key, [])
        if noun and not any(n for _, n in found):
            for singular in english_forms(key, PLURAL_ENDINGS, shortest=1)[1:]:
                if any(n for _, n in senses.get(singular, [])):
                    found = senses[singular]
                    break
        chosen = [g for g, n in found if n == noun] or [g for g, _ in found]
        if not chosen:
            return ""
        return max(chosen, key=lambda g: (zipf_frequency(g, "de"), -chosen.index(g)))

    def places(self, text: str) -> list[tuple[str, str]]:
        """Return ``(name, German name)`` for the places in an English ``text`` that German
        names otherwise (Bolivia Bolivien, North Korea Nordkorea, Munich München), at most
        ``_MAX_NOUNS``, in the order they come.

        A small model copies them into German as they are. A name counts only as a whole
        run of capitalised words (Michael Jordan is no Jordanien; Prime Minister Theresa
        May is no month), and only when each of its senses as a place has the same German
        name, other than its own (Georgia, the state, stays Georgia, so the country's
        Georgien is not given; Alcatraz is Alcatraz), and German must use its name about
        as much as English uses the English one (within ``_NAME_GAP`` of wordfreq's Zipf):
        FreeDict's Britannien (for Britain; German says Großbritannien), Bruxelles and the
        river Amazonas (for the company as often) are not.
        """
        from wordfreq import zipf_frequency

        self._load()
        found: dict[str, str] = {}
        for match in _NAME_RUN.finditer(text):
            words = match.group(0).split()
            while words and words[0].lower() in _LEADING:
                words = words[1:]
            name = " ".join(words)
            name = name[:-2] if name.endswith("'s") else name
            if name.lower() not in self._places:
                name = name.rstrip(".")  # the end of a sentence, not of "St."
            german = self._places.get(name.lower(), set())
            if len(german) != 1 or name in found:
                continue
            (one,) = german
            if one.replace("-", " ").lower() == name.replace("-", " ").lower():
                continue
            if zipf_frequency(one, "de") < zipf_frequency(name, "en") - _NAME_GAP:
                continue
            found[name] = one
        return list(found.items())[:_MAX_NOUNS]

    def rare_nouns(self, text: str) -> list[tuple[str, str]]:
        """Return ``(word, German noun)`` for the rare English nouns of ``text`` (quake
        Erdbeben, lobster Hummer, diocese Diözese), rarest first, at most ``_MAX_NOUNS``.

        A small model turns such words into made-up German ("Erzschüsse" for quakes). A
        word counts when it is written in lower case (not a name), is rarer than
        ``_RARE_ENGLISH`` in wordfreq's English list, does not follow a word that makes it
        a verb or an adjective ("to", "will", a pronoun, "is", "very") or end like a
        participle or an adverb, and has a
        noun sense whose German word is common (``_COMMON_GERMAN``) and not the same word
        (Senator). Verbs and adjectives are not given: German inflects them, and a line in
        the dictionary form reads wrong in the sentence.
        """
        from wordfreq import zipf_frequency

        senses = self._load()
        found: dict[str, tuple[float, str]] = {}
        previous = ""
        for match in _TOKEN.finditer(text):
            word, before, previous = match.group(0), previous, match.group(0).lower()
            if word in found or not word.islower() or word.endswith(_NOT_NOUN_ENDINGS):
                continue
            if before in _NOT_NOUN_AFTER:
                continue
            rarity = zipf_frequency(word, "en")
            if not _RARE_ENGLISH[0] <= rarity < _RARE_ENGLISH[1]:
                continue
            forms = english_forms(word, PLURAL_ENDINGS, shortest=1)
            if not any(n for form in forms for _, n in senses.get(form, [])):
                continue
            german = self.german(word, True)
            if german.lower() == word or zipf_frequency(german, "de") < _COMMON_GERMAN:
                continue
            found[word] = (rarity, german)
        ranked = sorted(found.items(), key=lambda item: item[1][0])
        return [(word, german) for word, (_, german) in ranked[:_MAX_NOUNS]]


def _place(entry: list[str]) -> tuple[str, str] | None:
    """Return ``(English name, German name)`` for an entry of a place ("Bolivia",
    "Bolivien"; "North Korea", "Nordkorea"), or None: a headword in capitals whose sense is
    marked [geogr.] and is not an adjective (New Zealand's "neuseeländisch")."""
    head = entry[0].split(" /")[0].strip()
    if "[geogr.]" not in entry[1] or "<adj>" in entry[1] or not _PLACE.fullmatch(head):
        return None
    german = _first_equivalent(entry[1])
    return (head, german) if german else None


def _first_equivalent(line: str) -> str:
    """Return the first German equivalent on an entry's second line ("Dürre <fem>,
    Trockenheit <fem>" gives Dürre), at most two words, without marks or abbreviations.

    A sense marked colloquial, slang, humorous, pejorative, dated or regional ("[Am.]
    [coll.] Arrestzelle" for bullpen) gives none, and such an equivalent is passed over:
    the retry wants the word a plain German text uses."""
    line = _ANGLED.sub(" ", _ROUND.sub(" ", line))
    lead = _LEADING_TAGS.match(line)
    if lead is not None and _SKIPPED_TAGS & set(_TAG.findall(lead.group(0))):
        return ""
    for part in line.split(","):
        if _SKIPPED_TAGS & set(_TAG.findall(part)):
            continue
        words = [w for w in _TAG.sub(" ", part).split() if not w.endswith(".")]
        # A country's code follows its name ("Bolivien <neut> [geogr.] BO").
        words = [w for w in words if not _CODE.fullmatch(w)] or words
        if words and len(words) <= 2:
            return " ".join(words)
    return ""


@functools.cache
def default_english_german() -> EnglishGerman | None:
    """Return the dictionary where Debian installs it, or None when it is not installed."""
    found = EnglishGerman()
    if not found.available:
        log.info("no FreeDict eng-deu in %s: no dictionary words for German retries", DEFAULT_DIR)
        return None
    return found
