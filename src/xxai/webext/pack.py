"""Check the extension's manifest and build a zip that a browser (or a store) accepts."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from xxai.errors import XxaiError

__all__ = ["ExtensionError", "find_source", "manifest_files", "pack"]

# A fixed timestamp makes the zip the same bytes for the same files.
_EPOCH = (1980, 1, 1, 0, 0, 0)


class ExtensionError(XxaiError):
    """The extension's source is missing or its manifest is broken."""


def find_source(explicit: Path | None = None) -> Path:
    """Return the extension folder: explicit, else ``extension/`` of this source checkout."""
    folder = explicit or Path(__file__).resolve().parents[3] / "extension"
    if not (folder / "manifest.json").is_file():
        raise ExtensionError(
            f"no browser extension at {folder} (manifest.json missing): the extension ships "
            "in the repository's extension/ folder; run from a checkout or pass --source DIR"
        )
    return folder


def _load_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExtensionError(f"{folder / 'manifest.json'}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("manifest_version") != 3:
        raise ExtensionError(f"{folder / 'manifest.json'}: not a Manifest V3 extension")
    return manifest


def manifest_files(manifest: dict[str, Any]) -> list[str]:
    """Return every file the manifest names (scripts, styles, pages, icons)."""
    names: list[str] = []
    background = manifest.get("background", {})
    if "service_worker" in background:
        names.append(background["service_worker"])
    for entry in manifest.get("content_scripts", []):
        names += entry.get("js", []) + entry.get("css", [])
    names.append(manifest.get("options_ui", {}).get("page", ""))
    names.append(manifest.get("action", {}).get("default_popup", ""))
    names += list(manifest.get("icons", {}).values())
    return [n for n in dict.fromkeys(names) if n]


def _included(folder: Path) -> list[Path]:
    files = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not any(p.startswith(".") for p in parts):
            files.append(path)
    return files


def pack(folder: Path, out: Path) -> tuple[Path, int]:
    """Write the extension in folder to the zip out; return the zip and its file count."""
    manifest = _load_manifest(folder)
    missing = [n for n in manifest_files(manifest) if not (folder / n).is_file()]
    if missing:
        raise ExtensionError(f"the manifest names files that do not exist: {', '.join(missing)}")
    files = _included(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    tmp.replace(out)  # a half-written zip never takes the real name
    return out, len(files)
