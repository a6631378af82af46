"""``xxai translate``, ``xxai detect`` and ``xxai languages``."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click
from rich.markup import escape

from xxai.cli.common import (
    err,
    handle_errors,
    out,
    print_json,
    progress,
    read_text,
    service_for,
    settings_options,
    table,
)
from xxai.errors import InputError

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    """Add translate, detect and languages to the ``xxai`` group."""
    for command in (translate, detect, languages):
        cli.add_command(command)


@click.command()
@click.argument("text", required=False)
@click.option("--to", "target", required=True, help="Target language: en, zh, zh-Hant, de, …")
@click.option("--from", "source", default="auto", show_default=True, help="Source language.")
@click.option("--json", "as_json", is_flag=True, help="Print the structured result as JSON.")
@click.option("--notes/--no-notes", default=None, help="Show the slang notes block (stderr).")
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Translate a JSONL or CSV file instead of TEXT.",
)
@click.option("--field", default="text", show_default=True, help="Field/column to translate.")
@click.option(
    "--output",
    "output_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file for --input (JSONL or CSV by extension).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    help="Input format when the extension does not tell.",
)
@click.option("--overwrite", is_flag=True, help="Start the output again instead of resuming.")
@click.option(
    "--skip-bad",
    is_flag=True,
    help="With --input: leave out rows that are not valid JSON/CSV/UTF-8 or lack --field, "
    "list them in OUTPUT.rejected.jsonl, and translate the rest (default: stop before "
    "any work, naming the line).",
)
@click.option(
    "--refresh", is_flag=True, help="Translate again past the translation memory (and store it)."
)
@click.option(
    "--context",
    metavar="TEXT",
    default="",
    help="What TEXT replies to, read but not translated: the title of the note a comment "
    "is under, or the comment it answers.",
)
@click.option(
    "--context-field",
    metavar="FIELD",
    help="With --input: a field read as each row's context (e.g. the note's title).",
)
@settings_options
@handle_errors
def translate(
    text: str | None,
    target: str,
    source: str,
    as_json: bool,
    notes: bool | None,
    input_path: Path | None,
    field: str,
    output_path: Path | None,
    fmt: str | None,
    overwrite: bool,
    refresh: bool,
    context: str,
    context_field: str | None,
    skip_bad: bool,
    **kwargs: Any,
) -> None:
    """Translate TEXT (or standard input, or a file) into another language.

    Slang, memes and pinyin abbreviations are rendered right and explained in a notes block
    under the translation (hide it with --no-notes). Text already in the target language
    comes back unchanged. Repeated texts are answered from the translation memory.

    With --input, each row's --field is translated into --output with a progress bar; a
    rerun after a kill or Ctrl-C resumes where it stopped.

    A comment reads better with what it answers: --context gives it (read, not
    translated), e.g. xxai translate "笑死，这也太真实了" --to en --context "打工人的一天";
    with --input, --context-field names the column that holds it.
    """
    service = service_for(kwargs)
    target = service.normalize_lang(target)
    source = service.normalize_lang(source, allow_auto=True)
    if input_path is not None:
        if output_path is None:
            raise InputError("--input needs --output FILE")
        if output_path.resolve() == input_path.resolve():
            raise InputError("--output must differ from --input")
        if context:
            raise InputError("--context is for one TEXT; with --input use --context-field")
        with progress("translating") as advance, _first_ctrl_c_stops() as stop:
            report = service.translate_file(
                input_path,
                output_path,
                field,
                target,
                source,
                fmt,
                overwrite,
                advance,
                stop,
                context_field,
                skip_bad,
            )
        resumed = f", {report.skipped} already done" if report.skipped else ""
        err.print(f"{report.translated} rows translated{resumed} → {report.output}")
        if report.rejects_file is not None:
            err.print(
                f"[yellow]{report.rejected} bad rows left out[/]: their lines and reasons are in "
                f"{escape(str(report.rejects_file))}"
            )
        if report.low:
            err.print(
                f"{report.low} of them with low confidence: see their confidence_reasons "
                "and check them against the notes (xxai explain TERM)"
            )
        if report.stopped:
            err.print("stopped: every finished row is in the output; rerun to resume")
            raise SystemExit(130)
        return
    if output_path is not None:
        raise InputError("--output needs --input")
    if skip_bad:
        raise InputError("--skip-bad is for --input files")
    if context_field is not None:
        raise InputError("--context-field needs --input; for one TEXT use --context")
    raw = read_text(text)
    if not raw.strip():
        raise InputError("nothing to translate: the text is empty")
    result = service.translate(raw, target, source, refresh=refresh, context=context)
    if as_json:
        print_json(result.to_json())
        return
    click.echo(result.translation)
    show_notes = service.settings.notes if notes is None else notes
    shown = bool(show_notes and result.terms)  # the notes block, which the advice points to
    if shown:
        err.print()
        for term in result.terms:
            err.print(
                f"[cyan]{escape(term.term)}[/] → {escape(term.rendering)}: "
                f"[dim]{escape(term.meaning)}[/]"
            )
    if result.note:
        err.print(f"[dim]({escape(result.note)})[/]")
    if result.confidence is not None and result.confidence.level == "low":
        err.print(f"[yellow]{escape(result.confidence.label(notes=shown))}[/]")


@contextmanager
def _first_ctrl_c_stops() -> Iterator[Callable[[], bool]]:
    """Yield ``stopped()``: a first Ctrl-C asks to stop after the rows in progress, a second
    stops at once (KeyboardInterrupt)."""
    asked = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if asked.is_set():
            raise KeyboardInterrupt
        asked.set()
        err.print("finishing the rows in progress, then stopping (Ctrl-C again: stop now)")

    if threading.current_thread() is not threading.main_thread():
        yield asked.is_set  # signals reach only the main thread (e.g. under a test runner)
        return
    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield asked.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command()
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def detect(text: str | None, as_json: bool) -> None:
    """Detect the language of TEXT (short, mixed and pinyin posts included)."""
    detection = service_for({}).detect(read_text(text))
    if as_json:
        print_json(detection.to_json())
        return
    click.echo(f"{detection.lang}\t{detection.confidence:.2f}\t{detection.reason}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def languages(as_json: bool) -> None:
    """List supported languages, with an honest quality note for each pair."""
    langs = service_for({}).languages()
    if as_json:
        print_json(langs)
        return
    grid = table("code", "language", "from this language into…")
    for lang in langs:
        notes = "\n".join(
            f"{tgt}: {note}"
            for tgt, note in lang["targets"].items()
            if tgt in {"en", "zh", "zh-Hant", "de"}
        )
        grid.add_row(lang["code"], f"{lang['name']} ({lang['native']})", notes)
    out.print(grid)
