"""Checks shared by the tests of the glossary's data files (places, people, beauty words,
fan and shopping words): which terms a sentence holds, a file's entries, and that every
entry finds its own example and renders it there."""

from __future__ import annotations

from xxai.slang.glossary import Entry, default_glossary


def terms_in(text: str, kind: str | None = None) -> list[str]:
    """Return the terms the shipped glossary finds in ``text`` (of one kind, if given)."""
    return [
        entry.term
        for _s, _e, entry in default_glossary().matches(text)
        if kind is None or entry.kind == kind
    ]


def entries(*, kind: str | None = None, file: str | None = None) -> list[Entry]:
    """Return the shipped entries of one kind or of one data file."""
    return [
        e
        for e in default_glossary().entries
        if (kind is None or e.kind == kind) and (file is None or e.source_file.startswith(file))
    ]


def assert_finds(text: str, term: str | None, found: list[str]) -> None:
    """``found`` (the terms of ``text``) holds ``term``, or, for None, nothing at all."""
    if term is None:
        assert found == [], f"{text!r} should match nothing, got {found}"
    else:
        assert term in found, f"{text!r} should match {term!r}, got {found}"


def assert_matched(text: str, term: str, found: bool) -> None:
    """The shipped glossary finds ``term`` in ``text`` when ``found``, else does not (other
    terms of the sentence do not matter)."""
    words = terms_in(text)
    if found:
        assert term in words, f"{text!r} should match {term!r}, got {words}"
    else:
        assert term not in words, f"{text!r} should not match {term!r}, got {words}"


def assert_contexts_each_way(
    file_entries: list[Entry], cases: list[tuple[str, str, bool]], at_least: int
) -> None:
    """Each entry with a context rule (at least ``at_least`` of them) has a case where it is
    found and one where it is kept out: ``validate`` skips such entries, so these cases prove
    each is found at all, and kept out of at least one everyday sentence."""
    with_context = {e.term for e in file_entries if e.context}
    assert len(with_context) >= at_least
    assert with_context - {term for _t, term, found in cases if found} == set()
    assert with_context - {term for _t, term, found in cases if not found} == set()


def assert_example_rendered(entry: Entry) -> None:
    """The entry is found in its own example, whose translation holds its first English
    rendering as the glossary reads renderings."""
    glossary = default_glossary()
    matches = [m for m in glossary.find(entry.example["text"], "zh", "en") if m.entry == entry.term]
    assert matches, entry.term
    translation = entry.example["translation"]
    assert entry.renderings["en"][0].lower() in translation.lower(), entry.term
    assert glossary.rendered(matches[0], translation, "en"), entry.term
