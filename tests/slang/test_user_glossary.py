"""The user's glossary file: reading, merging over the shipped glossary, and editing it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from xxai.errors import GlossaryError, InputError
from xxai.slang.glossary import default_glossary, validate
from xxai.slang.user import add_term, read_user_terms, remove_term, user_glossary

MINIMAL = """\
[[term]]
term = "阿强"
rendering.en = ["Ah Keung"]
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- reading and merging ---------------------------------------------------------------


def test_a_minimal_entry_gets_sensible_defaults_and_is_found(tmp_path: Path) -> None:
    glossary = user_glossary(write(tmp_path / "g.toml", MINIMAL))
    entry = glossary.get("阿强")
    assert entry is not None
    assert (entry.lang, entry.kind, entry.register) == ("zh", "word", "neutral")
    assert entry.renderings == {"en": ["Ah Keung"]}
    match = glossary.find("今天阿强请客", "zh", "en")[0]
    assert (match.term, match.renderings) == ("阿强", ("Ah Keung",))
    # The traditional spelling is found as for shipped terms (OpenCC forms).
    assert [m.entry for m in glossary.find("今天阿強請客", "zh", "en")] == ["阿强"]
    # Into German there is no German rendering: the English one is used.
    assert glossary.find("阿强", "zh", "de")[0].renderings == ("Ah Keung",)
    assert validate(glossary) == []


def test_a_latin_term_defaults_to_english_and_a_term_without_rendering_there_is_skipped(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "g.toml", '[[term]]\nterm = "Digga"\nrendering.zh = ["兄弟"]\n')
    glossary = user_glossary(path)
    entry = glossary.get("Digga")
    assert entry is not None and entry.lang == "en"
    assert glossary.find("Na Digga", "de", "zh")[0].renderings == ("兄弟",)
    # Nothing to render it by in English or German: not a term for those translations.
    assert glossary.find("Na Digga", "de", "en") == []


def test_a_user_entry_replaces_a_shipped_terms_renderings_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    shipped = default_glossary().get("小红书")
    assert shipped is not None and shipped.renderings["en"][0] != "Little Red Book"
    path = write(
        tmp_path / "g.toml",
        '[[term]]\nterm = "小紅書"\nmeaning = "the app"\nrendering.en = ["Little Red Book"]\n',
    )
    glossary = user_glossary(path)
    entry = glossary.get("小红书")
    assert entry is not None
    assert entry.renderings["en"] == ["Little Red Book"]  # the user wins
    assert entry.renderings["de"] == shipped.renderings["de"]  # languages not given stay
    assert entry.meaning == {"en": "the app", "zh": "the app", "de": "the app"}
    assert (entry.pinyin, entry.kind, entry.origin) == (
        shipped.pinyin,
        shipped.kind,
        shipped.origin,
    )
    assert len(glossary.entries) == len(default_glossary().entries)  # replaced, not added
    assert glossary.find("我在小红书上", "zh", "en")[0].renderings == ("Little Red Book",)
    assert default_glossary().get("小红书") == shipped  # the shipped glossary is untouched


def test_a_variant_of_a_shipped_term_names_that_term(tmp_path: Path) -> None:
    # "nocap" is a variant of "no cap": the user's entry replaces its Chinese rendering.
    path = write(tmp_path / "g.toml", '[[term]]\nterm = "nocap"\nrendering.zh = ["真没骗你"]\n')
    glossary = user_glossary(path)
    assert glossary.get("nocap") is None
    entry = glossary.get("no cap")
    assert entry is not None and entry.renderings["zh"] == ["真没骗你"]
    assert glossary.find("this slaps, no cap", "en", "zh")[-1].renderings == ("真没骗你",)


def test_no_file_is_the_shipped_glossary(tmp_path: Path) -> None:
    assert user_glossary(tmp_path / "missing.toml") is default_glossary()
    assert read_user_terms(tmp_path / "missing.toml") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[term]]\nterm = \n", r"g\.toml: not valid TOML: .*line 2"),
        ("# mine\n\n[[term]]\nterm = 5\n", r"g\.toml, line 3: term must be text"),
        (MINIMAL + '\n[[term]]\nterm = "x"\n', r"line 5 \('x'\): 'x' needs a rendering"),
        ('[[term]]\nterm = "x"\nrenderings.en = ["y"]\n', r"did you mean 'rendering'"),
        ('[[term]]\nterm = "x"\nrendering.fr = ["y"]\n', r"'fr' is not one of en, zh, de"),
        ('[[term]]\nterm = "x"\nrendering = ["y"]\n', r"rendering must be a table"),
        ('[[term]]\nterm = "x"\nrendering.en = [1]\n', r"rendering\.en must be text"),
        ('[[term]]\nterm = "x"\nkind = "slang"\nrendering.en = ["y"]\n', r"kind 'slang'"),
        ('[[term]]\nterm = ""\nrendering.en = ["y"]\n', r"the term is empty"),
        ('[term]\nterm = "x"\n', r"write \[\[term\]\], not \[term\]"),
        (MINIMAL + '\n[[term]]\nterm = "阿強"\nrendering.de = ["A"]\n', r"line 5.*line 1"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(GlossaryError, match=message):
        user_glossary(write(tmp_path / "g.toml", text))


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_bytes(MINIMAL.encode() + b"# caf\xe9\n")
    with pytest.raises(GlossaryError, match=r"g\.toml, line 4: not valid UTF-8"):
        user_glossary(path)


def test_two_entries_replacing_one_shipped_term_are_refused(tmp_path: Path) -> None:
    text = '[[term]]\nterm = "no cap"\nrendering.zh = ["a"]\n\n'
    text += '[[term]]\nterm = "nocap"\nrendering.zh = ["b"]\n'
    with pytest.raises(GlossaryError, match="both replace the shipped term 'no cap'"):
        user_glossary(write(tmp_path / "g.toml", text))


# -- editing ---------------------------------------------------------------------------

HAND_WRITTEN = """\
# My terms. Keep this comment.

[[term]]
term = "阿强"  # my cousin
rendering.en = ["Ah Keung"]

[[term]]
term = "Digga"
lang = "de"

[term.rendering]
en = ["dude"]
"""


def test_add_and_remove_keep_the_other_entries_and_comments(tmp_path: Path) -> None:
    path = write(tmp_path / "g.toml", HAND_WRITTEN)
    change = add_term(path, "小红书", {"en": ["RedNote"], "de": ["RedNote"]}, meaning="an app")
    assert (change.action, change.shipped) == ("added", "小红书")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN)  # appended; nothing above touched
    assert [t.term for t in read_user_terms(path)] == ["阿强", "Digga", "小红书"]
    assert user_glossary(path).find("小红书", "zh", "de")[0].renderings == ("RedNote",)

    change = remove_term(path, "小紅書")  # any spelling names it
    assert (change.action, change.term) == ("removed", "小红书")
    assert path.read_text(encoding="utf-8").rstrip() == HAND_WRITTEN.rstrip()
    assert [t.term for t in read_user_terms(path)] == ["阿强", "Digga"]


def test_adding_again_updates_only_the_languages_given(tmp_path: Path) -> None:
    path = write(tmp_path / "g.toml", HAND_WRITTEN)
    change = add_term(path, "digga", {"zh": ["兄弟"]}, variants=["Diggah"])
    assert (change.action, change.term) == ("updated", "Digga")
    entry = user_glossary(path).get("Digga")
    assert entry is not None
    assert entry.renderings == {"en": ["dude"], "zh": ["兄弟"]}
    assert entry.variants == ("Diggah",) and entry.lang == "de"
    add_term(path, "Digga", {"en": ["bro", "dude"]})
    entry = user_glossary(path).get("Digga")
    assert entry is not None and entry.renderings["en"] == ["bro", "dude"]
    assert "# my cousin" in path.read_text(encoding="utf-8")
    assert len(read_user_terms(path)) == 2


def test_the_first_add_creates_the_file_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "glossary.toml"
    add_term(path, "阿强", {"en": ["Ah Keung"]})
    assert path.read_text(encoding="utf-8").startswith("# Your own glossary terms")
    assert [t.term for t in read_user_terms(path)] == ["阿强"]
    remove_term(path, "阿强")
    assert read_user_terms(path) == []
    assert "term = []" not in path.read_text(encoding="utf-8")
    add_term(path, "阿强", {"en": ["Ah Keung"]})  # and the emptied file takes a term again
    assert len(read_user_terms(path)) == 1


@pytest.mark.parametrize(
    ("term", "renderings", "lang", "message"),
    [
        ("  ", {"en": ["x"]}, "", "the term is empty"),
        ("x", {"en": ["  "]}, "", "needs a rendering"),
        ("x" * 101, {"en": ["y"]}, "", "101 characters long; at most 100"),
        ("x", {"fr": ["y"]}, "", "'fr' is not one of en, zh, de"),
        ("x", {"en": ["y"]}, "klingon", "lang: 'klingon' is not one of zh, en, de"),
        ("，。", {"en": ["y"]}, "", "no letter, digit or symbol"),
        ("a\nb", {"en": ["y"]}, "", "line break"),
    ],
)
def test_bad_input_is_refused_and_the_file_left_alone(
    tmp_path: Path, term: str, renderings: dict[str, list[str]], lang: str, message: str
) -> None:
    path = write(tmp_path / "g.toml", HAND_WRITTEN)
    with pytest.raises(InputError, match=message):
        add_term(path, term, renderings, lang=lang)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_broken_file_is_not_overwritten_by_an_edit(tmp_path: Path) -> None:
    broken = HAND_WRITTEN + "\n[[term]\n"
    path = write(tmp_path / "g.toml", broken)
    with pytest.raises(GlossaryError, match="not valid TOML"):
        add_term(path, "小红书", {"en": ["RedNote"]})
    with pytest.raises(GlossaryError, match="not valid TOML"):
        remove_term(path, "阿强")
    assert path.read_text(encoding="utf-8") == broken


def test_remove_says_what_cannot_be_removed(tmp_path: Path) -> None:
    path = write(tmp_path / "g.toml", HAND_WRITTEN)
    with pytest.raises(InputError, match="'躺平' is a shipped term"):
        remove_term(path, "躺平")
    with pytest.raises(InputError, match="'nope' is not in your glossary"):
        remove_term(path, "nope")
    with pytest.raises(InputError, match="no glossary of yours"):
        remove_term(tmp_path / "none.toml", "阿强")


def test_an_edit_replaces_the_file_atomically_keeping_its_mode_and_link(tmp_path: Path) -> None:
    real = write(tmp_path / "real.toml", HAND_WRITTEN)
    os.chmod(real, 0o640)
    link = tmp_path / "glossary.toml"
    link.symlink_to(real)
    add_term(link, "小红书", {"en": ["RedNote"]})
    assert link.is_symlink()  # the link's target was replaced, not the link
    assert "小红书" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    # No temporary file left; the lock file of edits (glossary.toml.lock) stays.
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["glossary.toml", "glossary.toml.lock", "real.toml"]


def _add_ten(path: str, n: int) -> None:
    for i in range(10):
        add_term(Path(path), f"用户词{n}{i}", {"en": [f"user word {n}{i}"]})


def test_concurrent_adds_lose_no_term(tmp_path: Path) -> None:
    # Four processes add ten terms each at once: each edit reads, changes and renames the
    # file, so without the lock a rename would drop the terms of the edits before it.
    import multiprocessing

    path = tmp_path / "glossary.toml"
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        pool.starmap(_add_ten, [(str(path), n) for n in range(4)])
    want = sorted(f"用户词{n}{i}" for n in range(4) for i in range(10))
    assert sorted(t.term for t in read_user_terms(path)) == want


def test_an_edit_waits_for_another_then_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filelock import FileLock

    import xxai.slang.user as user

    path = tmp_path / "glossary.toml"
    monkeypatch.setattr(user, "_LOCK_WAIT", 0.2)
    with (
        FileLock(tmp_path / "glossary.toml.lock"),
        pytest.raises(InputError, match="being changed by another xxai"),
    ):
        add_term(path, "阿强", {"en": ["Ah Keung"]})
    assert not path.exists()
