"""``xxai image``: one file, JSON, a drawn output, folders with resumable results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from xxai.cli import cli

from fakes import FakeEngine
from imagekit import make_sample


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    fake = FakeEngine()
    monkeypatch.setattr("xxai.service.create_engine", lambda name, settings, **_: fake)
    return fake


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def meme(tmp_path: Path) -> Path:
    path = tmp_path / "meme.png"
    make_sample("meme", 1).image.save(path)  # 今天也是躺平的一天
    return path


def test_one_image_prints_blocks_notes_and_writes_the_output(
    engine: FakeEngine, meme: Path, tmp_path: Path
) -> None:
    out = tmp_path / "meme.en.png"
    result = run("image", str(meme), "--to", "en", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "今天也是躺平的一天" in result.stdout and "lying flat" in result.stdout.lower()
    assert "躺平" in result.stderr  # the slang note
    assert Image.open(out).size == (600, 600)


def test_json_has_every_block_field(engine: FakeEngine, meme: Path) -> None:
    result = run("image", str(meme), "--to", "en", "--json")
    data = json.loads(result.stdout)
    block = data["blocks"][0]
    assert {"polygon", "text", "confidence", "translation", "terms", "lines"} <= set(block)
    assert data["path"] == str(meme) and block["terms"][0]["term"] == "躺平"


def test_a_folder_is_translated_resumably_and_bad_files_are_recorded(
    engine: FakeEngine, tmp_path: Path
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    make_sample("meme", 1).image.save(src / "a.png")
    Image.new("RGB", (200, 100), "white").save(src / "blank.jpg")
    (src / "broken.png").write_bytes(b"not an image at all")
    out = tmp_path / "out"
    first = run("image", str(src), "--to", "en", "--output", str(out))
    assert first.exit_code == 0, first.output
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    by_name = {Path(r["path"]).name: r for r in rows}
    assert set(by_name) == {"a.png", "blank.jpg", "broken.png"}
    assert "not an image" in by_name["broken.png"]["error"]
    assert by_name["blank.jpg"]["blocks"] == []
    assert Path(by_name["a.png"]["output"]).is_file()
    assert "1 could not be read" in first.stderr
    calls = len(engine.calls)
    again = run("image", str(src), "--to", "en", "--output", str(out))
    assert "3 already done" in again.stderr and len(engine.calls) == calls
    assert len((out / "results.jsonl").read_text().splitlines()) == 3


def test_missing_path_is_a_clear_error(engine: FakeEngine, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["image", str(tmp_path / "nope.png"), "--to", "en"])
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
