"""The learner's commands: ``xxai say`` and ``xxai words add/list/search/delete/export``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import click

from xxai.cli.common import (
    err,
    handle_errors,
    out,
    print_json,
    read_text,
    service_for,
    settings_options,
    table,
)
from xxai.errors import InputError

__all__ = ["play", "register_commands"]


def play(path: Path) -> bool:
    """Play a WAV file with the first player found; return False when there is none."""
    for player in ("aplay", "paplay", "pw-play", "afplay"):
        found = shutil.which(player)
        if found:
            subprocess.run([found, "-q", str(path)] if player == "aplay" else [found, str(path)])
            return True
    return False


def register_commands(cli: click.Group) -> None:
    """Add ``say`` and the ``words`` group to the ``xxai`` group."""
    for command in (say, words):
        cli.add_command(command)


@click.command()
@click.argument("text", required=False)
@click.option("--lang", default="auto", show_default=True, help="zh, zh-Hant, en, de or auto.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the WAV file here instead of playing it.",
)
@settings_options
@handle_errors
def say(text: str | None, lang: str, output: Path | None, **kwargs: Any) -> None:
    """Read TEXT aloud offline (espeak-ng; Mandarin voice for Chinese).

    Without --output the clip is played (aplay, paplay or pw-play) and its path printed.

    \b
    Examples:
      xxai say 你好
      xxai say "家人们谁懂啊" -o jiarenmen.wav
      xxai say "no cap" --lang en
    """
    raw = read_text(text)
    if not raw.strip():
        raise InputError("nothing to say: the text is empty")
    service = service_for(kwargs)
    lang = lang if lang == "auto" else service.normalize_lang(lang)
    clip = service.say(raw, lang)
    if output is not None:
        output.write_bytes(clip.read())
        click.echo(f"{output} ({clip.voice})")
        return
    if not play(clip.path):
        err.print("no audio player found (aplay, paplay); the clip is saved:")
    click.echo(str(clip.path))


@click.group()
def words() -> None:
    """Keep a word list (with pinyin, meaning and sentence) and export it to Anki."""


@words.command("add")
@click.argument("word")
@click.option("--meaning", help="Meaning (default: from the dictionary or glossary).")
@click.option("--pinyin", help="Pinyin (default: the reading `xxai gloss` gives).")
@click.option("--sentence", help="The sentence the word came from.")
@click.option("--translation", help="The sentence's translation.")
@click.option("--json", "as_json", is_flag=True, help="Print the saved word as JSON.")
@settings_options
@handle_errors
def words_add(
    word: str,
    meaning: str | None,
    pinyin: str | None,
    sentence: str | None,
    translation: str | None,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Save WORD (or update it) with its pinyin, meaning and source sentence.

    \b
    Examples:
      xxai words add 躺平
      xxai words add 画得 --sentence "他画得很好" --translation "He draws well"
    """
    service = service_for(kwargs)
    saved = service.save_word(
        word,
        meaning=meaning,
        pinyin=pinyin,
        sentence=sentence,
        translation=translation,
        source="cli",
    )
    if as_json:
        print_json(saved.to_json())
        return
    click.echo(f"saved {saved.word} {saved.pinyin} · {saved.meaning}".rstrip(" ·"))


def _show(found: list[Any], as_json: bool, total: int) -> None:
    if as_json:
        print_json({"count": total, "words": [w.to_json() for w in found]})
        return
    if not found:
        err.print("no words (save one with `xxai words add WORD`)")
        return

    grid = table("id", "word", "pinyin", "meaning", "sentence")
    for w in found:
        grid.add_row(str(w.id), w.word, w.pinyin, w.meaning, w.sentence)
    out.print(grid)


@words.command("list")
@click.option("--limit", type=click.IntRange(1), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
@handle_errors
def words_list(limit: int, as_json: bool, **kwargs: Any) -> None:
    """List saved words, newest first."""
    found, total = service_for(kwargs).find_words("", limit)
    _show(found, as_json, total)


@words.command("search")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
@handle_errors
def words_search(query: str, as_json: bool, **kwargs: Any) -> None:
    """Find saved words by spelling, pinyin, meaning or sentence."""
    found, _total = service_for(kwargs).find_words(query)
    _show(found, as_json, len(found))


@words.command("delete")
@click.argument("word")
@settings_options
@handle_errors
def words_delete(word: str, **kwargs: Any) -> None:
    """Delete WORD (its spelling, or the id `xxai words list` shows)."""
    removed = service_for(kwargs).delete_word(word)
    if not removed:
        raise InputError(f"{word!r} is not in the word list")
    click.echo(f"deleted {word}")


@words.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["apkg", "csv"]),
    help="Anki package or CSV (default: from the file name, else apkg).",
)
@settings_options
@handle_errors
def words_export(path: Path, fmt: str | None, **kwargs: Any) -> None:
    """Export the word list to an Anki deck (.apkg, with audio) or a CSV file.

    \b
    Examples:
      xxai words export words.apkg     # import into Anki: File > Import
      xxai words export words.csv
    """
    chosen = fmt or ("csv" if path.suffix.lower() == ".csv" else "apkg")
    count = service_for(kwargs).export_words(path, chosen)
    click.echo(f"exported {count} word{'' if count == 1 else 's'} to {path}")
