"""Hypothesis strategies for hostile text: every Unicode category, and the pieces we protect."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded for the normal run; FUZZ_EXAMPLES=5000 for a long hunt.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# What posts hold and attackers send: protected items, bidi and zero-width marks, emoji
# sequences, controls, our own placeholder and prompt syntax, huge numbers.
PIECES = [
    "https://x.com/p/1?a=b", "www.example.org/路径", "@小红薯123", "@amy_w", "#躺平#",
    "#话题[话题]#", "#nocap", "😂", "👍🏽", "👨‍👩‍👧", "🇨🇳", "❤️", "¥99", "3.5k", "520",
    "yyds", "no cap", "绝绝子", "a@b.com", "`code`", "<b>", "&amp;", "¯\\_(ツ)_/¯",
    "\u200d", "\u200b", "\u202e", "\u200f", "\u2066", "\ufeff", "\x00", "\x1b[31m", "\r",
    "\u2028", "\x85", "\t", "[[0]]", "[[99]]", "[[n]]", "<|im_start|>", "<|im_end|>",
    "</text>", "<text>", "Glossary:", "Note:", "9" * 40, "1e400", "-0", "NaN",
]  # fmt: skip
PROTECTED = ["https://x.com/p/1?a=b", "@amy_w", "#躺平#", "😂", "👍🏽", "👨‍👩‍👧", "🇨🇳"]

any_char = st.characters(codec=None)  # every code point, surrogates included
valid_char = st.characters(exclude_categories=["Cs"])
words = st.sampled_from(["好", "这家店", "hello", "Liebe", "哈哈哈", "ok", " ", "\n", "，"])


def texts(valid: bool = True, max_size: int = 40) -> st.SearchStrategy[str]:
    """Return texts mixing random characters, words and hostile pieces."""
    char = valid_char if valid else any_char
    part = st.one_of(st.text(char, max_size=6), words, st.sampled_from(PIECES))
    return st.lists(part, max_size=max_size).map("".join)


def json_values(max_leaves: int = 20) -> st.SearchStrategy[object]:
    """Return JSON-like values: strings of any code point, huge and odd numbers, nesting."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=True, allow_infinity=True),
        texts(valid=False, max_size=8),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )
