"""The user's glossary through the Service: translation, lookups, memory, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxai.errors import GlossaryError

from fakes import FakeEngine, MakeService

USER_TERMS = """\
[[term]]
term = "小红书"
rendering.en = ["Little Red Book"]

[[term]]
term = "阿强"
meaning = "my cousin"
rendering.en = ["Ah Keung"]
"""

TEXT = "我在小红书上看到阿强的帖子"


def home_with(tmp_path: Path, text: str) -> Path:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "glossary.toml").write_text(text, encoding="utf-8")
    return home


def test_translation_hints_reports_and_enforces_the_users_renderings(
    tmp_path: Path, make_service: MakeService
) -> None:
    home = home_with(tmp_path, USER_TERMS)
    engine = FakeEngine()
    result = make_service(engine, home=home).translate(TEXT, "en")
    hints = {h.term: h.rendering for h in engine.requests[0].hints}
    assert hints == {"小红书": "Little Red Book", "阿强": "Ah Keung"}
    assert "Little Red Book" in result.translation and "Ah Keung" in result.translation
    notes = {t.term: (t.rendering, t.meaning) for t in result.terms}
    assert notes["阿强"] == ("Ah Keung", "my cousin")

    # An engine that ignores the line is asked again, then asked to correct its draft.
    weak = FakeEngine(ignore_hints=True)
    result = make_service(weak, home=home, cache=False).translate("阿强来了", "en")
    assert weak.calls[-1][0].draft and weak.calls[-1][0].hints[0].rendering == "Ah Keung"
    assert result.missed == ["阿强"]


def test_every_slang_mode_uses_the_users_rendering(
    tmp_path: Path, make_service: MakeService
) -> None:
    home = home_with(tmp_path, USER_TERMS)
    engine = FakeEngine()
    result = make_service(engine, home=home, slang_mode="target").translate(TEXT, "en")
    # "target" writes the rendering into the source the model sees.
    assert "Ah Keung" in engine.requests[0].text
    assert "Ah Keung" in result.translation


def test_explain_list_search_and_gloss_see_the_merged_glossary(
    tmp_path: Path, make_service: MakeService
) -> None:
    service = make_service(home=home_with(tmp_path, USER_TERMS), embed_model="none")
    found = service.explain("阿强")
    assert found["entries"][0]["term"] == "阿强"
    assert found["entries"][0]["renderings"]["en"] == ["Ah Keung"]
    mine = service.glossary_entries(mine=True)
    assert [e.term for e in mine] == ["小红书", "阿强"]
    assert mine[0].renderings["en"] == ["Little Red Book"]
    assert "阿强" in [e.term for e in service.glossary_entries("cousin")]
    cards = service.search("阿强", translate_query=False, translate_results=False, web=False)
    assert [card["term"] for card in cards.to_json()["glossary"]] == ["阿强"]
    words = service.gloss("我在小红书上看到阿强").words
    cousin = next(w for w in words if w.word == "阿强")
    assert cousin.slang is not None and cousin.slang.meaning["en"] == "my cousin"


def test_the_memory_never_serves_a_translation_made_before_the_glossary_changed(
    tmp_path: Path, make_service: MakeService
) -> None:
    home = tmp_path / "home"
    before = FakeEngine()
    first = make_service(before, home=home).translate(TEXT, "en")
    assert "RedNote" in first.translation  # the shipped rendering
    home_with(tmp_path, USER_TERMS)
    after = FakeEngine()
    second = make_service(after, home=home).translate(TEXT, "en")
    assert after.calls, "the remembered translation was served"
    assert "Little Red Book" in second.translation and "RedNote" not in second.translation
    # Taken back, the glossary asks what it asked before: that answer is remembered.
    (home / "glossary.toml").unlink()
    again = FakeEngine()
    third = make_service(again, home=home).translate(TEXT, "en")
    assert again.calls == [] and third.translation == first.translation


def test_a_malformed_glossary_stops_translation_with_the_file_and_line(
    tmp_path: Path, make_service: MakeService
) -> None:
    home = home_with(tmp_path, USER_TERMS + '\n[[term]]\nterm = "x"\nrendering.en = "y\n')
    engine = FakeEngine()
    service = make_service(engine, home=home)
    with pytest.raises(GlossaryError, match=r"glossary\.toml: not valid TOML.*line 12"):
        service.translate(TEXT, "en")
    assert engine.calls == []


def test_the_glossary_file_setting_names_another_file(
    tmp_path: Path, make_service: MakeService
) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text(USER_TERMS, encoding="utf-8")
    service = make_service(glossary_file=str(path))
    assert service.user_glossary_path() == path
    assert [e.term for e in service.glossary_entries(mine=True)] == ["小红书", "阿强"]
    assert make_service().user_glossary_path() == tmp_path / "home" / "glossary.toml"


def test_adding_through_the_service_is_seen_at_once(make_service: MakeService) -> None:
    engine = FakeEngine()
    service = make_service(engine)
    service.translate("阿强来了", "en")
    assert engine.requests[0].hints == ()
    change = service.add_glossary_term("阿强", {"en": ["Ah Keung"]})
    assert change.action == "added" and change.path == service.user_glossary_path()
    assert "Ah Keung" in service.translate("阿强来了", "en").translation
    service.remove_glossary_term("阿强")
    assert service.glossary_entries(mine=True) == []
