"""``xxai db status`` / ``xxai db migrate`` on the default SQLite files; old files upgraded."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from xxai.cli import cli
from xxai.search.index import Indexer
from xxai.search.store import Post, Store
from xxai.search.tokens import query_terms
from xxai.search.vectors import VectorIndex
from xxai.storage.migrations import migrations

SQLITE = migrations("sqlite")
# A search.sqlite written by xxai before the versioned migration files (schema 2 in
# PRAGMA user_version, no schema_migrations table): three posts, one stored translation,
# their keyword rows and 8-dimensional embeddings of the model "table".
OLD = Path(__file__).parent / "fixtures" / "search-schema2.sqlite"


def test_status_creates_nothing_and_migrate_brings_the_file_up_to_date(tmp_path: Path) -> None:
    home = tmp_path / "home"
    runner = CliRunner()
    first = runner.invoke(cli, ["db", "status", "--json", "--home", str(home)])
    assert first.exit_code == 0, first.output
    state = json.loads(first.output)
    assert state["backend"] == "sqlite" and state["version"] == 0
    assert [p["name"] for p in state["pending"]] == [m.name for m in SQLITE]
    assert not (home / "search.sqlite").exists()  # looking changes nothing

    done = runner.invoke(cli, ["db", "migrate", "--home", str(home)])
    assert done.exit_code == 0, done.output
    assert f"applied 0001 {SQLITE[0].name}" in done.output
    assert f"{len(SQLITE)} migration(s) applied" in done.output
    after = json.loads(runner.invoke(cli, ["db", "status", "--json", "--home", str(home)]).output)
    assert after["version"] == SQLITE[-1].version and after["pending"] == []
    again = runner.invoke(cli, ["db", "migrate", "--home", str(home)])
    assert "up to date" in again.output
    with sqlite3.connect(home / "search.sqlite") as db:  # the same table as PostgreSQL's
        rows = db.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        assert rows.fetchall() == [(m.version, m.name) for m in SQLITE]


def test_a_file_of_the_old_mechanism_is_adopted_and_upgraded_without_losing_data(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(OLD, home / "search.sqlite")
    runner = CliRunner()
    before = json.loads(runner.invoke(cli, ["db", "status", "--json", "--home", str(home)]).output)
    # Versions 1 and 2 are recognised as applied from user_version: nothing runs twice.
    assert [a["version"] for a in before["applied"]] == [1, 2]
    assert [p["version"] for p in before["pending"]] == [m.version for m in SQLITE[2:]]
    done = runner.invoke(cli, ["db", "migrate", "--home", str(home)])
    assert done.exit_code == 0, done.output
    assert "applied 0001" not in done.output and "applied 0002" not in done.output

    VectorIndex.forget()
    with Store(home / "search.sqlite") as store:
        assert store.schema_version == SQLITE[-1].version
        assert store.count() == 3
        post = store.get("generic", "a1")
        assert post is not None and post.tags == ["猫"] and post.author == "amy"
        translations = store.translations([post.pk], "en")
        assert translations[post.pk].text == "My cat wakes me up every morning."
        assert store.vector_count("table") == 3
        # `db migrate` rebuilt the keyword rows the upgrade dropped: still found by keywords
        # (Chinese, an inflected English word, a stored translation's word) and by vector.
        assert not store.keywords_stale()
        for query, wanted in (("猫", "a1"), ("runs", "a2"), ("hill", "a2"), ("wake", "a1")):
            hits = store.keyword_search(query_terms(query), 5)
            assert [store.posts([pk])[pk].id for pk, _ in hits] == [wanted], query
        vector = store.rows("SELECT vector FROM embeddings WHERE post = ?", (post.pk,))[0][0]
        found = store.vectors("table").search(np.frombuffer(vector, np.float32)[None, :], 1)
        assert found[0][0][0] == post.pk
        # Writing works on the upgraded file.
        Indexer(store, None).write_posts([Post(source="generic", id="a4", text="new one")])
        assert store.count() == 4
    VectorIndex.forget()


def test_a_failed_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite"
    with sqlite3.connect(path) as db:  # a table in the way of migration 1
        db.execute("CREATE TABLE posts (x)")
    result = CliRunner().invoke(cli, ["db", "migrate", "--home", str(tmp_path)])
    assert result.exit_code != 0
    assert "0001_search_store failed" in result.output and "Traceback" not in result.output
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "translations" not in tables  # the half-run migration was rolled back
        assert "schema_migrations" not in tables  # created in the same transaction
