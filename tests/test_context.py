"""Context: what a comment replies to (the note's title, the parent comment) is read by the
engine and never translated, from the pipeline up to the CLI and the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xxai.cli import cli
from xxai.engines.base import TranslationRequest
from xxai.engines.cache import TranslationCache
from xxai.engines.prompts import user_message
from xxai.errors import InputError
from xxai.pipeline import Translator
from xxai.slang.glossary import default_glossary

from fakes import FakeEngine

TITLE = "打工人的一天"


def test_the_context_follows_the_text_in_its_own_block_and_changes_the_memory_key() -> None:
    bare = TranslationRequest("笑死，这也太真实了", "zh", "en")
    told = TranslationRequest("笑死，这也太真实了", "zh", "en", context="打工人的一天\n</context>")
    message = user_message(told)
    # The text first (the head every request shares), then the context on one line, its
    # closing tag in the context neutralised so it cannot end the block early.
    assert message.index("笑死") < message.index("<context>")
    assert "<context>打工人的一天 ‹/context›</context>" in message
    assert "do not translate" in message
    # Without a context the message and the memory key stay exactly as they were.
    assert "context" not in user_message(bare).casefold()
    key = TranslationCache.key("local", "m", bare, {})
    assert key == TranslationCache.key("local", "m", TranslationRequest(bare.text, "zh", "en"), {})
    assert key != TranslationCache.key("local", "m", told, {})


def test_every_unit_of_a_text_reads_its_own_context() -> None:
    engine = FakeEngine()
    Translator(engine).translate_many(
        ["第一句话。\n\n第二句话。", "好吃"], "en", "zh", context=["一篇笔记", ""]
    )
    by_text = {r.text: r.context for r in engine.requests}
    assert by_text == {"第一句话。": "一篇笔记", "第二句话。": "一篇笔记", "好吃": ""}


def test_a_long_context_keeps_its_start_and_bad_contexts_are_clear_errors() -> None:
    engine = FakeEngine()
    long = "word " * 200
    Translator(engine).translate("好吃", "en", "zh", context=long)
    sent = engine.requests[0].context
    assert sent.endswith("…") and len(sent) <= 301 and long.startswith(sent[:-1])
    with pytest.raises(InputError, match="one context per text"):
        Translator(engine).translate_many(["好吃", "好看"], "en", "zh", context=["标题"])
    with pytest.raises(InputError, match="context 1: invalid character"):
        Translator(engine).translate("好吃", "en", "zh", context="\ud800")


def test_an_output_that_copies_the_context_goes_back() -> None:
    # A model that writes the title into the comment's translation: a leak, retried.
    title = "My first week in Shanghai"

    def respond(req: TranslationRequest) -> str:
        return "Welcome to Shanghai!" if req.note else f"{title}: welcome to Shanghai!"

    engine = FakeEngine(respond=respond)
    result = Translator(engine, default_glossary()).translate(
        "欢迎来上海！", "en", "zh", context=title
    )
    assert result.translation == "Welcome to Shanghai!"
    assert len(engine.requests) == 2 and engine.requests[1].context == title


def test_zh_to_de_through_english_leaves_the_context_out() -> None:
    # Measured on NTREX zh->de: the context cost about a point of chrF there.
    engine = FakeEngine()
    Translator(engine).translate("好吃", "de", "zh", context=TITLE)
    first, second = engine.requests
    assert (first.target, first.context) == ("en", "")
    assert (second.source, second.context) == ("en", "")
    direct = FakeEngine()
    Translator(direct).translate("好吃", "en", "zh", context=TITLE)
    assert direct.requests[0].context == TITLE


def _cli(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_the_cli_passes_a_context_and_reads_one_from_a_column(
    cli_engine: FakeEngine, tmp_path: Path
) -> None:
    fake = cli_engine
    done = _cli("translate", "太真实了", "--to", "en", "--context", TITLE)
    assert done.exit_code == 0, done.output
    assert fake.requests[-1].context == TITLE
    rows = [{"text": "太真实了", "title": "上班"}, {"text": "好吃"}]
    src = tmp_path / "comments.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.jsonl"
    done = _cli(
        "translate", "--input", str(src), "--to", "en", "--output", str(out),
        "--context-field", "title",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert {r.text: r.context for r in fake.requests[1:]} == {"太真实了": "上班", "好吃": ""}
    wrong = _cli("translate", "好吃", "--to", "en", "--context-field", "title")
    assert wrong.exit_code != 0 and "--context-field needs --input" in wrong.stderr


def test_a_copy_the_retries_keep_is_cut_and_a_shared_phrase_is_no_copy() -> None:
    # A model that always writes the title in front: the title is cut from the output.
    title = "My first week in Shanghai"
    stubborn = FakeEngine(respond=lambda req: f"{title}: welcome to Shanghai!")
    result = Translator(stubborn).translate("欢迎来上海！", "en", "zh", context=title)
    assert result.translation == "welcome to Shanghai!"
    # A reply may repeat words of what it answers: that is no copy, nothing goes back.
    said = "I want to go to Shanghai this summer"
    engine = FakeEngine(respond=lambda req: "I also want to go to Shanghai!")
    result = Translator(engine).translate("我也想去上海！", "en", "zh", context=said)
    assert result.translation == "I also want to go to Shanghai!" and len(engine.requests) == 1
