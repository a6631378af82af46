"""Export the word list to an Anki deck (``.apkg`` through genanki) or to CSV.

Each word becomes one note of the "xxai word" note type (word, pinyin, meaning, sentence,
its translation, HSK level, the word's audio) with two cards: word -> meaning and
meaning -> word. Anki renders fields as HTML, so every field is escaped. Note ids are stable
(a hash of the word and its language), so importing a newer export updates the notes
instead of duplicating them.
"""

from __future__ import annotations

import csv
import html
import io
import logging
from collections.abc import Sequence
from pathlib import Path

from xxai.errors import SpeechError, WordListError
from xxai.learn.audio import Speaker
from xxai.learn.words import SavedWord

__all__ = ["CSV_COLUMNS", "DECK_ID", "MODEL_ID", "to_apkg", "to_csv"]

log = logging.getLogger(__name__)

# Fixed ids: Anki recognises the same note type and deck on every import.
MODEL_ID = 1_739_160_016
DECK_ID = 1_739_160_017
CSV_COLUMNS = ("word", "pinyin", "meaning", "sentence", "translation", "traditional", "hsk")

_CSS = """
.card { font-family: "Noto Sans CJK SC", "PingFang SC", sans-serif; font-size: 22px;
        text-align: center; }
.word { font-size: 48px; }
.pinyin { color: #555; }
.sentence { font-size: 20px; margin-top: 1em; }
.translation { font-size: 16px; color: #555; }
.hsk { font-size: 12px; color: #777; }
""".strip()

_FRONT = '<div class="word">{{Word}}</div>'
_BACK = (
    '{{FrontSide}}<hr id="answer"><div class="pinyin">{{Pinyin}}</div>{{Audio}}'
    "<div>{{Meaning}}</div>"
    '{{#Sentence}}<div class="sentence">{{Sentence}}</div>{{/Sentence}}'
    '{{#Translation}}<div class="translation">{{Translation}}</div>{{/Translation}}'
    '{{#HSK}}<div class="hsk">{{HSK}}</div>{{/HSK}}'
)


def _model() -> object:
    import genanki

    return genanki.Model(
        MODEL_ID,
        "xxai word",
        fields=[
            {"name": name}
            for name in ("Word", "Pinyin", "Meaning", "Sentence", "Translation", "HSK", "Audio")
        ],
        templates=[
            {"name": "Recognise", "qfmt": _FRONT, "afmt": _BACK},
            {
                "name": "Recall",
                "qfmt": "<div>{{Meaning}}</div>",
                "afmt": '{{FrontSide}}<hr id="answer">' + _FRONT + '<div class="pinyin">'
                "{{Pinyin}}</div>{{Audio}}",
            },
        ],
        css=_CSS,
    )


def _audio(word: SavedWord, speaker: Speaker | None) -> Path | None:
    if speaker is None or not speaker.available():
        return None
    try:
        return speaker.speak(word.word, word.lang).path
    except SpeechError as exc:
        log.warning("no audio for %r: %s", word.word, exc)
        return None


def to_apkg(
    words: Sequence[SavedWord], path: Path, speaker: Speaker | None = None, deck: str = "xxai"
) -> int:
    """Write ``words`` as an Anki package at ``path`` (audio when espeak-ng is there).

    Returns how many notes carry audio.
    """
    import genanki

    if not words:
        raise WordListError("the word list is empty: save some words first")
    from xxai.learn.hsk import hsk_label

    model = _model()
    anki_deck = genanki.Deck(DECK_ID, deck)
    media: list[str] = []
    for word in words:
        clip = _audio(word, speaker)
        sound = ""
        if clip is not None:
            media.append(str(clip))
            sound = f"[sound:{clip.name}]"
        fields = [
            html.escape(word.word),
            html.escape(word.pinyin),
            html.escape(word.meaning),
            html.escape(word.sentence),
            html.escape(word.translation),
            html.escape(hsk_label(word.hsk)),
            sound,
        ]
        note = genanki.Note(model=model, fields=fields, guid=genanki.guid_for(word.word, word.lang))
        anki_deck.add_note(note)
    package = genanki.Package(anki_deck)
    package.media_files = media
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        package.write_to_file(str(path))
    except OSError as exc:
        raise WordListError(f"cannot write {path}: {exc}") from None
    return len(media)


def to_csv(words: Sequence[SavedWord]) -> str:
    """Return the words as CSV text with a header row (UTF-8, Excel- and Anki-importable)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for word in words:
        row = ["" if (v := getattr(word, name)) is None else str(v) for name in CSV_COLUMNS]
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow(["'" + cell if cell and cell[0] in "=+-@" else cell for cell in row])
    return buffer.getvalue()
