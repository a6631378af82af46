"""``xxai explain`` and ``xxai glossary``: the slang glossary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from xxai.cli.common import handle_errors, out, print_json, read_text, service_for

if TYPE_CHECKING:
    from xxai.slang.glossary import Entry
    from xxai.slang.user import GlossaryChange

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
    said = {text for text in meaning.values() if text}
    if len(said) == 1 and len(meaning) > 1:
        out.print(f"  {said.pop()}", markup=False)  # one meaning written for every language
    else:
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
    """Inspect and check the slang glossary, and keep your own terms.

    Your terms live in a TOML file (setting glossary_file, default glossary.toml in the
    xxai home folder), merged over the shipped glossary: a term the shipped glossary has
    takes your renderings and meaning, any other term is added. Translation, explain,
    search and gloss all use the merged glossary.

    \b
    Examples:
      xxai glossary add 小红书 --en RedNote --de RedNote
      xxai glossary list --mine
      xxai glossary remove 小红书
      xxai glossary validate
    """


def _terms_line(entries: list[Entry], path: Path) -> str:
    mine = [e for e in entries if e.source_file == str(path)]
    counts = Counter(e.lang for e in entries)
    langs = ", ".join(f"{counts[c]} {_NAMES[c]}" for c in ("zh", "en", "de") if counts[c])
    line = f"{len(entries)} entries ({langs})"
    if mine:
        line += f", {len(mine)} of them from your glossary {path}"
    return line


@glossary.command("validate")
@handle_errors
def glossary_validate() -> None:
    """Check the shipped data and your glossary file: schema, duplicates, that every term
    is detectable. A malformed file of yours is named with its line."""
    service = service_for({})
    entries, problems = service.validate_glossary()
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{_terms_line(entries, service.user_glossary_path())}, {len(problems)} problems")
    if problems:
        raise SystemExit(1)


@glossary.command("list")
@click.option("--kind", help="Only this kind (initials, number, word, meme, …).")
@click.option("--mine", is_flag=True, help="Only the terms of your glossary file (as merged).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def glossary_list(kind: str | None, mine: bool, as_json: bool) -> None:
    """List glossary terms: term, kind and first English rendering.

    \b
    Examples:
      xxai glossary list --kind initials
      xxai glossary list --mine            # what you added or changed
    """
    service = service_for({})
    entries = service.glossary_entries(kind=kind or "", mine=mine)
    if as_json:
        print_json([e.to_json() for e in entries])
        return
    if mine:
        path = service.user_glossary_path()
        if not entries:
            where = "is empty" if path.exists() else "does not exist yet"
            click.echo(f"your glossary {path} {where}; add a term with `xxai glossary add`")
            return
        count = f"{len(entries)} term" + ("s" if len(entries) != 1 else "")
        click.echo(f"{count} from your glossary {path}", err=True)
    for e in entries:
        first = (e.renderings.get("en") or next(iter(e.renderings.values()), [""]))[0]
        click.echo(f"{e.term}\t{e.kind}\t{first}")


@glossary.command("add")
@click.argument("term")
@click.option("--en", multiple=True, help="How to render it in English (repeat for more).")
@click.option("--zh", multiple=True, help="How to render it in Chinese (repeat for more).")
@click.option("--de", multiple=True, help="How to render it in German (repeat for more).")
@click.option("--meaning", default="", help="What it means (shown in the notes and by explain).")
@click.option(
    "--lang",
    default="",
    help="The term's own language: zh, en or de [default: zh for Chinese characters, else en].",
)
@click.option("--variant", "variants", multiple=True, help="Another spelling (repeat for more).")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@handle_errors
def glossary_add(
    term: str,
    en: tuple[str, ...],
    zh: tuple[str, ...],
    de: tuple[str, ...],
    meaning: str,
    lang: str,
    variants: tuple[str, ...],
    as_json: bool,
) -> None:
    """Add TERM to your glossary, or update it, with how to render it.

    Give at least one rendering. The first rendering of a language is the one translations
    use; translations into that language are checked for one of them, as for shipped
    terms. Adding a term again updates it: the languages you give replace its renderings
    there, the others stay. A term the shipped glossary has keeps its other details
    (pinyin, origin) and takes your renderings and meaning. Into a language the term has
    no rendering for, the English one is used.

    \b
    Examples:
      xxai glossary add 小红书 --en RedNote --de RedNote
      xxai glossary add "Digga" --lang de --en dude --en bro --zh 兄弟
      xxai glossary add 躺平 --en "checking out" --meaning "Opting out of the rat race"
      xxai glossary add 张伟 --en "Zhang Wei" --variant 張偉
    """
    if not (en or zh or de):
        raise click.UsageError("give at least one rendering: --en, --zh or --de")
    renderings = {code: list(values) for code, values in (("en", en), ("zh", zh), ("de", de))}
    change = service_for({}).add_glossary_term(term, renderings, meaning, lang, variants)
    _report(change, as_json)


@glossary.command("remove")
@click.argument("term")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@handle_errors
def glossary_remove(term: str, as_json: bool) -> None:
    """Remove TERM from your glossary (any of its spellings names it).

    A shipped term you had changed gets its shipped renderings back; shipped terms
    themselves cannot be removed.

    \b
    Example:
      xxai glossary remove 小红书
    """
    _report(service_for({}).remove_glossary_term(term), as_json)


def _report(change: GlossaryChange, as_json: bool) -> None:
    if as_json:
        print_json(change.to_json())
        return
    where = {"added": "to", "updated": "in", "removed": "from"}[change.action]
    line = f"{change.action} {change.term} {where} {change.path}"
    if change.shipped and change.action == "removed":
        line += f" (the shipped entry {change.shipped} applies again)"
    elif change.shipped:
        line += f" (over the shipped entry {change.shipped})"
    click.echo(line)
