"""``xxai jobs submit|status|result`` and ``xxai worker``: file translations as queued jobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from xxai.batch import Rejected, read_rows
from xxai.cli.common import err, handle_errors, out, print_json, service_for, settings_options
from xxai.records import detect_format

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    """Add the ``jobs`` group and ``worker`` to the ``xxai`` group."""
    cli.add_command(jobs)
    cli.add_command(worker)


@click.group()
def jobs() -> None:
    """Queue large file translations in PostgreSQL (setting database_url) for workers."""


@jobs.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--to", "target", required=True, help="Target language.")
@click.option("--from", "source", default="auto", show_default=True, help="Source language.")
@click.option("--field", default="text", show_default=True, help="The field to translate.")
@click.option(
    "--context-field",
    metavar="FIELD",
    help="A field read as each row's context, not translated (e.g. the note's title).",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Queue the good rows and list the bad ones (not valid JSON/CSV/UTF-8, or without "
    "--field) with their lines, instead of queueing nothing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
@handle_errors
def submit(
    file: Path,
    target: str,
    source: str,
    field: str,
    context_field: str | None,
    skip_bad: bool,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Queue the translation of FILE (JSONL, JSON or CSV); print the job's id.

    A comment reads better with what it replies to: --context-field names the column
    that holds it (the note's title, the parent comment), read by the engine and never
    translated. A bad row stops the submission, naming its line, unless --skip-bad.
    """
    rejected: list[Rejected] | None = [] if skip_bad else None
    records = read_rows(file, detect_format(file), field, rejected)
    job = service_for(kwargs).job_submit(records, field, target, source, context_field)
    bad = rejected or []
    if as_json:
        left = [{"line": r.line, "error": r.error} for r in bad]
        print_json({"id": job, "rows": len(records), "rejected": left})
        return
    out.print(f"job {job}: {len(records)} rows queued; run `xxai worker` to work on it")
    if bad:
        err.print(f"[yellow]{len(bad)} bad rows left out:[/]")
        for r in bad:
            err.print(f"  line {r.line}: {escape(r.error)}")


@jobs.command()
@click.argument("job", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
@handle_errors
def status(job: int, as_json: bool, **kwargs: Any) -> None:
    """Show a job's progress."""
    state = service_for(kwargs).job_status(job)
    if as_json:
        print_json(state.to_json())
    else:
        out.print(f"job {state.id}: {state.done}/{state.total} rows, {state.state}")


@jobs.command()
@click.argument("job", type=int)
@settings_options
@handle_errors
def result(job: int, **kwargs: Any) -> None:
    """Print a job's rows with their translations as JSON Lines, in input order."""
    for row in service_for(kwargs).job_results(job):
        click.echo(json.dumps(row, ensure_ascii=False))


@click.command()
@click.option("--once", is_flag=True, help="Stop when the queue is empty instead of waiting.")
@settings_options
@handle_errors
def worker(once: bool, **kwargs: Any) -> None:
    """Work on queued jobs (any number of workers, on any machines, on one database)."""
    service_for(kwargs).run_worker(wait=not once)
