"""Issue 13's import findings: a bad row is skipped with its line number, never fatal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from xxai.cli import cli
from xxai.search.importer import import_file, import_records
from xxai.search.index import Indexer
from xxai.search.store import Post, Store, UpsertOutcome


def _detect(text: str) -> str:
    return "en"


def test_cli_import_skips_a_bad_timestamp_and_imports_the_rest(tmp_path: Path, home: Path) -> None:
    rows = [{"id": str(i), "lang": "en", "text": f"post {i}"} for i in range(1, 601)]
    rows[300]["created_at"] = 1e20  # line 301
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(path), "--home", str(home), "--no-embed", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["inserted"] == 599
    assert [e["row"] for e in report["errors"]] == [301]
    assert "created_at 1e+20 is not a time" in report["errors"][0]["error"]
    with Store(home / "search.sqlite") as store:
        assert store.count() == 599 and store.get("generic", "600") is not None


def test_a_row_the_writer_refuses_is_isolated_and_the_chunk_kept(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": str(i), "text": f"post {i}"} for i in range(10)]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    indexer = Indexer(store, None)
    write = indexer.write_posts

    def picky(posts: Sequence[Post], embed: bool = True) -> list[UpsertOutcome]:
        # A value only the database notices (the importer's own checks let it through).
        if any(p.id == "6" for p in posts):
            raise ValueError("value out of range")
        return write(posts, embed)

    monkeypatch.setattr(indexer, "write_posts", picky)
    report = import_file(path, indexer, _detect, chunk_size=5)
    assert report.inserted == 9 and store.count() == 9
    assert report.errors == [(7, "cannot be stored (value out of range)")]


def test_csv_with_an_unclosed_quote_warns_with_the_line_and_keeps_the_rest(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "posts.csv"
    path.write_text('id,text\n1,first\n2,"never closed\n3,third\n4,fourth\n', "utf-8")
    report = import_file(path, Indexer(store, None), _detect)
    assert [line for line, _ in report.errors] == [3]
    assert "never closed" in report.errors[0][1]
    assert report.inserted == 3
    assert store.get("generic", "4") is not None
    assert store.get("generic", "1") is not None and store.get("generic", "1").text == "first"


def test_a_post_over_the_length_cap_is_skipped_with_its_line(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(
        json.dumps({"id": "big", "text": "长" * 200_001}) + "\n"
        + json.dumps({"id": "ok", "text": "fine"}) + "\n",
        "utf-8",
    )  # fmt: skip
    report = import_file(path, Indexer(store, None), _detect)
    assert report.inserted == 1 and store.get("generic", "big") is None
    assert report.errors[0][0] == 1 and "max_chars" in report.errors[0][1]


def test_a_50_mb_line_without_spaces_is_skipped_fast(tmp_path: Path, store: Store) -> None:
    import time

    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"id": "h", "text": "汉" * 5_000_000}) + "\n", "utf-8")
    start = time.perf_counter()
    report = import_file(path, Indexer(store, None), _detect)
    assert time.perf_counter() - start < 20
    assert report.skipped == 1 and store.count() == 0


def test_import_records_skips_bad_rows_and_names_no_file(store: Store) -> None:
    bad_time = {"id": 3, "text": "c", "created_at": float("nan")}
    rows = [
        (1, {"text": "a"}, ""),
        (2, None, "expected a JSON object, got str"),
        (3, bad_time, ""),
        (4, {"text": "d"}, ""),
    ]
    report = import_records(rows, Indexer(store, None), _detect)
    assert report.inserted == 2
    assert [line for line, _ in report.errors] == [2, 3]
