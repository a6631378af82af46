"""xxai gloss: words, pinyin in context, dictionary meaning, slang and HSK level."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from xxai.cli import cli
from xxai.learn.gloss import Glosser, GlossWord, pinyin_line
from xxai.learn.render import render_html, render_lines, render_ruby
from xxai.slang.glossary import Entry


def words(glosser: Glosser, text: str) -> dict[str, GlossWord]:
    return {w.word: w for w in glosser.gloss(text).words}


@pytest.mark.parametrize(
    ("word", "marks", "numbers"),
    [
        ("银行", "yínháng", "yin2hang2"),
        ("行走", "xíngzǒu", "xing2zou3"),
        ("长大", "zhǎngdà", "zhang3da4"),
        ("长城", "Chángchéng", "Chang2cheng2"),
    ],
)
def test_polyphones_take_the_reading_of_their_word(
    glosser: Glosser, word: str, marks: str, numbers: str
) -> None:
    (only,) = glosser.gloss(word).words
    assert only.pinyin() == marks
    assert only.pinyin(numbers=True) == numbers


def test_a_sentence_reads_each_polyphone_by_its_word(glosser: Glosser) -> None:
    found = words(glosser, "我们去银行取钱，然后沿着长城行走。他长得很高，头发很长。")
    assert found["银行"].pinyin() == "yínháng"
    assert found["长城"].pinyin() == "Chángchéng"
    assert found["行走"].pinyin() == "xíngzǒu"
    assert found["长得"].pinyin() == "zhǎngde"
    assert found["长"].pinyin() == "cháng"  # 很长: "long", standing alone
    assert found["头发"].pinyin() == "tóufa"


def test_particles_are_read_from_the_words_around_them(glosser: Glosser) -> None:
    glossed = glosser.gloss("他跑得很快，我得走了。")
    readings = [w.pinyin() for w in glossed.words if w.word == "得"]
    assert readings == ["de", "děi"]


def test_words_cover_the_text_with_offsets(glosser: Glosser) -> None:
    text = "家人们谁懂啊，这家店yyds！\n下次还来 https://xhslink.com/abc"
    glossed = glosser.gloss(text)
    assert "".join(w.word for w in glossed.words) == text
    for w in glossed.words:
        assert text[w.start : w.end] == w.word


def test_slang_stays_one_unit_with_its_glossary_meaning(glosser: Glosser) -> None:
    found = words(glosser, "家人们谁懂啊，这家店yyds，绝绝子！我想躺平，不想内卷。")
    for term in ("家人们谁懂啊", "yyds", "绝绝子", "躺平", "内卷"):
        assert found[term].slang is not None, term
        assert found[term].slang.term == term
    assert "amazing" in found["绝绝子"].slang.meaning["en"].lower()
    assert found["家人们谁懂啊"].pinyin() == "jiārénmen shéi dǒng a"
    assert found["yyds"].pinyin() == ""  # Latin letters have no pinyin of their own
    assert found["yyds"].slang.pinyin == "yǒng yuǎn de shén"


class OneCharacterGlossary:
    """A glossary whose matcher finds the one-character slang 水 wherever it occurs."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.entries = [entry]

    def matches(self, text: str) -> list[tuple[int, int, Entry]]:
        return [(i, i + 1, self.entry) for i, ch in enumerate(text) if ch == "水"]


def test_one_character_slang_does_not_break_words(glosser: Glosser) -> None:
    water = Entry(
        term="水", variants=(), lang="zh", kind="word", pinyin="shuǐ", literal="water",
        register="casual", tags=(), origin="", meaning={"en": "watered-down"},
        renderings={"en": ["watered-down"]}, example={},
    )  # fmt: skip
    custom = Glosser(glosser.dictionary, OneCharacterGlossary(water))  # type: ignore[arg-type]
    custom._tokenizer = glosser._jieba()  # share the loaded jieba (a second load takes 1 s)
    found = {w.word: w for w in custom.gloss("这门课太水了，西瓜的水分很多。").words}
    assert found["水"].slang is not None  # 太水了: watered-down
    assert found["水分"].slang is None  # a word of its own: moisture
    assert found["水分"].pinyin() == "shuǐfèn"
    assert any("moisture" in g for g in found["水分"].gloss)


def test_dictionary_gloss_and_hsk_level(glosser: Glosser) -> None:
    found = words(glosser, "我们去银行")
    assert found["银行"].gloss[0] == "bank"
    assert found["银行"].traditional == "銀行"
    assert found["银行"].hsk == 3  # 2025 examination syllabus
    assert found["我们"].hsk == 1


def test_the_gloss_follows_the_reading(glosser: Glosser) -> None:
    found = words(glosser, "我下午去银行，他是个内行。")
    assert found["银行"].gloss == ("bank", "CL:家 (jiā),个 (gè)")
    assert found["内行"].pinyin() == "nèiháng"
    assert any("expert" in g for g in found["内行"].gloss)


def test_traditional_text_gets_the_same_readings(glosser: Glosser) -> None:
    found = words(glosser, "銀行在長城旁邊")
    assert found["銀行"].pinyin() == "yínháng"
    assert found["銀行"].simplified == "银行"
    assert found["長城"].pinyin() == "Chángchéng"
    assert found["旁邊"].hsk == 2


def test_unknown_compounds_are_explained_by_their_parts(glosser: Glosser) -> None:
    (word,) = glosser.gloss("这家").words
    assert word.gloss == ()
    assert [p.word for p in word.parts] == ["这", "家"]
    assert word.pinyin() == "zhèjiā"


def test_pinyin_line_reads_like_pinyin_text(glosser: Glosser) -> None:
    glossed = glosser.gloss("我们去银行，然后去长城！")
    assert pinyin_line(glossed.words) == "wǒmen qù yínháng, ránhòu qù Chángchéng!"


def test_terminal_lines_put_pinyin_over_each_word(glosser: Glosser) -> None:
    text = render_lines(glosser.gloss("我们去银行取钱，然后去长城。"), width=80)
    top, bottom = text.splitlines()[:2]
    for pinyin, word in (("yínháng", "银行"), ("Chángchéng", "长城")):
        # Columns line up in terminal cells (a Han character is two cells wide).
        assert cell_len(top[: top.index(pinyin)]) == cell_len(bottom[: bottom.index(word)])
    assert re.search(r"^银行\s+yínháng\s+HSK 3\s+bank", text, re.MULTILINE)
    assert re.search(r"^长城\s+Chángchéng\s+the Great Wall", text, re.MULTILINE)


def test_terminal_lines_wrap_at_the_width(glosser: Glosser) -> None:
    text = render_lines(glosser.gloss("我们去银行取钱，然后去长城。" * 4), width=40)
    interlinear = text.split("\n\n")[0].splitlines()
    assert len(interlinear) > 2
    assert all(len(line) <= 40 for line in interlinear)


def test_html_ruby_puts_a_reading_over_each_character(glosser: Glosser) -> None:
    fragment = render_ruby(glosser.gloss("我去银行。绝绝子！"))
    assert "<ruby>银<rt>yín</rt>行<rt>háng</rt></ruby>" in fragment
    assert 'class="w slang"' in fragment
    assert 'title="yínháng · HSK 3 · bank' in fragment


def test_html_escapes_the_text(glosser: Glosser) -> None:
    page = render_html(glosser.gloss('银行<script>alert("x")</script>'))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert page.startswith("<!doctype html>")


def test_cli_gloss_json(learn_home: Path) -> None:
    result = CliRunner().invoke(cli, ["gloss", "长城很长", "--json", "--home", str(learn_home)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(w["word"], w["pinyin"]) for w in data["words"]] == [
        ("长城", "Chángchéng"),
        ("很", "hěn"),
        ("长", "cháng"),
    ]
    assert data["words"][0]["gloss"] == ["the Great Wall"]


def test_cli_gloss_numbers_and_stdin(learn_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["gloss", "--numbers", "--home", str(learn_home)], input="银行\n"
    )
    assert result.exit_code == 0, result.output
    assert "yin2hang2" in result.output


def test_cli_gloss_html(learn_home: Path) -> None:
    result = CliRunner().invoke(cli, ["gloss", "银行", "--html", "--home", str(learn_home)])
    assert result.exit_code == 0
    assert "<rt>yín</rt>" in result.output


def test_cli_gloss_refuses_json_with_html(learn_home: Path) -> None:
    result = CliRunner().invoke(cli, ["gloss", "银行", "--json", "--html"])
    assert result.exit_code == 2
    assert "choose one of --json and --html" in result.output


def test_cli_gloss_older_hsk_list(learn_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["gloss", "银行", "--json", "--hsk", "2021", "--home", str(learn_home)]
    )
    assert json.loads(result.output)["words"][0]["hsk"] == 2
