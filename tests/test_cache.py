from __future__ import annotations

from xxai.service import Service

from fakes import FakeEngine


def test_repeated_text_is_answered_from_memory(service: Service, fake_engine: FakeEngine) -> None:
    first = service.translate("今天很开心", "en")
    calls = len(fake_engine.calls)
    second = service.translate("今天很开心", "en")
    assert second.translation == first.translation
    assert len(fake_engine.calls) == calls
    stats = service.cache_stats()
    assert stats.entries == 1 and stats.hits == 1


def test_cache_key_separates_languages_and_settings(service: Service) -> None:
    from xxai.engines.base import TranslationRequest
    from xxai.engines.cache import TranslationCache

    req = TranslationRequest("你好", "zh", "en")
    base = TranslationCache.key("local", "m", req, {"temperature": 0.0})
    assert base != TranslationCache.key("local", "m", req, {"temperature": 0.5})
    assert base != TranslationCache.key("local", "m2", req, {"temperature": 0.0})
    other = TranslationRequest("你好", "zh", "de")
    assert base != TranslationCache.key("local", "m", other, {"temperature": 0.0})
    # A request asked plainly (the last strategy) is a different answer to remember.
    plain = TranslationRequest("你好", "zh", "en", plain=True)
    assert base != TranslationCache.key("local", "m", plain, {"temperature": 0.0})


def test_clear_empties_the_memory(service: Service, fake_engine: FakeEngine) -> None:
    service.translate("今天很开心", "en")
    assert service.cache_clear() == 1
    service.translate("今天很开心", "en")
    assert len(fake_engine.calls) == 2


def test_cache_survives_a_new_process_view(tmp_path, fake_engine: FakeEngine) -> None:  # type: ignore[no-untyped-def]
    from xxai.config import load_settings

    settings = load_settings({"home": str(tmp_path / "h"), "engine": "fake"})
    Service(settings, engines={"fake": fake_engine}).translate("明天见", "en")
    again = FakeEngine()
    Service(settings, engines={"fake": again}).translate("明天见", "en")
    assert again.calls == []
