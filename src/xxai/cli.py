"""The ``xxai`` command line: parse, build settings, call one function of the core, print."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from xxai import __version__
from xxai.config import SETTINGS, load_settings
from xxai.errors import InputError, XxaiError
from xxai.service import Service

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def _settings_options(func: F) -> F:
    """Add the options every model-using command shares."""
    options = [
        click.option("--engine", help="Translation engine: local or openai (setting: engine)."),
        click.option("--model", help="Local model: known name, .gguf path or hf:REPO/FILE."),
        click.option("--home", type=click.Path(file_okay=False), help="xxai home folder."),
        click.option(
            "--set",
            "set_values",
            multiple=True,
            metavar="NAME=VALUE",
            help="Override any setting (see `xxai config`); repeatable.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        values[name.strip().replace("-", "_")] = value
    return values


def _service(kwargs: dict[str, Any], **extra: Any) -> Service:
    overrides: dict[str, Any] = _parse_sets(kwargs.pop("set_values", ()))
    for name in ("engine", "model", "home"):
        value = kwargs.pop(name, None)
        if value is not None:
            overrides[name] = value
    overrides.update({k: v for k, v in extra.items() if v is not None})
    return Service(load_settings(overrides), join_progress=_join_progress())


def _join_progress() -> Callable[[int, int], None]:
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "progress" not in state:
            err.print("[bold]Preparing the model[/] (joined once from its packages)…")
            progress = Progress(
                TextColumn("joining model"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            progress.start()
            state["progress"] = progress
            state["task"] = progress.add_task("join", total=total)
        state["progress"].update(state["task"], completed=done)
        if done >= total:
            state["progress"].stop()

    return update


def _handle_errors(func: F) -> F:
    """Turn our errors into one clear line and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except XxaiError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            sys.exit(2 if isinstance(exc, InputError) else 1)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _read_text(text: str | None) -> str:
    if text is not None:
        return text
    if sys.stdin.isatty():
        raise InputError("give the text as an argument, or pipe it on standard input")
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"standard input, line {line}: not valid UTF-8") from None


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="xxai")
def cli() -> None:
    """Read, understand and search the cross-language internet.

    Translation that gets slang, memes and pinyin abbreviations right, runs offline on an
    embedded model, and keeps URLs, @mentions, #tags#, emoji and prices intact.

    \b
    Examples:
      xxai translate "绝绝子！这家店yyds，家人们冲！" --to en
      echo "no cap, this slaps" | xxai translate --to zh --json
      xxai translate --input posts.jsonl --field text --to en --output out.jsonl
      xxai detect "u1s1 这个真的绝"
      xxai config
    """


@cli.command()
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
@_settings_options
@_handle_errors
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
    **kwargs: Any,
) -> None:
    """Translate TEXT (or standard input, or a file) into another language.

    Slang, memes and pinyin abbreviations are rendered right and explained in a notes block
    under the translation (hide it with --no-notes). Text already in the target language
    comes back unchanged. Repeated texts are answered from the translation memory.

    With --input, each row's --field is translated into --output with a progress bar; a
    rerun after a kill or Ctrl-C resumes where it stopped.
    """
    service = _service(kwargs)
    target = service.normalize_lang(target)
    source = service.normalize_lang(source, allow_auto=True)
    if input_path is not None:
        _translate_file(service, input_path, output_path, field, fmt, overwrite, target, source)
        return
    if output_path is not None:
        raise InputError("--output needs --input")
    result = service.translate(_read_text(text), target, source)
    if as_json:
        _print_json(result.to_json())
        return
    click.echo(result.translation)
    show_notes = service.settings.notes if notes is None else notes
    if show_notes and result.terms:
        err.print()
        for term in result.terms:
            err.print(f"[cyan]{term.term}[/] → {term.rendering}: [dim]{term.meaning}[/]")
    if result.note:
        err.print(f"[dim]({result.note})[/]")


def _translate_file(
    service: Service,
    input_path: Path,
    output_path: Path | None,
    field: str,
    fmt: str | None,
    overwrite: bool,
    target: str,
    source: str,
) -> None:
    from xxai.batch import translate_file

    if output_path is None:
        raise InputError("--input needs --output FILE")
    if output_path.resolve() == input_path.resolve():
        raise InputError("--output must differ from --input")
    with _progress("translating") as advance:
        report = translate_file(
            lambda texts: service.translate_many(texts, target, source),
            input_path,
            output_path,
            field,
            fmt=fmt,
            overwrite=overwrite,
            chunk_size=max(8, service.settings.batch_size * 2),
            progress=advance,
        )
    resumed = f", {report.skipped} already done" if report.skipped else ""
    err.print(f"{report.translated} rows translated{resumed} → {report.output}")


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    progress = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
    )
    task = progress.add_task(label, total=None, rate="")

    def advance(n: int, total: int) -> None:
        progress.update(task, advance=n, total=total)
        speed = progress.tasks[0].speed
        if speed:
            progress.update(task, rate=f"{speed:.1f} rows/s")

    with progress:
        try:
            yield advance
        except KeyboardInterrupt:
            progress.stop()
            err.print("stopped: the output holds every finished row; rerun to resume")
            raise


@cli.command()
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_handle_errors
def detect(text: str | None, as_json: bool) -> None:
    """Detect the language of TEXT (short, mixed and pinyin posts included)."""
    service = Service(load_settings())
    detection = service.detect(_read_text(text))
    if as_json:
        _print_json(
            {
                "lang": detection.lang,
                "confidence": detection.confidence,
                "reason": detection.reason,
                "alternatives": [
                    {"lang": lang, "confidence": round(score, 3)}
                    for lang, score in detection.alternatives
                ],
            }
        )
        return
    click.echo(f"{detection.lang}\t{detection.confidence:.2f}\t{detection.reason}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_handle_errors
def languages(as_json: bool) -> None:
    """List supported languages, with an honest quality note for each pair."""
    service = Service(load_settings())
    langs = service.languages()
    if as_json:
        _print_json(langs)
        return
    table = Table("code", "language", "from this language into…", show_lines=False)
    for lang in langs:
        notes = "\n".join(
            f"{tgt}: {note}"
            for tgt, note in lang["targets"].items()
            if tgt in {"en", "zh", "zh-Hant", "de"}
        )
        table.add_row(lang["code"], f"{lang['name']} ({lang['native']})", notes)
    out.print(table)


@cli.command()
@click.option(
    "--join",
    "join_name",
    metavar="NAME",
    help="Join a known model's packaged parts now (normally done on first use).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--home", type=click.Path(file_okay=False), help="xxai home folder.")
@_handle_errors
def models(join_name: str | None, as_json: bool, home: str | None) -> None:
    """List known and installed models and their state."""
    service = Service(load_settings({"home": home}), join_progress=_join_progress())
    if join_name:
        from xxai.models import resolve_model

        path = resolve_model(join_name, service.settings.home, _join_progress())
        err.print(f"ready: {path}")
    states = service.models()
    current = service.settings.model
    if as_json:
        _print_json(
            [
                {
                    "name": s.model.name,
                    "description": s.model.description,
                    "state": s.state,
                    "parts_installed": s.parts_installed,
                    "parts": s.model.parts,
                    "path": str(s.joined_path),
                    "default": s.model.name == current,
                }
                for s in states
            ]
        )
        return
    table = Table("model", "state", "description", "file")
    for s in states:
        mark = " (current)" if s.model.name == current else ""
        table.add_row(s.model.name + mark, s.state, s.model.description, str(s.joined_path))
    out.print(table)
    if current not in {s.model.name for s in states}:
        out.print(f"current model setting: {current}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--markdown", is_flag=True, help="Print the settings reference as Markdown.")
@_settings_options
@_handle_errors
def config(as_json: bool, markdown: bool, **kwargs: Any) -> None:
    """Show every setting, its effective value and where the value came from.

    Settings come from, lowest to highest: defaults, $XXAI_HOME/config.toml, XXAI_*
    environment variables, command-line flags.
    """
    if markdown:
        click.echo("| setting | env var | default | what it does |")
        click.echo("| --- | --- | --- | --- |")
        for s in SETTINGS.values():
            default = repr(s.default) if s.default != "" else '""'
            click.echo(f"| `{s.name}` | `{s.env_var}` | `{default}` | {s.help} |")
        return
    settings = _service(kwargs).settings
    rows = [
        {
            "name": s.name,
            "value": "***" if "key" in s.name and value else value,
            "source": source,
            "env": s.env_var,
            "help": s.help,
        }
        for s, value, source in settings.items()
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table("setting", "value", "from", "env var", "what it does")
    for row in rows:
        table.add_row(row["name"], str(row["value"]), row["source"], row["env"], row["help"])
    out.print(table)
    out.print(f"config file: {settings.home / 'config.toml'}")


@cli.group()
def cache() -> None:
    """Inspect or clear the translation memory."""


@cache.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_settings_options
@_handle_errors
def cache_stats(as_json: bool, **kwargs: Any) -> None:
    """Show how many translations the memory holds."""
    stats = _service(kwargs).cache_stats()
    data = {
        "path": str(stats.path),
        "entries": stats.entries,
        "hits": stats.hits,
        "size_bytes": stats.size_bytes,
        "by_engine": stats.by_engine,
    }
    if as_json:
        _print_json(data)
        return
    click.echo(
        f"{stats.entries} translations, {stats.hits} hits, "
        f"{stats.size_bytes / 1e6:.1f} MB in {stats.path}"
    )
    for name, count in stats.by_engine.items():
        click.echo(f"  {name}: {count}")


@cache.command("clear")
@click.option("--engine", "only_engine", help="Clear only this engine's entries.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--home", type=click.Path(file_okay=False), help="xxai home folder.")
@_handle_errors
def cache_clear(only_engine: str | None, yes: bool, home: str | None) -> None:
    """Delete cached translations."""
    service = Service(load_settings({"home": home}))
    if not yes:
        click.confirm("Delete cached translations?", abort=True, err=True)
    removed = service.cache_clear(only_engine)
    click.echo(f"removed {removed} translations")


def _register_extensions() -> None:
    """Attach commands from feature modules (glossary, learning, search, server)."""
    for module_name in (
        "xxai.slang.commands",
        "xxai.learn.commands",
        "xxai.search.commands",
        "xxai.api.commands",
    ):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(cli)


_register_extensions()


def main() -> None:
    """Run the command line."""
    cli(prog_name="xxai")


__all__ = ["SETTINGS", "cli", "main"]
