"""``import_file``: formats, presets, field mapping, idempotence, bad rows, atomicity."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from searchkit import write_jsonl

from xxai.errors import MappingError
from xxai.search.importer import import_file, parse_mapping
from xxai.search.index import Indexer
from xxai.search.store import Store


def _detect(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def test_reimporting_updates_posts_and_never_duplicates(
    tmp_path: Path, store: Store, indexer: Indexer, corpus_file: Path
) -> None:
    first = import_file(corpus_file, indexer, _detect)
    again = import_file(corpus_file, indexer, _detect)
    assert (first.inserted, first.updated, first.unchanged) == (10, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10)
    assert store.count() == 10

    rows = [json.loads(line) for line in corpus_file.read_text("utf-8").splitlines()]
    rows[2]["text"] = "我的猫每天早上五点叫我起床。"
    rows.append({"id": "p11", "text": "新的帖子：今天去海边了。"})
    changed = write_jsonl(tmp_path / "changed.jsonl", rows)
    third = import_file(changed, indexer, _detect)
    assert (third.inserted, third.updated, third.unchanged) == (1, 1, 9)
    assert store.count() == 11
    post = store.get("generic", "p3")
    assert post is not None and "五点" in post.text
    assert store.value("SELECT count(*) FROM posts_fts") == 11
    assert store.value("SELECT count(*) FROM embeddings") == 11


def test_rednote_preset_maps_note_fields(tmp_path: Path, store: Store) -> None:
    notes = [
        {
            "note_id": "64f1a2b3c4",
            "title": "周末去哪儿",
            "desc": "周末去爬山，风景很美。#户外[话题]#",
            "tag_list": "户外,爬山,周末",
            "nickname": "小红薯123",
            "time": 1700000000000,
            "liked_count": "1.2万",
            "comment_count": 35,
            "image_list": ["a.jpg"],
        }
    ]
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(notes, ensure_ascii=False, indent=2), "utf-8")
    report = import_file(path, Indexer(store, None), _detect, preset="rednote")
    assert report.inserted == 1
    post = store.get("rednote", "64f1a2b3c4")
    assert post is not None
    assert post.text.startswith("周末去爬山")
    assert post.title == "周末去哪儿"
    assert post.tags == ["户外", "爬山", "周末"]
    assert post.author == "小红薯123"
    assert post.created_at == "2023-11-14T22:13:20Z"
    assert post.metrics == {"liked_count": "1.2万", "comment_count": 35}
    assert post.url == "https://www.xiaohongshu.com/explore/64f1a2b3c4"
    assert post.raw["image_list"] == ["a.jpg"]


def test_twitter_preset_reads_nested_fields(tmp_path: Path, store: Store) -> None:
    tweet = {
        "id": 1880000000000000001,
        "id_str": "1880000000000000001",
        "text": "truncated…",
        "full_text": "Just moved to RedNote from TikTok, hello everyone! #TikTokRefugee",
        "user": {"screen_name": "refugee42", "name": "Ref"},
        "created_at": "Wed Jan 15 20:19:24 +0000 2025",
        "lang": "en",
        "entities": {"hashtags": [{"text": "TikTokRefugee"}]},
        "favorite_count": 12,
        "retweet_count": 3,
    }
    path = write_jsonl(tmp_path / "tweets.jsonl", [tweet])
    import_file(path, Indexer(store, None), _detect, preset="twitter")
    post = store.get("twitter", "1880000000000000001")
    assert post is not None
    assert post.text.startswith("Just moved to RedNote")
    assert post.author == "refugee42"
    assert post.created_at == "2025-01-15T20:19:24Z"
    assert post.tags == ["TikTokRefugee"]
    assert post.metrics == {"favorite_count": 12, "retweet_count": 3}
    assert post.url == "https://x.com/refugee42/status/1880000000000000001"


def test_csv_with_field_mapping_and_multiline_cells(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        'post_id,body,who\n1,"第一行\n第二行",ana\n2,Second post,bo\n3,too,many,fields\n4,,empty\n',
        "utf-8",
    )
    mapping = parse_mapping(["id=post_id", "text=body", "author=who"])
    report = import_file(path, Indexer(store, None), _detect, mapping=mapping, source="forum")
    assert report.inserted == 2
    assert [line for line, _ in report.errors] == [5, 6]
    assert "fields" in report.errors[0][1] and "no text" in report.errors[1][1]
    first = store.get("forum", "1")
    assert first is not None and first.text == "第一行\n第二行" and first.author == "ana"


def test_malformed_rows_are_reported_by_line_and_the_rest_imported(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(
        '{"id": "a", "text": "first"}\n'
        '{"id": "b", "text": \n'
        "\n"
        '["not", "an", "object"]\n'
        '{"id": "c", "title": ""}\n'
        '{"id": "d", "text": "last"}\n',
        "utf-8",
    )
    report = import_file(path, Indexer(store, None), _detect)
    assert report.inserted == 2
    assert [line for line, _ in report.errors] == [2, 4, 5]
    assert "not valid JSON" in report.errors[0][1]
    assert store.get("generic", "d") is not None


def test_json_array_with_a_broken_element_keeps_the_others(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "posts.json"
    path.write_text(
        "[\n"
        '  {"id": "a", "text": "one"},\n'
        '  {"id": "b", "text": "two" "oops"},\n'
        '  {"id": "c", "text": "three"}\n'
        "]\n",
        "utf-8",
    )
    report = import_file(path, Indexer(store, None), _detect)
    assert report.inserted == 2
    assert [line for line, _ in report.errors] == [3]
    assert store.get("generic", "c") is not None


def test_a_file_without_any_text_field_fails_with_a_hint(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("note_id,desc\n1,你好\n", "utf-8")
    with pytest.raises(MappingError, match=r"note_id, desc; map one of them to text"):
        import_file(path, Indexer(store, None), _detect)
    assert store.count() == 0


def test_rows_without_id_get_a_stable_one(tmp_path: Path, store: Store) -> None:
    path = write_jsonl(tmp_path / "posts.jsonl", [{"text": "hello"}, {"text": "world"}])
    indexer = Indexer(store, None)
    import_file(path, indexer, _detect)
    again = import_file(path, indexer, _detect)
    assert again.unchanged == 2 and store.count() == 2


def test_import_without_embeddings_then_index_fills_them(
    store: Store, indexer: Indexer, corpus_file: Path
) -> None:
    import_file(corpus_file, indexer, _detect, embed=False)
    assert store.value("SELECT count(*) FROM embeddings") == 0
    report = indexer.update()
    assert report.embedded == 10
    assert store.value("SELECT count(*) FROM embeddings") == 10
    assert indexer.update().posts == 0  # nothing left to do


def test_a_killed_import_leaves_the_database_consistent(
    tmp_path: Path, home: Path, indexer: Indexer, store: Store
) -> None:
    rows = [{"id": str(i), "lang": "en", "text": f"Post {i} about cats, coffee and 火锅"}
            for i in range(200)]  # fmt: skip
    path = write_jsonl(tmp_path / "big.jsonl", rows)
    db_path = home / "search.sqlite"
    command = [sys.executable, "-m", "xxai", "import", str(path), "--home", str(home),
               "--chunk-size", "10"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        seen = 0
        while time.monotonic() < deadline and process.poll() is None:
            if db_path.exists():
                try:
                    with sqlite3.connect(db_path, timeout=1) as probe:
                        seen = probe.execute("SELECT count(*) FROM posts").fetchone()[0]
                except sqlite3.OperationalError:
                    seen = 0
            if seen >= 20:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()

    with Store(db_path) as after:
        assert after.value("PRAGMA integrity_check") == "ok"
        posts = after.count()
        assert 20 <= posts < 200
        assert posts % 10 == 0  # whole chunks only
        assert after.value("SELECT count(*) FROM posts_fts") == posts
        assert after.value("SELECT count(*) FROM embeddings") == posts

    report = import_file(path, indexer, _detect)
    assert report.unchanged == posts and report.inserted == 200 - posts
    assert store.count() == 200
