"""Speech with espeak-ng, the word list, and its Anki and CSV exports."""

from __future__ import annotations

import shutil
import sqlite3
import wave
import zipfile
from pathlib import Path

import pytest

from xxai.errors import InputError, SpeechError
from xxai.learn.anki import to_apkg, to_csv
from xxai.learn.audio import Speaker
from xxai.learn.words import WordList

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (scripts/setup.sh)"
)


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as clip:
        return clip.getnframes() / clip.getframerate()


@needs_espeak
def test_speaker_reads_mandarin_into_a_wav_and_reuses_it(tmp_path: Path) -> None:
    speaker = Speaker(tmp_path / "audio")
    clip = speaker.speak("家人们谁懂啊", "zh")
    assert clip.voice == "cmn"
    # A real clip of six syllables lasts a second or more; its header has the true size.
    assert 1.0 < _seconds(clip.path) < 10.0
    again = speaker.speak("家人们谁懂啊", "zh")
    assert again.path == clip.path and len(list((tmp_path / "audio").iterdir())) == 1


@needs_espeak
def test_a_text_that_looks_like_an_option_is_only_spoken(tmp_path: Path) -> None:
    clip = Speaker(tmp_path / "audio").speak("-w /tmp/evil.wav; rm -rf /", "en")
    assert _seconds(clip.path) > 0.5
    assert not Path("/tmp/evil.wav").exists()


def test_missing_espeak_is_a_clear_error(tmp_path: Path) -> None:
    speaker = Speaker(tmp_path / "audio", program="espeak-ng-not-here")
    with pytest.raises(SpeechError, match="espeak-ng-not-here is not installed; install it"):
        speaker.speak("你好", "zh")
    with pytest.raises(InputError, match="nothing to say"):
        speaker.speak("   ", "zh")
    with pytest.raises(InputError, match="no voice for language"):
        speaker.speak("hola", "es")


def test_word_list_saves_updates_searches_and_deletes(tmp_path: Path) -> None:
    words = WordList(tmp_path / "words.sqlite")
    words.add("躺平", pinyin="tǎngpíng", meaning="lie flat", sentence="我决定躺平了")
    words.add("躺平", meaning="opt out of the rat race")  # a second save updates
    words.add("no cap", meaning="no lie")
    assert words.count() == 2
    saved = words.get("躺平")
    assert saved is not None
    assert saved.meaning == "opt out of the rat race" and saved.sentence == "我决定躺平了"
    assert saved.lang == "zh" and words.get("no cap").lang == "en"  # type: ignore[union-attr]
    assert [w.word for w in words.search("tǎng")] == ["躺平"]
    assert [w.word for w in words.search("100%")] == []  # % is literal, not a wildcard
    assert words.delete("躺平") == 1 and words.delete("躺平") == 0
    assert [w.word for w in words.entries()] == ["no cap"]
    with pytest.raises(InputError, match="give a word"):
        words.add("  ")


def test_apkg_is_an_anki_collection_holding_the_note(tmp_path: Path) -> None:
    words = WordList(tmp_path / "words.sqlite")
    words.add("画得", pinyin="huà de", meaning="<b>draws</b>", sentence="他画得很好")
    path = tmp_path / "deck.apkg"
    speaker = Speaker(tmp_path / "audio")
    with_audio = to_apkg(words.entries(), path, speaker)
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        assert "collection.anki2" in names
        package.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    fields = [row[0].split("\x1f") for row in db.execute("SELECT flds FROM notes")]
    db.close()
    assert len(fields) == 1
    word, pinyin, meaning, sentence = fields[0][:4]
    assert (word, pinyin, sentence) == ("画得", "huà de", "他画得很好")
    assert meaning == "&lt;b&gt;draws&lt;/b&gt;"  # Anki shows fields as HTML: escaped
    if shutil.which("espeak-ng"):
        assert with_audio == 1 and fields[0][6].startswith("[sound:")
        assert any(name.isdigit() for name in names)  # the clip travels in the package


def test_csv_has_a_header_and_defuses_formulas(tmp_path: Path) -> None:
    words = WordList(tmp_path / "words.sqlite")
    words.add("躺平", pinyin="tǎngpíng", meaning="=HYPERLINK(1)")
    text = to_csv(words.entries())
    lines = text.splitlines()
    assert lines[0] == "word,pinyin,meaning,sentence,translation,traditional,hsk"
    assert lines[1].startswith("躺平,tǎngpíng,'=HYPERLINK(1)")
