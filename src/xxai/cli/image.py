"""``xxai image``: translate the text in images (memes, notes, screenshots).

A command of its own rather than ``xxai translate --image``: it takes many paths (files
and folders), and its ``--output`` is an image or a folder, where translate's is a JSONL/CSV
file; one flag changing what every other flag means would be harder to learn and check.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from xxai.cli.common import (
    err,
    handle_errors,
    print_json,
    progress,
    service_for,
    settings_options,
)
from xxai.errors import InputError
from xxai.service import Service

__all__ = ["image", "register_commands"]

SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
RESULTS = "results.jsonl"


def _expand(paths: tuple[Path, ...]) -> tuple[list[Path], bool]:
    """Return the image files named (folders: their images, sorted) and whether many."""
    files: list[Path] = []
    many = len(paths) > 1
    for path in paths:
        if path.is_dir():
            many = True
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not files:
        raise InputError("no images found (looked for .jpg, .jpeg, .png, .webp, .gif)")
    return files, many


def _print_result(data: dict[str, Any], notes: bool) -> None:
    if not data["blocks"]:
        click.echo("(no text found)")
    for block in data["blocks"]:
        click.echo(block["text"])
        click.echo(f"→ {block['translation']}")
        click.echo()
    terms = {t["term"]: t for b in data["blocks"] for t in b["terms"]}
    if notes and terms:
        for term in terms.values():
            err.print(
                f"[cyan]{escape(term['term'])}[/] → {escape(term['rendering'])}: "
                f"[dim]{escape(term['meaning'])}[/]"
            )
    for note in data["notes"]:
        err.print(f"[dim]({escape(note)})[/]")


def _save(image: Any, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    suffix = output.suffix.lower()
    fmt = {".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}.get(suffix, "PNG")
    if fmt == "JPEG":
        image = image.convert("RGB")
    tmp = output.with_name(output.name + ".part")
    image.save(tmp, format=fmt)
    os.replace(tmp, output)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _done(results: Path) -> dict[str, str]:
    """Return the images a previous run finished (path -> digest); drop a torn last line."""
    if not results.exists():
        return {}
    data = results.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with results.open("r+b") as fh:
            fh.truncate(end)
    done = {}
    for line in data[:end].decode("utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(
                f"{results}: not valid JSONL; move it away or use --overwrite"
            ) from None
        done[str(row.get("path"))] = str(row.get("digest"))
    return done


def _translate_many(
    service: Service,
    files: list[Path],
    out_dir: Path,
    target: str,
    source: str,
    render: bool,
    overwrite: bool,
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / RESULTS
    if overwrite:
        results.unlink(missing_ok=True)
    done = _done(results)
    todo = [f for f in files if done.get(str(f)) != _digest(f)]
    failed = 0
    with progress("images") as advance, results.open("a", encoding="utf-8") as fh:
        advance(len(files) - len(todo), len(files))
        for path in todo:
            row: dict[str, Any] = {"path": str(path), "digest": _digest(path)}
            try:
                found = service.translate_image(path, target, source, render=render, name=str(path))
                row |= found.to_json()
                if found.rendered is not None:
                    output = out_dir / f"{path.stem}.{target}.png"
                    _save(found.rendered, output)
                    row["output"] = str(output)
            except InputError as exc:  # a bad image is reported and skipped, never fatal
                row["error"] = str(exc)
                failed += 1
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            advance(1, len(files))
    skipped = len(files) - len(todo)
    resumed = f", {skipped} already done" if skipped else ""
    bad = f", {failed} could not be read (see 'error' in {results})" if failed else ""
    err.print(f"{len(todo) - failed} images translated{resumed}{bad} → {out_dir}")


def _print_many(
    service: Service, files: list[Path], target: str, source: str, as_json: bool
) -> None:
    for path in files:
        try:
            data = service.translate_image(path, target, source, render=False).to_json()
        except InputError as exc:
            data = {"error": str(exc)}
        data = {"path": str(path), **data}
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False))
            continue
        click.secho(f"== {path}", bold=True)
        if "error" in data:
            err.print(f"[bold red]error:[/] {escape(str(data['error']))}")
        else:
            _print_result(data, notes=service.settings.notes)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "target", required=True, help="Target language: en, zh, zh-Hant, de, …")
@click.option("--from", "source", default="auto", show_default=True, help="Source language.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (JSON Lines for many images).")
@click.option(
    "--output",
    "output",
    type=click.Path(path_type=Path),
    help="Write the translated image here (PNG); for several images, a folder.",
)
@click.option("--overwrite", is_flag=True, help="Start a folder's results again, not resume.")
@settings_options
@handle_errors
def image(
    paths: tuple[Path, ...],
    target: str,
    source: str,
    as_json: bool,
    output: Path | None,
    overwrite: bool,
    **kwargs: Any,
) -> None:
    """Translate the text in images: memes, note images, screenshots, price tags.

    Prints each block of text found (in reading order) and its translation; slang notes go
    to stderr. With --output the translation is drawn over the original text.

    \b
    Examples:
      xxai image meme.jpg --to en
      xxai image meme.jpg --to en --output meme.en.png
      xxai image note.png --to en --json
      xxai image shots/ --to en --output shots-en/     # a progress bar; rerun resumes
    """
    service = service_for(kwargs)
    target = service.normalize_lang(target)
    source = service.normalize_lang(source, allow_auto=True)
    files, many = _expand(paths)
    if many:
        if output is None:
            _print_many(service, files, target, source, as_json)
        elif output.exists() and not output.is_dir():
            raise InputError(f"--output {output}: for several images, give a folder")
        else:
            _translate_many(service, files, output, target, source, True, overwrite)
        return
    _translate_one(service, files[0], target, source, as_json, output)


def _translate_one(
    service: Service,
    path: Path,
    target: str,
    source: str,
    as_json: bool,
    output: Path | None,
) -> None:
    if output is not None and output.is_dir():
        output = output / f"{path.stem}.{target}.png"
    result = service.translate_image(path, target, source, render=output is not None)
    data = {"path": str(path), **result.to_json()}
    if output is not None and result.rendered is not None:
        _save(result.rendered, output)
        data["output"] = str(output)
    if as_json:
        print_json(data)
        return
    _print_result(data, notes=service.settings.notes)
    if "output" in data:
        err.print(f"→ {data['output']}")


def register_commands(cli: click.Group) -> None:
    """Add ``xxai image`` to the command line."""
    cli.add_command(image)
