"""``xxai gloss``, ``xxai convert`` and ``xxai reply``: the learning aids."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

import click

from xxai.cli.common import (
    handle_errors,
    home_option,
    print_json,
    read_text,
    service_for,
    settings_options,
)
from xxai.errors import InputError
from xxai.learn.convert import REGIONS
from xxai.learn.hsk import DEFAULT_STANDARD, STANDARDS

if TYPE_CHECKING:
    from xxai.learn.reply import Reply

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    """Add gloss, convert and reply to the ``xxai`` group."""
    for command in (gloss, convert, reply):
        cli.add_command(command)


@click.command()
@click.argument("text", required=False)
@click.option("--numbers", is_flag=True, help="Numbered tones (yin2hang2) instead of marks.")
@click.option("--json", "as_json", is_flag=True, help="Print every word as JSON.")
@click.option("--html", "as_html", is_flag=True, help="Print an HTML page with ruby pinyin.")
@click.option(
    "--hsk",
    "hsk_standard",
    type=click.Choice(STANDARDS),
    default=DEFAULT_STANDARD,
    show_default=True,
    help="HSK word list: 2025 exam syllabus, 2021 grading standard, or the old 2.0 lists.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "de", "zh"]),
    default="en",
    show_default=True,
    help="Language of slang meanings (dictionary glosses are English).",
)
@click.option(
    "--scripts",
    "both_scripts",
    is_flag=True,
    help="Also show each word in the other script (traditional for simplified text).",
)
@home_option
@handle_errors
def gloss(
    text: str | None,
    numbers: bool,
    as_json: bool,
    as_html: bool,
    hsk_standard: str,
    lang: str,
    both_scripts: bool,
    home: str | None,
) -> None:
    """Gloss Chinese TEXT word by word: pinyin, meaning, slang and HSK level.

    Words are cut with jieba, slang from the glossary stays one unit, and each word gets
    the pinyin of the word it is in (银行 yínháng, 行走 xíngzǒu), its CC-CEDICT meaning,
    the glossary's meaning where it is slang, and its HSK level. Simplified and
    traditional text both work.

    \b
    Examples:
      xxai gloss "我们去银行取钱，然后去长城。"
      xxai gloss "这家店yyds，绝绝子！" --numbers
      xxai gloss "家人们谁懂啊" --json
      xxai gloss --html < post.txt > post.html
    """
    if as_json and as_html:
        raise InputError("choose one of --json and --html")
    from xxai.learn.render import render_html, render_lines

    result = service_for({"home": home}).gloss(read_text(text), hsk_standard)
    if not any(w.kind == "zh" for w in result.words):
        click.echo("(no Chinese words in the text)", err=True)
    if as_json:
        print_json(result.to_json(numbers))
    elif as_html:
        click.echo(render_html(result, numbers, lang), nl=False)
    else:
        width = shutil.get_terminal_size((100, 24)).columns
        click.echo(render_lines(result, numbers, lang, width, both_scripts))


@click.command()
@click.argument("text", required=False)
@click.option(
    "--to",
    "target",
    required=True,
    help="zh-Hant (traditional) or zh-Hans / zh (simplified).",
)
@click.option(
    "--region",
    type=click.Choice(REGIONS),
    default="tw",
    show_default=True,
    help="Regional phrasing: Taiwan, Hong Kong, or characters only.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def convert(text: str | None, target: str, region: str, as_json: bool) -> None:
    """Convert Chinese TEXT between simplified and traditional script (OpenCC).

    With --region tw (the default) words follow Taiwan usage too (软件 -> 軟體,
    出租车 -> 計程車); hk uses Hong Kong forms (鼠标 -> 滑鼠); none converts characters
    only. Translations into zh-Hant use the Taiwan form.

    \b
    Examples:
      xxai convert "我的软件和鼠标" --to zh-Hant
      xxai convert "我的软件和鼠标" --to zh-Hant --region hk
      xxai convert "軟體和滑鼠" --to zh-Hans
      xxai convert --to zh-Hant < post.txt > post-tw.txt
    """
    result = service_for({}).convert(read_text(text), target, region)
    if as_json:
        print_json(result)
        return
    click.echo(result["converted"])


@click.command()
@click.argument("text", required=False)
@click.option("--to", "target", default="zh", show_default=True, help="Reply language.")
@click.option("--from", "source", default="auto", show_default=True, help="Your language.")
@click.option(
    "--tone",
    type=click.Choice(["casual", "polite"]),
    default="casual",
    show_default=True,
    help="casual may use glossary slang; polite stays standard.",
)
@click.option("--numbers", is_flag=True, help="Numbered tones in the pinyin line.")
@click.option("--json", "as_json", is_flag=True, help="Print the structured result as JSON.")
@click.option("--speak", is_flag=True, help="Also read the reply aloud (espeak-ng).")
@settings_options
@handle_errors
def reply(
    text: str | None,
    target: str,
    source: str,
    tone: str,
    numbers: bool,
    as_json: bool,
    speak: bool,
    **kwargs: Any,
) -> None:
    """Write TEXT as a natural reply in another language, to check before you post.

    You get the reply, its pinyin (for Chinese), and a back-translation into your own
    language. In a casual tone the reply may use internet slang from the glossary, and
    the slang it used is listed with its meaning.

    \b
    Examples:
      xxai reply "this hotpot looks amazing, where is it?" --to zh
      xxai reply "thank you for the warm welcome" --to zh --tone polite
      xxai reply "欢迎来小红书！" --to en
      xxai reply "das sieht super aus" --to zh-Hant --json
      xxai reply "see you tomorrow" --to zh --speak
    """
    service = service_for(kwargs)
    result = service.reply(read_text(text), target, tone, source, numbers)
    if as_json:
        print_json(result.to_json())
    else:
        _print_reply(result)
    if speak:
        from xxai.cli.words import play

        clip = service.say(result.reply, result.target_lang)
        if not play(clip.path):
            click.echo(f"no audio player found; the clip is {clip.path}", err=True)


def _print_reply(result: Reply) -> None:
    click.echo(result.reply)
    if result.pinyin:
        click.echo(result.pinyin)
    click.echo(f"↳ {result.source_lang}: {result.back_translation}")
    for term in result.terms:
        pinyin = f" ({term.pinyin})" if term.pinyin else ""
        click.echo(f"slang used: {term.term}{pinyin}: {term.meaning}")
    if result.note:
        click.echo(f"({result.note})", err=True)
