"""``xxai explain`` and ``xxai glossary``: the slang glossary."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape

from xxai.cli.common import handle_errors, out, print_json, read_text, service_for

__all__ = ["register_commands"]


def _print_entry(entry: dict[str, Any]) -> None:
    head = f"[bold cyan]{entry['term']}[/]"
    if entry.get("pinyin"):
        head += f"  [green]{entry['pinyin']}[/]"
    if entry.get("register") and entry["register"] != "neutral":
        head += f"  [yellow]({entry['register']})[/]"
    if entry.get("source") == "cc-cedict":
        head += "  [dim]CC-CEDICT[/]"
    out.print(head)
    meaning = entry.get("meaning", {})
    for lang in ("en", "zh", "de"):
        if meaning.get(lang):
            out.print(f"  {lang}: {meaning[lang]}", markup=False)
    if entry.get("literal"):
        out.print(f"  literally: {entry['literal']}", markup=False)
    renderings = entry.get("renderings") or {}
    for lang in ("en", "zh", "de"):
        if renderings.get(lang):
            out.print(f"  say in {lang}: {', '.join(renderings[lang][:4])}", markup=False)
    if entry.get("origin"):
        out.print(f"  origin: {entry['origin']}", markup=False)
    example = entry.get("example") or {}
    if example.get("text"):
        out.print(f"  e.g. {example['text']} → {example.get('translation', '')}", markup=False)
    out.print()


_NAMES = {"en": "English", "zh": "Chinese", "de": "German"}


def _relation(entry: dict[str, Any], query: str) -> str:
    """Say how an entry found through a rendering relates to the query, else ''."""
    match = str(entry.get("match", ""))
    if not match.startswith("rendering ("):
        return ""
    said_in = _NAMES.get(match[len("rendering (") : -1], match)
    own = _NAMES.get(str(entry.get("lang", "")), "other")
    return f"{own} terms rendered in {said_in} as “{query}” (their {own} equivalents):"


def register_commands(cli: click.Group) -> None:
    """Add explain and glossary to the ``xxai`` group."""
    for command in (explain, glossary):
        cli.add_command(command)


@click.command()
@click.argument("term", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", default=5, show_default=True, help="Most entries to show.")
@handle_errors
def explain(term: str | None, as_json: bool, limit: int) -> None:
    """Explain slang, a meme, a pinyin abbreviation or a word.

    TERM is matched exactly, by variant (traditional script, case, full-width), by
    pinyin with or without tones, by meaning in any language, and fuzzily. Plain
    words fall back to the CC-CEDICT dictionary.

    \b
    Examples:
      xxai explain yyds
      xxai explain "yong yuan de shen"
      xxai explain "lying flat"        # -> 躺平
      xxai explain "no cap" --json
    """
    result = service_for({}).explain(read_text(term).strip(), limit)
    if as_json:
        print_json(result)
        return
    if not result["found"]:
        raise click.ClickException(f"nothing found for {result['query']!r}")
    headed: set[str] = set()
    for entry in result["entries"]:
        heading = _relation(entry, result["query"])
        if heading and heading not in headed:
            headed.add(heading)
            out.print(f"[bold]{escape(heading)}[/]")
        _print_entry(entry)


@click.group()
def glossary() -> None:
    """Inspect and check the slang glossary."""


@glossary.command("validate")
@handle_errors
def glossary_validate() -> None:
    """Check the glossary data: schema, duplicates, and that every term is detectable."""
    entries, problems = service_for({}).validate_glossary()
    for problem in problems:
        click.echo(problem, err=True)
    zh = sum(e.lang == "zh" for e in entries)
    click.echo(
        f"{len(entries)} entries ({zh} Chinese, {len(entries) - zh} English), "
        f"{len(problems)} problems"
    )
    if problems:
        raise SystemExit(1)


@glossary.command("list")
@click.option("--kind", help="Only this kind (initials, number, word, meme, …).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def glossary_list(kind: str | None, as_json: bool) -> None:
    """List glossary terms."""
    entries = service_for({}).glossary_entries(kind=kind or "")
    if as_json:
        print_json([e.to_json() for e in entries])
        return
    for e in entries:
        click.echo(f"{e.term}\t{e.kind}\t{e.renderings.get('en', [''])[0]}")
