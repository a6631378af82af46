"""``xxai import``, ``xxai search`` and ``xxai index``: the post collection."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.text import Text

from xxai.cli.common import (
    err,
    handle_errors,
    out,
    print_json,
    progress,
    service_for,
    settings_options,
)

if TYPE_CHECKING:
    from xxai.search.query import SearchResponse, SearchResult

__all__ = ["register_commands"]

_MAX_ERRORS_SHOWN = 20


def register_commands(cli: click.Group) -> None:
    """Add import, search and index to the ``xxai`` group."""
    for name, func in (
        ("import", import_command),
        ("search", search_command),
        ("index", index_command),
    ):
        cli.add_command(click.command(name)(settings_options(handle_errors(func))))


@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    default="generic",
    show_default=True,
    type=click.Choice(["generic", "rednote", "twitter"]),
    help="Field mapping for a common export shape (see Presets above).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=PATH[,PATH]",
    help="Map one of our fields (id, text, title, url, author, created_at, lang, tags, "
    "metrics) to a field of the file; dotted paths reach nested fields "
    "(user.screen_name); repeatable.",
)
@click.option("--source", help="Platform label stored with the posts (default: the preset's).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv"]),
    help="File format when the extension does not tell.",
)
@click.option(
    "--no-embed",
    is_flag=True,
    help="Skip embeddings (fast; keyword search only until `xxai index`).",
)
@click.option("--chunk-size", default=256, show_default=True, hidden=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
def import_command(
    file: Path,
    preset: str,
    maps: tuple[str, ...],
    source: str | None,
    fmt: str | None,
    no_embed: bool,
    chunk_size: int,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Import posts from a JSON Lines, JSON array or CSV FILE into the search database.

    Re-importing a file updates its posts and never duplicates them (a post is known by its
    source and id; rows without an id get one from their text). A malformed row is reported
    with its line number and skipped. Posts are indexed as they are imported.

    \b
    Presets (our field: the file's fields tried in order):
      generic  id: id; text: text, content, body; title, url, author, created_at,
               lang, tags, metrics by those names
      rednote  id: note_id; text: desc; title; tags: tag_list; author: nickname;
               created_at: time (ms); metrics: liked_count, collected_count, ...
      twitter  id: id_str, id; text: full_text, text; author: user.screen_name;
               created_at; lang; tags: entities.hashtags; metrics: favorite_count, ...

    \b
    Examples:
      xxai import notes.jsonl --preset rednote
      xxai import tweets.json --preset twitter
      xxai import posts.csv --map text=body --map id=post_id --source forum
    """
    from xxai.search.importer import parse_mapping

    service = service_for(kwargs)
    mapping = parse_mapping(list(maps))
    with progress("importing") as advance:
        report = service.import_file(
            file, preset, mapping, source, fmt, not no_embed, chunk_size, advance
        )
    store = service.store()
    if as_json:
        print_json({"file": str(report.path), **report.to_json(store.count())})
        return
    for line, message in report.errors[:_MAX_ERRORS_SHOWN]:
        err.print(f"[yellow]skipped[/] line {line}: {escape(message)}", highlight=False)
    if report.skipped > _MAX_ERRORS_SHOWN:
        err.print(f"… and {report.skipped - _MAX_ERRORS_SHOWN} more skipped rows")
    err.print(
        f"{report.inserted} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.skipped} skipped → {store.count()} posts in {store.location}"
    )


@click.argument("query")
@click.option(
    "--lang",
    help="Translate results into this language (default: setting search_lang, else the "
    "query's language).",
)
@click.option("--limit", type=int, help="How many results (setting: search_limit).")
@click.option(
    "--web/--no-web",
    default=None,
    help="Also search the web through SearXNG (default: on when searxng_url is set).",
)
@click.option(
    "--translate-query/--no-translate-query",
    default=None,
    help="Also search with the query's translation (setting: search_translate).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search_command(
    query: str,
    lang: str | None,
    limit: int | None,
    web: bool | None,
    translate_query: bool | None,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Search imported posts, the slang glossary and the web in any language.

    The query also runs as its translation into the collection's other languages and as
    its glossary expansions ("lying flat" → 躺平); keyword and semantic matches are merged.

    \b
    Examples:
      xxai search "lying flat" --lang en
      xxai search 猫 --limit 5 --json
      xxai search "best hotpot" --web --lang en
    """
    service = service_for(kwargs)
    response = service.search(
        query, lang=lang, limit=limit, web=web, translate_query=translate_query
    )
    if as_json:
        print_json(response.to_json())
        return
    _print_response(response)


def _print_response(response: SearchResponse) -> None:
    for card in response.glossary:
        _print_card(card)
    others = [f for f in response.forms if f.kind != "query"]
    if others:
        also = ", ".join(f"{f.text} ({f.kind})" for f in others)
        err.print(Text(f"also searched: {also}", style="dim"))
    if not response.results:
        out.print("no results")
    for number, result in enumerate(response.results, start=1):
        _print_result(number, result, out, Text)
    for notice in response.notices:
        err.print(Text(f"note: {notice}", style="yellow"))


def _print_card(card: dict[str, Any]) -> None:
    # Plain lines, not a panel: the console soft-wraps, and a panel would crop them.
    head = Text(card.get("term", ""), style="bold cyan")
    if card.get("pinyin"):
        head.append(f"  {card['pinyin']}", style="cyan")
    kind = " · ".join(x for x in ("glossary", card.get("kind"), card.get("register")) if x)
    head.append(f"  ({kind})", style="dim")
    out.print(head)
    meaning = card.get("meaning", {})
    for lang in ("en", "zh", "de"):
        if meaning.get(lang):
            out.print(Text(f"  {lang}: ", style="dim").append(meaning[lang], style=""))
    renderings = card.get("renderings", {}).get("en", [])
    if renderings:
        out.print(Text("  say: ", style="dim").append(", ".join(renderings[:3]), style=""))
    out.print()


def _marked(text: str, spans: list[tuple[int, int]], text_cls: Any) -> Any:
    rendered = text_cls(text)
    for start, end in spans:
        rendered.stylize("bold yellow", start, end)
    return rendered


def _print_result(number: int, result: SearchResult, out: Any, text_cls: Any) -> None:
    head = text_cls(f"{number:>2}. ", style="bold")
    head.append(f"[{result.lang}] ", style="magenta")
    if result.title and result.title not in result.snippet:
        head.append(result.title + " — ", style="bold")
    head.append_text(_marked(result.snippet, result.highlights, text_cls))
    out.print(head)
    if result.translation is not None:
        line = text_cls("    → ", style="green")
        line.append_text(
            _marked(result.translation_snippet, result.translation_highlights, text_cls)
        )
        out.print(line)
    source = "" if result.source == "generic" else result.source
    meta = [source, f"@{result.author}" if result.author else "", result.created_at[:10]]
    detail = " · ".join(m for m in meta if m)
    out.print(text_cls(f"    {detail}  {result.url}".rstrip(), style="dim"))
    if result.why:
        out.print(text_cls(f"    why: {'; '.join(result.why)}", style="dim"))


@click.option(
    "--rebuild",
    is_flag=True,
    help="Drop the full-text index and embeddings and build them again from scratch.",
)
@click.option("--json", "as_json", is_flag=True, help="Print index statistics as JSON.")
def index_command(rebuild: bool, as_json: bool, **kwargs: Any) -> None:
    """Bring the search index up to date, or rebuild it with --rebuild.

    Without --rebuild, posts missing from the full-text index or lacking an embedding of the
    current model (imported with --no-embed, or after a model change) are indexed.
    """
    service = service_for(kwargs)
    with progress("rebuilding" if rebuild else "indexing") as advance:
        report, stats = service.index(rebuild, advance)
    if as_json:
        print_json(stats)
        return
    err.print(
        f"{'rebuilt' if rebuild else 'indexed'} {report.posts} posts; {stats['posts']} posts, "
        f"{stats['embeddings']} embedded ({stats['embed_model']}), "
        f"{stats['size_bytes'] / 1e6:.1f} MB in {stats['path']}"
    )
