"""The browser extension's packaging: find its source, check its manifest, build the zip."""

from __future__ import annotations

from xxai.webext.pack import ExtensionError, find_source, manifest_files, pack

__all__ = ["ExtensionError", "find_source", "manifest_files", "pack"]
