"""``xxai db migrate`` and ``xxai db status``: the schema of the configured database."""

from __future__ import annotations

from typing import Any

import click

from xxai.cli.common import handle_errors, out, print_json, service_for, settings_options

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    """Add the ``db`` group to the ``xxai`` group."""
    cli.add_command(db)


@click.group()
def db() -> None:
    """The database: SQLite in XXAI_HOME, or PostgreSQL when database_url is set."""


@db.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
@handle_errors
def status(as_json: bool, **kwargs: Any) -> None:
    """Show the schema version and the migrations not yet applied."""
    state = service_for(kwargs).db_status()
    if as_json:
        print_json(state)
        return
    where = state.get("path") or state.get("url")
    out.print(f"{state['backend']} ({where}): schema version {state['version']}")
    for item in state["pending"]:
        out.print(f"pending: {item['version']:04d} {item['name']}")
    if not state["pending"]:
        out.print("up to date")


@db.command()
@settings_options
@handle_errors
def migrate(**kwargs: Any) -> None:
    """Apply the pending migrations, each in one transaction."""
    applied = service_for(kwargs).db_migrate()
    for version, name in applied:
        out.print(f"applied {version:04d} {name}")
    out.print("up to date" if not applied else f"{len(applied)} migration(s) applied")
