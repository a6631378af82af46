from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from xxai.errors import ModelError
from xxai.models import KnownModel, join_parts, model_states, resolve_model


def _fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunks: list[bytes]) -> str:
    root = tmp_path / "site"
    for i, chunk in enumerate(chunks, start=1):
        pkg = root / f"xxaitestpart{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(chunk)
    monkeypatch.syspath_prepend(str(root))
    return "xxaitestpart"


def _model(prefix: str, chunks: list[bytes], sha: str | None = None) -> KnownModel:
    blob = b"".join(chunks)
    return KnownModel(
        "test-model",
        "test",
        prefix,
        "xxaitestpart",
        "1.0",
        len(chunks),
        len(blob),
        sha or hashlib.sha256(blob).hexdigest(),
    )


def test_join_is_ordered_checked_and_atomic(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    chunks = [b"GGUF" + b"a" * 1000, b"b" * 1000, b"c" * 10]
    model = _model(_fake_parts(tmp_path, monkeypatch, chunks), chunks)
    seen: list[int] = []
    dest = join_parts(model, tmp_path / "m" / "x.gguf", lambda d, t: seen.append(d))
    assert dest.read_bytes() == b"".join(chunks)
    assert seen[-1] == model.size
    assert list(dest.parent.glob("*.partial")) == []


def test_checksum_mismatch_leaves_no_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    chunks = [b"GGUF" + b"a" * 100, b"b" * 100]
    model = _model(_fake_parts(tmp_path, monkeypatch, chunks), chunks, sha="0" * 64)
    with pytest.raises(ModelError, match="SHA-256"):
        join_parts(model, tmp_path / "m" / "x.gguf")
    assert list((tmp_path / "m").iterdir()) == []


def test_missing_part_names_the_package(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    chunks = [b"GGUF", b"x"]
    prefix = _fake_parts(tmp_path, monkeypatch, chunks[:1])
    model = _model(prefix, chunks)
    with pytest.raises(ModelError, match="xxaitestpart2 is not installed"):
        join_parts(model, tmp_path / "m" / "x.gguf")


def test_default_model_is_installed_and_listed(tmp_path: Path) -> None:
    states = {s.model.name: s for s in model_states(tmp_path)}
    default = states["qwen2.5-coder-1.5b"]
    assert default.parts_installed == 22
    assert default.state == "installed (joined on first use)"


def test_unknown_model_setting_lists_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"qwen2\.5-coder-1\.5b"):
        resolve_model("gpt-7", tmp_path)
