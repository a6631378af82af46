"""English to German words from FreeDict's eng-deu dictd files (Debian's package, which
scripts/setup.sh installs), and a small dictionary written here for the parsing rules."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from xxai.learn.freedict import EnglishGerman, default_english_german

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(value: int) -> str:
    digits = ""
    while True:
        digits = B64[value % 64] + digits
        value //= 64
        if not value:
            return digits


def _dictd(folder: Path, entries: list[tuple[str, str]]) -> EnglishGerman:
    """Write a dictd pair (index, gzip'd entries) in FreeDict's layout."""
    body, index, offset = b"", [], 0
    for headword, text in entries:
        raw = text.encode("utf-8")
        index.append(f"{headword}\t{_b64(offset)}\t{_b64(len(raw))}\n")
        body += raw
        offset += len(raw)
    (folder / "freedict-eng-deu.index").write_text("".join(index), "utf-8")
    with gzip.open(folder / "freedict-eng-deu.dict.dz", "wb") as fh:
        fh.write(body)
    return EnglishGerman(folder)


def test_senses_marks_and_plurals(tmp_path: Path) -> None:
    d = _dictd(
        tmp_path,
        [
            ("fear", "fear /f/\nAngst <fem>, Furcht <fem> [psych.]\n"),
            ("fears", "fears /f/\nfürchtet, befürchtet\n see: {fear}\n"),
            ("newspaper", "newspaper /n/\nZeitung <fem> Ztg.\n"),
            ("tense", "tense /t/\nZeit <fem>, Zeitform <fem> [ling.]\n"),
            ("tense", "tense /t/\nangespannt, gespannt <adj>\n"),
            ("spokesperson", "spokesperson /s/\nInteressenvertreter <masc>\n"),
            ("spokesperson", "spokesperson /s/\nSprecher <masc>, Sprecherin <fem>\n"),
            ("walk out", "walk out /w/\nhinausgehen <v>\n"),
            ("bullpen", "bullpen /b/\n [Am.]  [coll.] Arrestzelle <fem>\n"),
            ("tram", "tram /t/\nBim <fem> [Ös.], Straßenbahn <fem>\n"),
        ],
    )
    assert d.available
    # The sense German uses most, as the part of speech asked for.
    assert d.german("spokesperson", noun=True) == "Sprecher"
    assert d.german("tense", noun=False) == "angespannt"
    assert d.german("tense", noun=True) == "Zeit"
    # Marks and abbreviations go; a plural without a noun sense is looked up singular.
    assert d.german("newspaper", noun=True) == "Zeitung"
    assert d.german("Fears", noun=True) == "Angst"
    assert d.german("fears", noun=False) == "fürchtet"
    # Colloquial or regional senses are not what a plain German text says.
    assert d.german("bullpen", noun=True) == ""
    assert d.german("tram", noun=True) == "Straßenbahn"
    # Phrases are not words to look up; unknown words have none.
    assert d.german("walk out", noun=False) == ""
    assert d.german("zzyzx", noun=True) == ""


def test_rare_nouns_are_the_rare_lower_case_nouns_of_a_text(tmp_path: Path) -> None:
    d = _dictd(
        tmp_path,
        [
            ("quake", "quake /k/\nErdbeben <neut>, Beben <neut>\n"),
            ("quake", "quake /k/\nzittern <v>\n"),
            ("diocese", "diocese /d/\nDiözese <fem>, Bistum <neut>\n"),
            ("lobster", "lobster /l/\nHummer <masc>\n"),
            ("stab", "stab /s/\nStich <masc>\n"),
            ("stab", "stab /s/\nerstechen <v>\n"),
            ("tense", "tense /t/\nZeit <fem>\n"),
            ("tense", "tense /t/\nangespannt <adj>\n"),
            ("referendum", "referendum /r/\nReferendum <neut>\n"),
            ("moisture", "moisture /m/\nFeuchtigkeit <fem>\n"),
            ("campaign", "campaign /k/\nKampagne <fem>\n"),
            ("bells", "bells /b/\nläutet <v>\n"),
            ("bell", "bell /b/\nGlocke <fem>\n"),
        ],
    )
    text = (
        "After the quake, the diocese held a referendum on its campaign; they will stab "
        "nobody, the mood is tense, and Lobster Bay is closed."
    )
    # Rarest first; a verb after "will", an adjective after "is", a name in capitals, a
    # word German writes the same and a word every model knows are left out.
    assert d.rare_nouns(text) == [("quake", "Erdbeben"), ("diocese", "Diözese")]
    # A plural with no noun sense of its own is a noun in the singular (its German word).
    assert d.rare_nouns("the bells rang") == [("bells", "Glocke")]
    # At most three lines, the rarest.
    many = "a lobster, a quake, some moisture and a diocese"
    assert [w for w, _ in d.rare_nouns(many)] == ["quake", "diocese", "lobster"]


def test_places_german_names_otherwise(tmp_path: Path) -> None:
    d = _dictd(
        tmp_path,
        [
            ("bolivia", "Bolivia /b/\nBolivien <neut> [geogr.] BO,  /bˈəʊ/\n"),
            ("north korea", "North Korea /n/\nNordkorea <neut> [geogr.] KP,  /k/\n"),
            ("new zealand", "New Zealand /n/\nNeuseeland <neut> [geogr.] NZ\n"),
            ("new zealand", "New Zealand /n/\nneuseeländisch <adj> [geogr.]\n"),
            ("jordan", "Jordan /d/\nJordanien <neut> [geogr.] JO\n"),
            ("georgia", "Georgia /d/\nGeorgien <neut> [geogr.] GE\n"),
            ("georgia", "Georgia /d/\nGeorgia [geogr.]\n"),
            ("panama", "Panama /p/\nPanama <neut> [geogr.] PA\n"),
            ("britain", "Britain /b/\nBritannien <neut> [geogr.]\n"),
            ("munich", "Munich /m/\nMünchen [geogr.]\n"),
        ],
    )
    # A country's code is not part of its name.
    assert d.german("Bolivia", noun=True) == "Bolivien"
    text = (
        "In Bolivia, North Korea's envoy met Michael Jordan; Atlanta, Georgia and Panama "
        "wrote to New Zealand and Britain."
    )
    # Not a name inside a longer one, a name with two German names, one German writes the
    # same, or one German rarely uses (Großbritannien, not Britannien); sentence-initial
    # "In" is not part of the name, nor is the possessive.
    assert d.places(text) == [
        ("Bolivia", "Bolivien"),
        ("North Korea", "Nordkorea"),
        ("New Zealand", "Neuseeland"),
    ]
    assert d.places("Munich.") == [("Munich", "München")]


def test_a_missing_dictionary_gives_no_words(tmp_path: Path) -> None:
    d = EnglishGerman(tmp_path)
    assert not d.available and d.german("drought", noun=True) == ""


def test_debians_freedict_knows_what_the_model_leaves_in_german() -> None:
    d = default_english_german()
    if d is None:
        pytest.skip("dict-freedict-eng-deu is not installed (scripts/setup.sh installs it)")
    # English words the 1.5B model left in German news translations (session 18).
    assert d.german("drought", noun=True) == "Dürre"
    assert d.german("spokesperson", noun=True) == "Sprecher"
    assert d.german("poverty", noun=True) == "Armut"
    assert d.german("torture", noun=True) == "Folter"
    assert d.german("unbeaten", noun=False) == "ungeschlagen"
    # Rare nouns and places it gives before the first pass (session 20).
    assert ("quake", "Erdbeben") in d.rare_nouns("A 7.5-magnitude quake hit the island.")
    assert d.places("Envoys left El Salvador, Panama and the Dominican Republic.") == [
        ("Dominican Republic", "Dominikanische Republik")
    ]
    assert d.places("He flew from Munich to Bolivia via Britain.") == [
        ("Munich", "München"),
        ("Bolivia", "Bolivien"),
    ]
