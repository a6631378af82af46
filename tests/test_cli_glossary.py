"""``xxai glossary add / remove / list --mine / validate`` and translation after them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from xxai.cli import cli

from fakes import FakeEngine


@pytest.fixture
def engine(cli_engine: FakeEngine) -> FakeEngine:
    return cli_engine


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    return tmp_path / "home" / "glossary.toml"  # XXAI_HOME is tmp_path/home (conftest)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_add_list_translate_remove_round_trip(engine: FakeEngine, user_file: Path) -> None:
    added = run("glossary", "add", "阿强", "--en", "Ah Keung", "--meaning", "my cousin")
    assert added.exit_code == 0, added.output
    assert f"added 阿强 to {user_file}" in added.stdout
    over = run("glossary", "add", "小红书", "--en", "Little Red Book", "--de", "RedNote")
    assert "(over the shipped entry 小红书)" in over.stdout

    listed = run("glossary", "list", "--mine")
    assert listed.stdout.splitlines() == [  # in the file's order
        "阿强\tword\tAh Keung",
        "小红书\tplatform\tLittle Red Book",
    ]
    assert "2 terms from your glossary" in listed.stderr

    translated = run(
        "translate", "我在小红书上看到阿强", "--to", "en", "--no-notes", "--set", "slang_mode=hint"
    )
    assert "Little Red Book" in translated.stdout and "Ah Keung" in translated.stdout
    explained = json.loads(run("explain", "阿强", "--json").stdout)
    assert explained["entries"][0]["meaning"]["en"] == "my cousin"

    removed = run("glossary", "remove", "小紅書")
    assert (
        "removed 小红书" in removed.stdout
        and "shipped entry 小红书 applies again" in removed.stdout
    )
    assert run("glossary", "list", "--mine").stdout.splitlines() == ["阿强\tword\tAh Keung"]


def test_add_refuses_bad_input_with_a_clear_error(user_file: Path) -> None:
    none = run("glossary", "add", "阿强")
    assert none.exit_code == 2 and "give at least one rendering: --en, --zh or --de" in none.output
    empty = run("glossary", "add", " ", "--en", "x")
    assert empty.exit_code == 2 and "the term is empty" in empty.stderr
    long = run("glossary", "add", "x" * 150, "--en", "y")
    assert long.exit_code == 2 and "at most 100" in long.stderr
    lang = run("glossary", "add", "x", "--en", "y", "--lang", "fr")
    assert lang.exit_code == 2 and "'fr' is not one of zh, en, de" in lang.stderr
    assert not user_file.exists()


def test_a_malformed_file_is_named_by_validate_list_and_translate(
    engine: FakeEngine, user_file: Path
) -> None:
    user_file.parent.mkdir(parents=True)
    user_file.write_text('[[term]]\nterm = "阿强"\nrendering.en = "Ah Keung"\nkind = 3\n')
    for args in (
        ("glossary", "validate"),
        ("glossary", "list", "--mine"),
        ("translate", "阿强来了", "--to", "en"),
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"{user_file}, line 1 ('阿强'): kind must be text" in result.stderr, args
    assert engine.calls == []


def test_validate_counts_the_users_terms(user_file: Path) -> None:
    run("glossary", "add", "阿强", "--en", "Ah Keung")
    result = run("glossary", "validate")
    assert result.exit_code == 0, result.output
    assert f"1 of them from your glossary {user_file}, 0 problems" in result.stdout


def test_list_mine_without_a_file_says_how_to_start(user_file: Path) -> None:
    result = run("glossary", "list", "--mine")
    assert result.exit_code == 0
    assert f"your glossary {user_file} does not exist yet" in result.stdout
    assert "xxai glossary add" in result.stdout


def test_remove_of_a_shipped_term_explains_why_not(user_file: Path) -> None:
    run("glossary", "add", "阿强", "--en", "Ah Keung")
    result = run("glossary", "remove", "躺平")
    assert result.exit_code == 2
    assert "'躺平' is a shipped term" in result.stderr


def test_help_teaches_with_an_example() -> None:
    for command in ("add", "remove", "list"):
        text = run("glossary", command, "--help").stdout
        assert "Example" in text and f"xxai glossary {command}" in text, command
    assert "glossary_file" in run("glossary", "--help").stdout
