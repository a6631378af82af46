"""``xxai models``, ``xxai config`` and ``xxai cache``: the installation and its state."""

from __future__ import annotations

from typing import Any

import click

from xxai.cli.common import (
    err,
    handle_errors,
    home_option,
    out,
    print_json,
    service_for,
    settings_options,
    table,
)
from xxai.config import SETTINGS

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    """Add models, config and cache to the ``xxai`` group."""
    for command in (models, config, cache):
        cli.add_command(command)


@click.command()
@click.option(
    "--join",
    "join_name",
    metavar="NAME",
    help="Join a known model's packaged parts now (normally done on first use).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@home_option
@handle_errors
def models(join_name: str | None, as_json: bool, home: str | None) -> None:
    """List known and installed models and their state."""
    service = service_for({"home": home})
    if join_name:
        err.print(f"ready: {service.join_model(join_name)}")
    states = service.models()
    current = service.settings.model
    if as_json:
        print_json([{**s.to_json(), "default": s.model.name == current} for s in states])
        return
    grid = table("model", "state", "description", "file")
    for s in states:
        mark = " (current)" if s.model.name == current else ""
        grid.add_row(s.model.name + mark, s.state, s.model.description, str(s.joined_path))
    out.print(grid)
    if current not in {s.model.name for s in states}:
        out.print(f"current model setting: {current}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--markdown", is_flag=True, help="Print the settings reference as Markdown.")
@settings_options
@handle_errors
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
    settings = service_for(kwargs).settings
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
        print_json(rows)
        return
    grid = table("setting", "value", "from", "env var", "what it does")
    for row in rows:
        grid.add_row(row["name"], str(row["value"]), row["source"], row["env"], row["help"])
    out.print(grid)
    out.print(f"config file: {settings.home / 'config.toml'}")


@click.group()
def cache() -> None:
    """Inspect or clear the translation memory."""


@cache.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
@handle_errors
def cache_stats(as_json: bool, **kwargs: Any) -> None:
    """Show how many translations the memory holds."""
    stats = service_for(kwargs).cache_stats()
    if as_json:
        print_json(stats.to_json())
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
@home_option
@handle_errors
def cache_clear(only_engine: str | None, yes: bool, home: str | None) -> None:
    """Delete cached translations."""
    service = service_for({"home": home})
    if not yes:
        click.confirm("Delete cached translations?", abort=True, err=True)
    removed = service.cache_clear(only_engine)
    click.echo(f"removed {removed} translations")
