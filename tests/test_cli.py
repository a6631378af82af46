from __future__ import annotations

import json
import sys
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from xxai.cli import cli

from fakes import FakeEngine


@pytest.fixture
def engine(cli_engine: FakeEngine) -> FakeEngine:
    return cli_engine


def run(*args: str, input: str | bytes | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_translate_json_follows_the_contract(engine: FakeEngine) -> None:
    result = run("translate", "我决定躺平了 @amy", "--to", "en", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"text", "translation", "source_lang", "target_lang", "engine", "terms"} <= set(data)
    assert data["source_lang"] == "zh" and data["target_lang"] == "en"
    assert "@amy" in data["translation"]
    term = data["terms"][0]
    assert {"term", "start", "end", "meaning", "rendering"} <= set(term)
    assert data["text"][term["start"] : term["end"]] == "躺平"


def test_translate_reads_stdin_and_shows_notes(engine: FakeEngine) -> None:
    result = run("translate", "--to", "en", input="我决定躺平了".encode())
    assert result.exit_code == 0
    assert "lying flat" in result.stdout.lower()
    assert "躺平" in result.stderr  # the notes block
    hidden = run("translate", "--to", "en", "--no-notes", input="我决定躺平了")
    assert "躺平" not in hidden.stderr


def test_low_confidence_without_notes_points_to_the_original(engine: FakeEngine) -> None:
    engine.respond = lambda req: "Er sagte, die Lage sei zunehmend tense."
    result = run("translate", "He said things were getting tense.", "--to", "de")
    assert result.exit_code == 0
    assert "low confidence (English words left untranslated)" in result.stderr
    assert "compare it with the original" in result.stderr  # there are no notes to check


def test_invalid_utf8_on_stdin_is_a_clear_error(engine: FakeEngine) -> None:
    result = CliRunner().invoke(cli, ["translate", "--to", "en"], input=b"ok\n\xff\xfe")
    assert result.exit_code == 2
    assert "line 2: not valid UTF-8" in result.stderr


def test_unknown_language_exits_non_zero_listing_codes(engine: FakeEngine) -> None:
    result = run("translate", "hi", "--to", "xx")
    assert result.exit_code == 2
    assert "valid codes" in result.stderr and "zh-Hant" in result.stderr


def test_batch_with_resume(engine: FakeEngine, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": f"第{i}个"}) + "\n" for i in range(10)))
    out = tmp_path / "out.jsonl"
    result = run("translate", "--input", str(src), "--to", "en", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "10 rows translated" in result.stderr
    again = run("translate", "--input", str(src), "--to", "en", "--output", str(out))
    assert "0 rows translated, 10 already done" in again.stderr
    assert len(out.read_text().splitlines()) == 10


def test_batch_skip_bad_says_what_it_left_out(engine: FakeEngine, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "第一个"}\nnot json\n{"title": "x"}\n{"text": "第二个"}\n')
    out = tmp_path / "out.jsonl"
    refused = run("translate", "--input", str(src), "--to", "en", "--output", str(out))
    assert refused.exit_code == 2 and "line 2: not valid JSON" in refused.stderr
    assert not out.exists()
    result = run("translate", "--input", str(src), "--to", "en", "--output", str(out), "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "2 rows translated" in result.stderr
    assert "2 bad rows left out" in result.stderr and "out.jsonl.rejected.jsonl" in result.stderr
    assert len(out.read_text().splitlines()) == 2
    assert run("translate", "hi", "--to", "de", "--skip-bad").exit_code == 2


def test_config_shows_value_sources(engine: FakeEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXAI_THREADS", "1")
    result = run("config", "--json", "--set", "batch_size=4")
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["threads"]["value"] == 1 and rows["threads"]["source"] == "env XXAI_THREADS"
    assert rows["batch_size"]["value"] == 4 and rows["batch_size"]["source"] == "command line"
    assert rows["engine"]["source"] == "default"


def test_detect_languages_models_and_cache(engine: FakeEngine) -> None:
    assert run("detect", "u1s1 这个真的绝").stdout.startswith("zh")
    langs = json.loads(run("languages", "--json").stdout)
    assert {"en", "zh", "zh-Hant", "de"} <= {lang["code"] for lang in langs}
    models = json.loads(run("models", "--json").stdout)
    assert any(m["name"] == "qwen2.5-coder-1.5b" and m["default"] for m in models)
    run("translate", "你好世界", "--to", "en")
    stats = json.loads(run("cache", "stats", "--json").stdout)
    assert stats["entries"] == 1
    assert "removed 1" in run("cache", "clear", "--yes").stdout


def test_explain_json(engine: FakeEngine) -> None:
    data = json.loads(run("explain", "lying flat", "--json").stdout)
    assert data["found"] and data["entries"][0]["term"] == "躺平"
    assert {"term", "pinyin", "meaning"} <= set(data["entries"][0])


def register_hello(group: click.Group) -> None:
    """A third party's register_commands, as its entry point would name it."""

    @group.command()
    def hello() -> None:
        click.echo("hello from a plugin")


def test_a_plugin_adds_commands_through_the_entry_point_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import xxai.cli

    builtin = list(entry_points(group=xxai.cli.GROUP))
    assert {ep.value.split(":")[0] for ep in builtin} >= {"xxai.cli.translate", "xxai.cli.search"}
    plugin = EntryPoint("hello", "test_cli:register_hello", xxai.cli.GROUP)
    monkeypatch.setattr(xxai.cli, "entry_points", lambda group: [*builtin, plugin])
    monkeypatch.setitem(sys.modules, "test_cli", sys.modules[__name__])
    monkeypatch.setattr(cli, "commands", dict(cli.commands))  # undone after the test
    xxai.cli._register_commands()
    assert run("hello").stdout == "hello from a plugin\n"
    assert "translate" in cli.commands  # the built-in groups are still there


def test_tables_show_brackets_as_written(engine: FakeEngine) -> None:
    # Rich reads [doge] or [[term]] as markup and drops it; cells are shown as written.
    result = run("config")
    assert result.exit_code == 0, result.output
    assert "[[term]]" in " ".join(result.output.split())
