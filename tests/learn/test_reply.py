"""xxai reply: a reply in the target language, its pinyin, a back-translation, slang used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from xxai.cli import cli
from xxai.engines.base import Hint, TranslationRequest
from xxai.errors import InputError
from xxai.learn.gloss import Glosser
from xxai.learn.reply import Reply, compose_reply
from xxai.service import Service

from fakes import FakeEngine, MakeService

POST = "This hotpot is absolutely amazing, no cap!"
REPLY = "这家火锅绝绝子，不骗你！"
BACK = "This hotpot is absolutely amazing, no kidding!"


def compose(
    service: Service,
    text: str,
    target: str = "zh",
    tone: str = "casual",
    source: str = "auto",
    *,
    glosser: Glosser,
) -> Reply:
    """Compose a reply with the service's translator and glossary, as Service.reply does."""
    parts = (service.translator(), service.glossary(), glosser)
    return compose_reply(*parts, text, target, tone, source)


def hotpot_engine() -> FakeEngine:
    # The back translation's source has its slang normalised (绝绝子 -> 太绝了) first, so
    # the engine answers by direction, not by exact text.
    return FakeEngine(respond=lambda req: REPLY if req.target == "zh" else BACK)


def test_casual_reply_may_use_slang_and_says_which(
    make_service: MakeService, glosser: Glosser
) -> None:
    engine = hotpot_engine()
    result = compose(make_service(engine), POST, "zh", "casual", "en", glosser=glosser)
    assert result.reply == REPLY
    assert result.pinyin.startswith("zhèjiā huǒguō juéjuézǐ, ")
    assert result.back_translation == BACK
    assert [t.entry for t in result.terms] == ["绝绝子"]
    assert "amazing" in result.terms[0].meaning.lower()
    request = engine.requests[0]
    assert (request.source, request.target) == ("en", "zh")
    assert "casual" in request.note
    assert "slang" in request.note
    renderings = {h.rendering for h in request.hints}
    assert "绝绝子" in renderings  # suggested for "absolutely amazing"
    assert "不骗你" in renderings  # the English slang "no cap", rendered as the glossary says
    assert result.suggested == [Hint("absolutely amazing", "绝绝子", result.suggested[0].meaning)]


def test_polite_reply_offers_no_slang(make_service: MakeService, glosser: Glosser) -> None:
    text = "Thank you all for the warm welcome!"
    reply = "谢谢大家的热情欢迎！"
    engine = FakeEngine(answers={(text, "zh"): reply, (reply, "en"): text}, fallback="brackets")
    result = compose(make_service(engine), text, "zh", "polite", "en", glosser=glosser)
    assert result.reply == reply
    assert result.pinyin == "xièxie dàjiā de rèqíng huānyíng!"  # words apart, as pinyin is written
    assert result.terms == []
    request = engine.requests[0]
    assert request.hints == ()
    assert "polite" in request.note
    assert "without slang" in request.note


def test_traditional_target_follows_opencc(make_service: MakeService, glosser: Glosser) -> None:
    engine = FakeEngine(
        respond=lambda req: "这家火锅绝绝子！" if req.target == "zh" else "This hotpot is amazing!"
    )
    result = compose(make_service(engine), POST, "zh-Hant", source="en", glosser=glosser)
    assert result.reply == "這家火鍋絕絕子！"
    assert result.target_lang == "zh-Hant"
    assert result.pinyin == "zhèjiā huǒguō juéjuézǐ!"
    assert [t.term for t in result.terms] == ["絕絕子"]
    assert result.back_translation == "This hotpot is amazing!"


def test_links_and_mentions_survive(make_service: MakeService, glosser: Glosser) -> None:
    text = "Love this post @小红书 https://xhslink.com/a1"
    engine = FakeEngine(
        answers={("Love this post [[0]] [[1]]", "zh"): "超爱这个帖子[[0]] [[1]]"},
        fallback="brackets",
    )
    result = compose(make_service(engine), text, "zh", "polite", "en", glosser=glosser)
    assert result.reply == "超爱这个帖子@小红书 https://xhslink.com/a1"


def test_a_reply_the_engine_cannot_write_falls_back_to_a_translation(
    make_service: MakeService, glosser: Glosser
) -> None:
    def respond(request: TranslationRequest) -> str:
        if "reply" in request.note:
            return "Sure thing!"  # the wrong language, twice
        return "好的，没问题！" if request.target == "zh" else "OK, no problem!"

    engine = FakeEngine(respond=respond)
    result = compose(make_service(engine), "OK, no problem!", "zh", source="en", glosser=glosser)
    assert result.reply == "好的，没问题！"
    assert "plain translation" in result.note
    retries = [r for r in engine.requests if "reply" in r.note]
    assert len(retries) == 2  # the first try and the pipeline's one retry, both in tone
    assert "placeholder" in retries[1].note


def test_the_users_language_is_detected(make_service: MakeService, glosser: Glosser) -> None:
    result = compose(make_service(hotpot_engine()), POST, "zh", glosser=glosser)
    assert result.source_lang == "en"
    assert result.back_translation == BACK


def test_chinese_users_can_reply_in_english(make_service: MakeService, glosser: Glosser) -> None:
    text = "欢迎来小红书！"
    engine = FakeEngine(
        answers={(text, "en"): "Welcome to RedNote!", ("Welcome to RedNote!", "zh"): text},
        fallback="brackets",
    )
    result = compose(make_service(engine), text, "en", source="zh", glosser=glosser)
    assert result.reply == "Welcome to RedNote!"
    assert result.pinyin == ""
    assert result.back_translation == text


def test_text_already_in_the_target_language_is_refused(
    make_service: MakeService, glosser: Glosser
) -> None:
    service = make_service(FakeEngine(fallback="brackets"))
    with pytest.raises(InputError, match="already in Simplified Chinese"):
        compose(service, "你好", "zh", source="zh", glosser=glosser)
    with pytest.raises(InputError, match="unknown tone"):
        compose(service, "hello", "zh", tone="rude", source="en", glosser=glosser)


def test_cli_reply(make_service: MakeService, learn_home: Path) -> None:
    service = make_service(hotpot_engine(), home=str(learn_home), cache=False)
    result = CliRunner().invoke(cli, ["reply", POST, "--to", "zh", "--from", "en"], obj=service)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == REPLY
    assert lines[1].startswith("zhèjiā huǒguō juéjuézǐ")
    assert lines[2] == f"↳ en: {BACK}"
    assert lines[3].startswith("slang used: 绝绝子 (jué jué zǐ): ")

    result = CliRunner().invoke(cli, ["reply", POST, "--from", "en", "--json"], obj=service)
    data = json.loads(result.output)
    assert data["reply"] == REPLY
    assert data["terms"][0]["entry"] == "绝绝子"
    assert data["suggested"][0] == {"term": "绝绝子", "for": "absolutely amazing"}


def test_cli_reply_errors_are_one_line(make_service: MakeService) -> None:
    service = make_service(FakeEngine(fallback="brackets"))
    result = CliRunner().invoke(cli, ["reply", "你好", "--to", "zh", "--from", "zh"], obj=service)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "already in" in result.output
