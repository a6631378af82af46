"""``xxai extension``: build the browser extension's zip, show where its source is."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xxai.cli.common import handle_errors, out

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    """Add the extension group to the ``xxai`` group."""
    cli.add_command(extension)


@click.group()
def extension() -> None:
    """The browser extension for RedNote and any page (README: In the browser)."""


@extension.command("pack")
@click.option(
    "--source",
    type=click.Path(file_okay=False, path_type=Path),
    help="Extension folder (default: extension/ of this checkout).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Zip to write (default: dist/xxai-extension-VERSION.zip).",
)
@handle_errors
def pack_command(source: Path | None, out_path: Path | None) -> None:
    """Check the manifest and build a zip to load or upload."""
    from xxai.webext import find_source, pack

    folder = find_source(source)
    version = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"]
    target = out_path or Path("dist") / f"xxai-extension-{version}.zip"
    written, count = pack(folder, target)
    size = written.stat().st_size
    out.print(f"wrote {written} ({count} files, {size / 1024:.1f} KiB)")


@extension.command("path")
@handle_errors
def path_command() -> None:
    """Print the folder to load unpacked (chrome://extensions, Developer mode)."""
    from xxai.webext import find_source

    click.echo(str(find_source()))
