"""Learning aids: pinyin accuracy on polyphonic words, gloss and convert throughput.

- Pinyin accuracy: benchmarks/data/polyphones.tsv holds polyphonic words we wrote with their
  standard pinyin and a sentence using each. A word counts as right when every syllable and
  tone matches (case aside); the sentence score reads the same characters inside the glossed
  sentence, so segmentation counts too. Capitalised proper nouns are scored separately.
- Gloss throughput: characters per second over the Tatoeba zh sentences (500 posts), on a
  cold word cache and again warm, after start-up; start-up (jieba, dictionary, glossary)
  and the one-time CC-CEDICT index build are timed apart.
- Convert throughput: OpenCC simplified -> traditional (Taiwan phrasing).

Usage: .venv/bin/python benchmarks/learn.py [--failures]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from xxai.learn.convert import convert
from xxai.learn.dictionary import Dictionary
from xxai.learn.gloss import Glosser
from xxai.learn.pinyin import join_syllables
from xxai.slang.glossary import default_glossary

from _common import TATOEBA, save, table, tatoeba

POLYPHONES = Path(__file__).parent / "data" / "polyphones.tsv"


def load_polyphones() -> list[tuple[str, str, str]]:
    rows = []
    for line in POLYPHONES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("word\t"):
            continue
        word, pinyin, sentence = line.split("\t")
        rows.append((word, pinyin, sentence))
    return rows


def _norm(pinyin: str) -> str:
    return pinyin.replace("'", "").replace(" ", "").lower()


def word_reading(glosser: Glosser, word: str) -> str:
    """The pinyin xxai gives a word written on its own."""
    return "".join(w.pinyin() for w in glosser.gloss(word).words)


def sentence_reading(glosser: Glosser, word: str, sentence: str) -> str:
    """The pinyin xxai gives the word's characters inside the glossed sentence."""
    start = sentence.index(word)
    per_char: dict[int, str] = {}
    for w in glosser.gloss(sentence).words:
        if w.kind == "zh" and len(w.syllables) == len(w.word):
            for i, syllable in enumerate(w.syllables):
                per_char[w.start + i] = syllable
    return join_syllables([per_char.get(i, "?") for i in range(start, start + len(word))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--failures", action="store_true", help="List every wrong reading.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        t0 = time.perf_counter()
        dictionary = Dictionary.open(Path(home))
        index_s = time.perf_counter() - t0
        dictionary.close()

        t0 = time.perf_counter()
        glosser = Glosser(Dictionary.open(Path(home)), default_glossary())
        glosser.gloss("我们去银行。")
        startup_s = time.perf_counter() - t0

        rows = load_polyphones()
        word_ok = sentence_ok = case_ok = proper = 0
        failures = []
        for word, expected, sentence in rows:
            alone = word_reading(glosser, word)
            inside = sentence_reading(glosser, word, sentence)
            word_ok += _norm(alone) == _norm(expected)
            sentence_ok += _norm(inside) == _norm(expected)
            if expected[:1].isupper():
                proper += 1
                case_ok += alone == expected.replace(" ", "")
            if _norm(alone) != _norm(expected) or _norm(inside) != _norm(expected):
                failures.append((word, expected, alone, inside))

        posts = [zh for zh, _refs in tatoeba()] if TATOEBA.exists() else [s for *_x, s in rows]
        corpus = "\n".join(posts)
        glosser._cache.clear()
        t0 = time.perf_counter()
        glossed = glosser.gloss(corpus)
        cold_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        glosser.gloss(corpus)
        warm_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(5):
            convert(corpus, "zh-Hant", "tw")
        convert_s = (time.perf_counter() - t0) / 5

    n = len(rows)
    chars = len(corpus)
    result = {
        "polyphones": {
            "words": n,
            "word_accuracy": round(word_ok / n, 4),
            "sentence_accuracy": round(sentence_ok / n, 4),
            "proper_nouns": proper,
            "proper_noun_capitalised": case_ok,
            "failures": [
                {"word": w, "expected": e, "alone": a, "in_sentence": s} for w, e, a, s in failures
            ],
        },
        "gloss": {
            "corpus": "tatoeba zh dev (500 sentences)" if TATOEBA.exists() else "polyphones",
            "chars": chars,
            "words": sum(1 for w in glossed.words if w.kind == "zh"),
            "cold_chars_per_s": round(chars / cold_s),
            "warm_chars_per_s": round(chars / warm_s),
            "startup_s": round(startup_s, 2),
            "index_build_s": round(index_s, 2),
        },
        "convert": {"chars_per_s": round(chars / convert_s)},
    }
    print(
        table(
            ["measure", "value"],
            [
                ["polyphonic words", n],
                ["pinyin accuracy, word alone", f"{word_ok / n:.1%}"],
                ["pinyin accuracy, in a sentence", f"{sentence_ok / n:.1%}"],
                ["proper nouns capitalised", f"{case_ok}/{proper}"],
                [f"gloss throughput, cold cache ({chars} chars)", f"{chars / cold_s:,.0f} chars/s"],
                ["gloss throughput, warm cache", f"{chars / warm_s:,.0f} chars/s"],
                ["gloss start-up (jieba, dictionary, glossary)", f"{startup_s:.2f} s"],
                ["CC-CEDICT index build (once)", f"{index_s:.2f} s"],
                ["convert zh -> zh-Hant (tw)", f"{chars / convert_s:,.0f} chars/s"],
            ],
        )
    )
    if failures and args.failures:
        print()
        print(table(["word", "expected", "alone", "in sentence"], [list(f) for f in failures]))
    print(f"\nwrote {save('learn', result)}")


if __name__ == "__main__":
    main()
