"""The ``xxai`` command line: parse, call one :class:`~xxai.service.Service` method, print.

Commands come from the ``xxai.commands`` entry-point group, the built-in ones exactly as a
plugin's would: each entry point names a ``register_commands(cli)`` function that adds its
commands to the group (the model is datasette's ``register_commands`` hook). A plugin adds
commands by declaring, in its own pyproject.toml::

    [project.entry-points."xxai.commands"]
    mine = "my_package.commands:register_commands"

Tests inject a service through click's context object:
``CliRunner().invoke(cli, args, obj=service)``.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

import click

from xxai import __version__

__all__ = ["GROUP", "cli", "main"]

GROUP = "xxai.commands"

log = logging.getLogger(__name__)


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


def _register_commands() -> None:
    """Let every entry point of the ``xxai.commands`` group add its commands."""
    found = sorted(entry_points(group=GROUP), key=lambda ep: ep.name)
    if not any(ep.value.startswith("xxai.cli.") for ep in found):
        # Entry points live in the installed metadata: a checkout whose pyproject gained
        # them needs `pip install -e .` again before the commands appear.
        click.echo(
            "xxai: its built-in commands are not registered; reinstall it "
            "(pip install -e . --no-deps in a checkout)",
            err=True,
        )
    for ep in found:
        ep.load()(cli)


_register_commands()


def main() -> None:
    """Run the command line."""
    cli(prog_name="xxai")
