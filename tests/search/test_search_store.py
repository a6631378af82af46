"""The search database: schema versions, WAL, translations stored beside posts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from xxai.errors import StoreError
from xxai.search.index import Indexer
from xxai.search.store import Post, Store
from xxai.storage.migrations import migrations

NEWEST = migrations("sqlite")[-1].version


def test_new_database_uses_wal_and_the_current_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "search.sqlite") as store:
        assert store.schema_version == NEWEST
        assert store.value("PRAGMA journal_mode") == "wal"


def test_database_from_a_newer_xxai_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {NEWEST + 1}")
    with pytest.raises(StoreError, match="newer than this xxai understands"):
        Store(path)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="search database"):
        Store(path)


def test_translations_are_kept_per_language_and_dropped_when_the_post_changes(
    store: Store,
) -> None:
    indexer = Indexer(store, None)
    post = Post(source="t", id="1", text="我的猫每天早上六点叫我起床。", lang="zh")
    pk = indexer.write_posts([post])[0].pk
    indexer.add_translations([(pk, "en", "", "My cat wakes me up at six.", "fake")])
    indexer.add_translations([(pk, "de", "", "Meine Katze weckt mich um sechs.", "fake")])
    indexer.add_translations([(pk, "en", "", "My cat wakes me at six.", "fake")])

    assert store.translations([pk], "en")[pk].text == "My cat wakes me at six."
    assert store.translations([pk], "de")[pk].text.startswith("Meine Katze")
    assert store.value("SELECT count(*) FROM translations") == 2

    # Same text, new metrics: the translations still hold.
    post.metrics = {"likes": 3}
    assert indexer.write_posts([post])[0].action == "updated"
    assert pk in store.translations([pk], "en")

    # New text: the old translations would be wrong.
    post.text = "我的狗喜欢在雪地里玩。"
    indexer.write_posts([post])
    assert store.translations([pk], "en") == {}
