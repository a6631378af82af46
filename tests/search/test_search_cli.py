"""``xxai import``, ``xxai search`` and ``xxai index`` through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xxai.cli import cli
from xxai.service import Service


def _run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def test_import_then_search_prints_the_json_contract(home: Path, corpus_file: Path) -> None:
    imported = _run("import", str(corpus_file), "--home", str(home), "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["inserted"] == 10

    found = _run("search", "猫", "--home", str(home), "--json", "--limit", "3",
                 "--no-translate-query")  # fmt: skip
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert data["query"] == "猫"
    # Only the post about a cat clears the relevance floor; nothing pads the list.
    assert [r["id"] for r in data["results"]] == ["p3"]
    top = data["results"][0]
    assert (top["id"], top["lang"], top["text"]) == ("p3", "zh", "我的猫每天早上六点叫我起床。")
    assert top["highlights"] == [[2, 3]]
    assert top["why"][0] == "has the words of “猫”"
    assert isinstance(data["glossary"], list) and isinstance(data["notices"], list)
    # Without the floor the same search pads the list with unrelated posts.
    padded = _run("search", "猫", "--home", str(home), "--json", "--limit", "3",
                  "--no-translate-query", "--set", "search_min_similarity=0",
                  "--set", "search_min_coverage=0")  # fmt: skip
    assert padded.exit_code == 0, padded.output
    results = json.loads(padded.stdout)["results"]
    assert len(results) == 3 and results[0]["score"] > results[1]["score"]
    # Importing and a search that translates nothing never join or load the 1.1 GB model.
    assert not (home / "models").exists()


def test_import_reports_skipped_lines_and_counts(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "ok"}\n{broken\n{"id": "2"}\n', "utf-8")
    result = _run("import", str(path), "--home", str(home), "--no-embed")
    assert result.exit_code == 0
    assert "line 2: not valid JSON" in result.stderr
    assert "line 3: no text" in result.stderr
    assert "1 new, 0 updated, 0 unchanged, 2 skipped" in result.stderr
    again = _run("import", str(path), "--home", str(home), "--no-embed", "--json")
    report = json.loads(again.stdout)
    assert (report["rows"], report["unchanged"], report["posts"]) == (3, 1, 1)
    assert [e["row"] for e in report["errors"]] == [2, 3]  # the same shape as the API's


def test_the_cli_names_the_options_that_fix_a_mapping(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("note_id,desc\n1,你好\n", "utf-8")
    result = _run("import", str(path), "--home", str(home), "--no-embed")
    assert result.exit_code == 2
    assert "its fields are: note_id, desc" in result.stderr
    assert "(--map FIELD=PATH, --preset)" in result.stderr


def test_import_of_a_missing_file_is_one_clear_error(home: Path, tmp_path: Path) -> None:
    result = _run("import", str(tmp_path / "nope.jsonl"), "--home", str(home))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_search_shows_the_glossary_card_before_translated_results(
    home: Path, corpus_file: Path, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run("import", str(corpus_file), "--home", str(home))
    result = CliRunner().invoke(
        cli, ["search", "lying flat", "--lang", "en", "--limit", "2"], obj=service
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("躺平") < out.index("房价这么高")
    assert "tǎng píng" in out
    assert "→ Housing prices are so high that I have decided to lie flat." in out


def test_index_rebuild_reports_what_it_rebuilt(home: Path, corpus_file: Path) -> None:
    _run("import", str(corpus_file), "--home", str(home), "--no-embed")
    result = _run("index", "--home", str(home), "--json")
    stats = json.loads(result.stdout)
    assert (stats["indexed_now"], stats["embeddings"]) == (10, 10)
    rebuilt = _run("index", "--rebuild", "--home", str(home), "--json")
    stats = json.loads(rebuilt.stdout)
    assert (stats["indexed_now"], stats["posts"], stats["fts_rows"]) == (10, 10, 10)
    assert stats["size_bytes"] > 0


def test_search_is_translated_by_default_and_says_why(
    home: Path, corpus_file: Path, service: Service
) -> None:
    assert _run("import", str(corpus_file), "--home", str(home)).exit_code == 0
    found = CliRunner().invoke(cli, ["search", "lying flat"], obj=service, catch_exceptions=False)
    assert found.exit_code == 0, found.output
    lines = found.stdout.splitlines()
    post = next(i for i, line in enumerate(lines) if "我决定躺平了" in line)
    # No --lang: the result comes in the reader's language (the query's), with why, no score.
    assert "lie flat" in lines[post + 1]
    assert any(line.strip().startswith("why: has “躺平”") for line in lines[post : post + 4])
    assert "平安夜快乐" not in found.stdout  # unrelated posts no longer pad the list
