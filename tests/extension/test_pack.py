"""``xxai extension pack``: the zip holds exactly the extension's files, and checks the manifest."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner

from xxai.cli import cli
from xxai.webext import find_source, manifest_files

from harness import EXTENSION


def test_pack_writes_every_file_the_manifest_names(tmp_path: Path) -> None:
    out = tmp_path / "ext.zip"
    result = CliRunner().invoke(cli, ["extension", "pack", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    names = set(zipfile.ZipFile(out).namelist())
    on_disk = {p.relative_to(EXTENSION).as_posix() for p in EXTENSION.rglob("*") if p.is_file()}
    assert names == on_disk
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert set(manifest_files(manifest)) <= names
    assert "content/main.js" in manifest_files(manifest)
    # The same files give the same bytes (a reproducible build).
    again = tmp_path / "again.zip"
    CliRunner().invoke(cli, ["extension", "pack", "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_pack_refuses_a_manifest_naming_a_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "ext"
    shutil.copytree(find_source(), broken)
    (broken / "content" / "reply.js").unlink()
    result = CliRunner().invoke(
        cli, ["extension", "pack", "--source", str(broken), "--out", str(tmp_path / "x.zip")]
    )
    assert result.exit_code != 0
    assert "content/reply.js" in " ".join(result.output.split())
    assert not (tmp_path / "x.zip").exists()


def test_pack_without_an_extension_folder_says_where_it_looked(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extension", "pack", "--source", str(tmp_path)])
    assert result.exit_code != 0
    assert "(manifest.json missing)" in " ".join(result.output.split())
