"""Shared pieces of the search tests: the corpus, an engine that knows it, settings and files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from xxai.config import Settings, load_settings

from fakes import FakeEngine

# (id, lang, text, translation): the posts of the test corpus and their translations.
CORPUS = [
    ("p1", "zh", "房价这么高，我决定躺平了。",
     "Housing prices are so high that I have decided to lie flat."),
    ("p2", "zh", "这家火锅店太好吃了，强烈推荐！",
     "This hotpot restaurant is delicious, highly recommended!"),
    ("p3", "zh", "我的猫每天早上六点叫我起床。", "My cat wakes me up at six every morning."),
    ("p4", "zh", "周末去爬山，风景很美。",
     "Went hiking on the weekend, the scenery was beautiful."),
    ("p5", "zh", "平安夜快乐！", "Merry Christmas Eve!"),
    ("p6", "zh-Hant", "我喜歡在下雨天看書。", "I like reading books on rainy days."),
    ("p7", "en", "Just moved to RedNote from TikTok, hello everyone!",
     "刚从TikTok搬到小红书，大家好！"),
    ("p8", "en", "The best coffee in Berlin is near the station.", "柏林最好的咖啡在车站附近。"),
    ("p9", "en", "My dog loves playing in the snow.", "我的狗喜欢在雪地里玩。"),
    ("p10", "en", "Learning Chinese is hard but fun.", "学中文很难但是很有趣。"),
]  # fmt: skip

# Query translations the fake engine knows, both ways.
QUERIES = [
    ("猫", "cat"),
    ("咖啡", "coffee"),
    ("火锅", "hotpot"),
    ("躺平", "lying flat"),
    ("爬山", "hiking"),
    ("早上叫醒我的猫", "the cat that wakes me up in the morning"),
    ("最好的咖啡", "the best coffee"),
]


def corpus_engine() -> FakeEngine:
    """Return a fake engine that knows the corpus and the queries both ways, and echoes the rest."""
    table: dict[tuple[str, str], str] = {}
    for _id, lang, text, translation in CORPUS:
        other = "en" if lang.startswith("zh") else "zh"
        table[(text, other)] = translation
        table[(translation, lang[:2])] = text
    for zh, en in QUERIES:
        table[(zh, "en")] = en
        table[(en, "zh")] = zh
    # Unknown text comes back as it was, as a weak model would leave it.
    return FakeEngine(answers=table, fallback="echo", ignore_hints=True)


def make_settings(home: Path, **extra: object) -> Settings:
    return load_settings({"home": str(home), "engine": "fake", **extra}, environ={})


def write_jsonl(path: Path, rows: Sequence[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path
