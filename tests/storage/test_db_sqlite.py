"""``xxai db status`` / ``xxai db migrate`` with the default SQLite files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from xxai.cli import cli
from xxai.search.store import MIGRATIONS


def test_status_creates_nothing_and_migrate_brings_the_file_up_to_date(tmp_path: Path) -> None:
    home = tmp_path / "home"
    runner = CliRunner()
    first = runner.invoke(cli, ["db", "status", "--json", "--home", str(home)])
    assert first.exit_code == 0, first.output
    state = json.loads(first.output)
    assert state["backend"] == "sqlite" and state["version"] == 0
    assert len(state["pending"]) == len(MIGRATIONS)
    assert not (home / "search.sqlite").exists()  # looking changes nothing

    done = runner.invoke(cli, ["db", "migrate", "--home", str(home)])
    assert done.exit_code == 0 and f"{len(MIGRATIONS)} migration(s) applied" in done.output
    after = json.loads(runner.invoke(cli, ["db", "status", "--json", "--home", str(home)]).output)
    assert after["version"] == len(MIGRATIONS) and after["pending"] == []
    again = runner.invoke(cli, ["db", "migrate", "--home", str(home)])
    assert "up to date" in again.output
