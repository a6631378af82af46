"""CLI behaviour fixed after the learner trial (issue 16), with the trial's own inputs."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xxai.cli import cli

from fakes import FakeEngine


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    fake = FakeEngine()
    built: list[str] = []

    def create(name: str, settings: Any, **_: Any) -> FakeEngine:
        built.append(name)
        return fake

    monkeypatch.setattr("xxai.service.create_engine", create)
    fake.built = built  # type: ignore[attr-defined]
    return fake


def run(*args: str, input: str | bytes | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_regional_bcp47_tags_are_accepted(engine: FakeEngine) -> None:
    result = run("translate", "我决定躺平了", "--to", "en-US", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["target_lang"] == "en"
    tw = run("translate", "hello", "--to", "zh-Hant-TW", "--json")
    assert json.loads(tw.stdout)["target_lang"] == "zh-Hant"
    bad = run("translate", "hello", "--to", "xx-YY")
    assert bad.exit_code == 2 and "unknown language 'xx-YY'" in bad.stderr


def test_empty_input_says_so_without_loading_the_model(engine: FakeEngine) -> None:
    for result in (run("translate", "--to", "en", input=""), run("translate", "  ", "--to", "en")):
        assert result.exit_code == 2
        assert "nothing to translate: the text is empty" in result.stderr
        assert result.stdout == ""
    assert engine.built == []  # type: ignore[attr-defined]


def test_tables_are_not_cut_at_80_columns(engine: FakeEngine) -> None:
    result = run("models")
    assert result.exit_code == 0
    assert "qwen2.5-coder-1.5b (current)" in result.stdout and "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) > 80


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_no_progress_bar_before_an_error(engine: FakeEngine, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", [{"text": "好"}, {"body": "x"}])
    result = run(
        "translate", "--input", str(src), "--output", str(tmp_path / "o.jsonl"), "--to", "en"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error:") and "line 2: no field 'text'" in result.stderr
    assert "translating" not in result.stderr


def test_resuming_with_another_target_is_refused(engine: FakeEngine, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", [{"text": f"第{i}条笔记"} for i in range(5)])
    out = tmp_path / "out.jsonl"
    first = run("translate", "--input", str(src), "--output", str(out), "--to", "en")
    assert first.exit_code == 0, first.output
    assert {json.loads(x)["target_lang"] for x in out.read_text().splitlines()} == {"en"}
    again = run("translate", "--input", str(src), "--output", str(out), "--to", "de")
    assert again.exit_code == 2
    assert "holds translations into en (row 1), but this run asks for de" in again.stderr
    assert {json.loads(x)["target_lang"] for x in out.read_text().splitlines()} == {"en"}


def test_words_add_list_search_export_delete(engine: FakeEngine, tmp_path: Path) -> None:
    added = run(
        "words", "add", "画得", "--sentence", "他画得很好", "--translation", "He draws well"
    )
    assert added.exit_code == 0 and "huà de" in added.stdout
    assert run("words", "add", "躺平").exit_code == 0
    listed = json.loads(run("words", "list", "--json").stdout)
    assert listed["count"] == 2 and {w["word"] for w in listed["words"]} == {"画得", "躺平"}
    found = json.loads(run("words", "search", "draws", "--json").stdout)
    assert [w["word"] for w in found["words"]] == ["画得"]
    deck = tmp_path / "words.apkg"
    assert run("words", "export", str(deck)).stdout.startswith("exported 2 words")
    with zipfile.ZipFile(deck) as package:
        package.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    assert {row[0] for row in db.execute("SELECT sfld FROM notes")} == {"画得", "躺平"}
    db.close()
    csv_path = tmp_path / "words.csv"
    run("words", "export", str(csv_path))
    assert "画得,huà de" in csv_path.read_text(encoding="utf-8")
    assert run("words", "delete", "画得").exit_code == 0
    missing = run("words", "delete", "画得")
    assert missing.exit_code == 2 and "not in the word list" in missing.stderr


def test_say_writes_a_wav_or_names_the_missing_program(tmp_path: Path) -> None:
    missing = run("say", "你好", "--set", "espeak=espeak-ng-absent", "-o", str(tmp_path / "a.wav"))
    assert missing.exit_code == 1
    assert "espeak-ng-absent is not installed; install it with `apt-get install espeak-ng`" in (
        missing.stderr
    )
    if shutil.which("espeak-ng"):
        ok = run("say", "家人们谁懂啊", "-o", str(tmp_path / "b.wav"))
        assert ok.exit_code == 0 and "(cmn)" in ok.stdout
        assert (tmp_path / "b.wav").read_bytes()[:4] == b"RIFF"


def test_explain_slap_is_the_slang_not_a_different_sense() -> None:
    data = json.loads(run("explain", "slap", "--json").stdout)
    terms = [(e["term"], e["match"]) for e in data["entries"]]
    assert terms[0] == ("slaps", "inflection")
    assert "打脸" not in [t for t, _m in terms]


def test_explain_yyds_says_which_entries_are_its_english_renderings() -> None:
    data = json.loads(run("explain", "yyds", "--json").stdout)
    assert data["entries"][0]["term"] == "yyds" and data["entries"][0]["match"] == "exact"
    others = {e["term"]: e["match"] for e in data["entries"][1:]}
    assert others and set(others.values()) == {"rendering (zh)"} and "GOAT" in others
    text = run("explain", "yyds").stdout
    heading = "English terms rendered in Chinese as “yyds” (their English equivalents):"
    assert text.index("yyds  yǒng") < text.index(heading) < text.index("GOAT  ")


def test_gloss_shows_the_other_script_on_demand() -> None:
    plain = run("gloss", "这家店的猫画得很好").stdout
    assert "貓" not in plain
    both = run("gloss", "这家店的猫画得很好", "--scripts").stdout
    rows = {line.split()[0]: line for line in both.splitlines() if line and line[0] in "这猫画得"}
    assert rows["这家"].startswith("这家 (這家)") and rows["猫"].startswith("猫 (貓)")
    assert "huà" in rows["画"] and "de" in rows["得很"].split()[1]  # 得 reads de, as on the page


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_reply_speak_reads_the_reply_aloud(engine: FakeEngine, tmp_path: Path) -> None:
    result = run("reply", "your cat is so cute", "--to", "zh", "--speak", "--home", str(tmp_path))
    assert result.exit_code == 0, result.output
    clips = list((tmp_path / "audio").glob("*.wav"))
    assert len(clips) == 1 and clips[0].read_bytes()[:4] == b"RIFF"
    played = shutil.which("aplay") or shutil.which("paplay") or shutil.which("pw-play")
    assert played or f"no audio player found; the clip is {clips[0]}" in result.stderr
