"""Language codes xxai accepts, their names, and honest quality notes per pair."""

from __future__ import annotations

from dataclasses import dataclass

from xxai.errors import LanguageError

__all__ = [
    "DETECTABLE",
    "LANGUAGES",
    "Language",
    "base_lang",
    "normalize_lang",
    "pair_quality",
]


@dataclass(frozen=True)
class Language:
    """A supported language: code, English name, native name, and prompt name."""

    code: str
    name: str
    native: str


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("en", "English", "English"),
        Language("zh", "Simplified Chinese", "简体中文"),
        Language("zh-Hant", "Traditional Chinese", "繁體中文"),
        Language("de", "German", "Deutsch"),
        Language("fr", "French", "Français"),
        Language("es", "Spanish", "Español"),
        Language("it", "Italian", "Italiano"),
        Language("pt", "Portuguese", "Português"),
        Language("ru", "Russian", "Русский"),
        Language("ja", "Japanese", "日本語"),
        Language("ko", "Korean", "한국어"),
    ]
}

DETECTABLE = frozenset(code for code in LANGUAGES if code != "zh-Hant")

_ALIASES = {
    "zh-hans": "zh",
    "zh-cn": "zh",
    "zh-sg": "zh",
    "zh_cn": "zh",
    "cn": "zh",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh_tw": "zh-Hant",
    "zt": "zh-Hant",  # LibreTranslate's old code for traditional Chinese
}


_HANT_REGIONS = frozenset({"tw", "hk", "mo"})


def _from_bcp47(low: str) -> str | None:
    """Map a BCP-47 tag with script or region subtags to our code: en-US -> en,
    zh-Hant-TW / zh-TW / cmn-Hans-CN -> zh-Hant / zh-Hant / zh, de-AT -> de."""
    parts = [p for p in low.replace("_", "-").split("-") if p]
    if len(parts) < 2:
        return None
    language, rest = parts[0], parts[1:]
    if language in {"zh", "cmn"}:
        if "hant" in rest or (rest[0] in _HANT_REGIONS and "hans" not in rest):
            return "zh-Hant"
        return "zh"
    return language if language in LANGUAGES else None


def normalize_lang(code: str, allow_auto: bool = False) -> str:
    """Return the canonical code for ``code`` (BCP-47 tags with a region or script map to
    the language they name), or raise LanguageError listing the valid ones."""
    raw = code.strip()
    low = raw.lower()
    if allow_auto and low in {"auto", ""}:
        return "auto"
    if low in _ALIASES:
        return _ALIASES[low]
    for canonical in LANGUAGES:
        if canonical.lower() == low:
            return canonical
    mapped = _from_bcp47(low)
    if mapped is not None:
        return mapped
    valid = ", ".join([*LANGUAGES, "zh-Hans"] + (["auto"] if allow_auto else []))
    raise LanguageError(f"unknown language {code!r}; valid codes: {valid}")


def base_lang(code: str) -> str:
    """Return the language without its script: zh-Hant -> zh."""
    return "zh" if code.startswith("zh") else code


# Measured pairs carry their benchmark figures (benchmarks/redtrans.py, RedTrans dev and
# NTREX; README "Real RedNote posts"): chrF of the pipeline against the same model prompted
# plainly, in one run (RedTrans: redtrans-s98-zhen.json and redtrans-s98-enzh.json, session
# 34; NTREX: ntrex.json, en->de session 23, zh->de session 34; from German:
# ntrex-deen-s86.json and ntrex-dezh-s86p.json, session 29).
# tests/test_languages_quality.py checks them against the saved results.
_MEASURED = {
    ("zh", "en"): (
        "fair: RedNote posts chrF 51.8 vs 48.1 for the same model prompted plainly "
        "(all 300 dev posts), Chinese left in 0 vs 58 posts; names, places and "
        "everyday words are often taken in a wrong sense: use a stronger engine when it matters"
    ),
    ("en", "zh"): (
        "fair: RedNote posts chrF 30.1 vs 26.2 plain (all 300 dev posts); names and "
        "places are often wrong: use a stronger engine for them"
    ),
    ("zh", "de"): (
        "rough: news chrF 36.9 vs 32.2 plain (400 NTREX sentences), translated through "
        "English; the small model's German is weak: use a stronger engine (openai)"
    ),
    ("en", "de"): ("fair: news chrF 45.0 vs 43.1 plain (400 NTREX sentences); the German is stiff"),
    ("de", "en"): (
        "fair: news chrF 53.6 vs 53.6 plain (400 NTREX sentences): no better than the "
        "model asked plainly; the glossary holds no German slang"
    ),
    ("de", "zh"): (
        "rough: news chrF 17.7 vs 15.6 plain (100 NTREX sentences), translated through "
        "English; the small model's German is weak: use a stronger engine (openai)"
    ),
}


def pair_quality(source: str, target: str) -> str:
    """Return a short, honest note on how well the default model handles a pair."""
    src, tgt = base_lang(source), base_lang(target)
    if (src, tgt) in _MEASURED:
        return _MEASURED[(src, tgt)]
    if src == tgt:
        return "same language: text is returned unchanged (script converted for zh/zh-Hant)"
    if {src, tgt} <= {"en", "zh", "de"}:
        return "fair: not benchmarked; the model handles it but expect stiff phrasing"
    return "rough: not benchmarked; the small default model often errs, use the openai engine"
