"""Protect what must not be translated (URLs, mentions, tags, emoji, numbers, markup, code).

Protected spans are replaced by numbered placeholders before the text reaches a model and put
back exactly afterwards. :func:`check_placeholders` tells whether a model kept them intact.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

__all__ = [
    "HASHTAG_END",
    "HASHTAG_RE",
    "KINDS",
    "MENTION",
    "PLACEHOLDER_RE",
    "Protected",
    "check_placeholders",
    "find_protected_spans",
    "has_translatable_text",
    "placeholder",
    "protect",
    "restore",
]

# Numbered placeholders in double square brackets: the models we use copy them reliably,
# and they never occur in ordinary posts.
PLACEHOLDER_RE = re.compile(r"\[\[(\d{1,4})\]\]")


def placeholder(n: int) -> str:
    return f"[[{n}]]"


_EMOJI = (
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u2b00-\u2bff"
    "\u2300-\u23ff\u3030\u303d\u3297\u3299\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa]"
)
# An emoji sequence: emoji with skin tones, variation selectors and zero-width joiners.
_EMOJI_SEQ = rf"{_EMOJI}(?:[\U0001f3fb-\U0001f3ff\ufe0f\u20e3]|\u200d{_EMOJI})*"
_KAOMOJI = (
    r"¯\\_\(ツ\)_/¯"
    r"|[(（]╯°□°[)）]╯︵\s?┻━┻"
    # A face's eye may be a letter, (T_T) (o´∀`o) (QAQ), but a bracketed word is no face:
    # (Tom), (OK), (Tesla) are words the model must see.
    r"|[(（](?!(?![TQOo0][A-Za-z][TQOo0][)）])[A-Za-z0-9 ]+[)）])"
    r"[^\w\s()（）]{0,3}[ω▽°□∀ヮ＾^_\-・´`ﾟ•ㅂ︶﹏o0><;TㅠㅜQ][^()（）\n\u3400-\u9fff]{0,8}"
    r"[)）][ﾉノ✧☆*゜]*"
    r"|\b(?:QAQ|QwQ|TAT|T_T|orz|OTZ|Orz)\b|[>＞]_[<＜]|\^_\^|-_-|=_=|[oO]\([^)]{1,6}\)[oO]"
)
# A hashtag: "#" and what follows it up to a space or punctuation.
# After a word (你的#公寓好可爱) a hashtag's end cannot be told in Chinese: the model reads
# it with its sentence ("Your #apartment is so cute"), as RedTrans's references write it.
#: What ends a hashtag: a space, another "#", punctuation, a title or quotation mark.
HASHTAG_END = '\\s#，。！？、,!?;；:：()（）《》「」『』【】“”"'
_HASHTAG = rf"(?<![\w&])#[^{HASHTAG_END}]{{1,40}}"
#: A hashtag as :func:`protect` finds one (the checks leave them out of the words).
HASHTAG_RE = re.compile(_HASHTAG)
# An @mention. Chinese writes one against the word before it ("被@小美"): only a Latin
# letter or digit before "@" makes it something else (an address).
MENTION = r"(?<![A-Za-z0-9_.@])@[^\s@#，。！？、,!?;；:：()（）\[\]]{1,30}"
_PATTERNS: list[tuple[str, str]] = [
    # Chat-template tokens (<|im_start|>, <|endoftext|>): kept out of the prompt, where the
    # model would read them as the conversation's own structure, and put back unchanged.
    ("special", r"<\|[A-Za-z0-9_.:-]{1,40}\|>"),
    ("code", r"```.*?```|`[^`\n]+`"),
    ("markup", r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);"),
    ("url", r"(?:https?://|www\.)[^\s<>\"'，。！？、；：（）【】「」]+"),
    # Starts only where a run of address characters starts: otherwise a long run without
    # "@" is rescanned from each of its characters (quadratic time on untrusted text).
    ("email", r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)+"),
    ("mention", MENTION),
    # RedNote topic tags: #外滩[话题]# (and #Chinese culture[Topic]# in English posts).
    (
        "topic",
        r"#[^#\n\[\]]{1,40}\[(?:话题|Topic)\]#"
        r"|#[^#\s\[\]，。！？、,!?;；《》「」『』【】“”\"]{1,30}#",
    ),
    # RedNote sticker codes: [笑哭R], [Selfie R], [crying emoji R].
    ("sticker", r"\[[^\[\]\n\d]{1,12}R\]|\[[A-Za-z][A-Za-z ]{1,20}R\]"),
    ("hashtag", _HASHTAG),
    ("kaomoji", _KAOMOJI),
    ("emoji", rf"(?:{_EMOJI_SEQ})+"),
    # Chinese units (89元, 3万) are left to the model: a frozen 元 would stay Chinese in
    # an English translation.
    (
        "number",
        r"(?:[¥￥$€£]\s?)?(?<![A-Za-z0-9.])\d+(?:[.,:/-]\d+)*(?:\s?(?:%|[kKwW]|RMB|USD|EUR))?"
        # Not before 年月日号: a date is the model's to write (2024年5月8日 -> May 8, 2024).
        r"(?![A-Za-z0-9])(?!\s?[年月日号])",
    ),
]
#: Every kind of item :func:`protect` can freeze.
KINDS = frozenset(name for name, _pattern in _PATTERNS)
_COMBINED = re.compile(
    "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS),
    re.DOTALL | re.IGNORECASE,
)
# URLs rarely end in punctuation; a sentence after them often does.
_URL_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True)
class Protected:
    """Text with placeholders, and the original strings they stand for (index = number)."""

    text: str
    originals: tuple[str, ...]
    kinds: tuple[str, ...]


def find_protected_spans(
    text: str, keep: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, str]]:
    """Return ``(start, end, kind)`` of every protected item, skipping spans that overlap ``keep``.

    ``keep`` holds spans that must stay translatable (slang terms such as "666" or "520").
    """
    spans: list[tuple[int, int, str]] = []
    for match in _COMBINED.finditer(text):
        kind = match.lastgroup or "other"
        start, end = match.span()
        if kind == "url":
            while end > start and text[end - 1] in _URL_TRAILING:
                end -= 1
        if kind == "number" and not any(ch.isdigit() for ch in text[start:end]):
            continue
        if any(start < k_end and k_start < end for k_start, k_end in keep):
            continue
        if end > start:
            spans.append((start, end, kind))
    return spans


def protect(
    text: str, keep: Sequence[tuple[int, int]] = (), kinds: Collection[str] | None = None
) -> Protected:
    """Replace protected items with placeholders ``[[0]]``, ``[[1]]``, ....

    ``kinds`` limits protection to those kinds of item (default: every kind).
    """
    parts: list[str] = []
    originals: list[str] = []
    found_kinds: list[str] = []
    pos = 0
    for start, end, kind in find_protected_spans(text, keep):
        if kinds is not None and kind not in kinds:
            continue
        parts.append(text[pos:start])
        parts.append(placeholder(len(originals)))
        originals.append(text[start:end])
        found_kinds.append(kind)
        pos = end
    parts.append(text[pos:])
    return Protected("".join(parts), tuple(originals), tuple(found_kinds))


# Double brackets around anything else: markup a model made up after our placeholders
# ("【list 2.0】" came back as "[[2.0]]").
_LOOKALIKE = re.compile(r"\[\[([^\[\]\n]{1,400})\]\]")


def _lookalikes(text: str) -> list[str]:
    return [
        m.group(0) for m in _LOOKALIKE.finditer(text) if not PLACEHOLDER_RE.fullmatch(m.group(0))
    ]


def _other_brackets(text: str) -> int:
    """Count the "[[" of ``text`` that do not open a placeholder."""
    return text.count("[[") - len(PLACEHOLDER_RE.findall(text))


def check_placeholders(protected: Protected, translated: str) -> bool:
    """Return True when ``translated`` holds each placeholder exactly once and nothing else
    (no made-up placeholder, nor double brackets the text did not have)."""
    found = Counter(int(m.group(1)) for m in PLACEHOLDER_RE.finditer(translated))
    if _other_brackets(translated) > _other_brackets(protected.text):
        return False  # "[[2.0]]", "[[ whole sentences ]]", a "[[" cut off
    return found == Counter(range(len(protected.originals)))


def restore(protected: Protected, translated: str) -> str:
    """Put the original strings back in place of their placeholders; drop made-up ones."""

    def sub(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index < len(protected.originals):
            return protected.originals[index]
        return ""  # a placeholder the model made up: never show our markup to a reader

    made_up = set(_lookalikes(translated)) - set(_lookalikes(protected.text))
    if made_up:  # our markup's look, never shown: "[[2.0]]" -> "[2.0]"
        translated = _LOOKALIKE.sub(
            lambda m: m.group(0)[1:-1] if m.group(0) in made_up else m.group(0), translated
        )
    if _other_brackets(translated) > _other_brackets(protected.text):
        translated = re.sub(r"\[\[\d*\]?\s*$", "", translated)  # a placeholder cut off
    return PLACEHOLDER_RE.sub(sub, translated)


_NON_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)


def has_translatable_text(protected_text: str) -> bool:
    """Return True when something other than placeholders, punctuation and spaces is left."""
    bare = PLACEHOLDER_RE.sub(" ", protected_text)
    return bool(_NON_TEXT.sub("", bare))
