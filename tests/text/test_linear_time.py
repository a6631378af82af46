"""Doubling the input of a text entry point at most roughly doubles its time (issue 13).

Each entry point gets texts built to make a backtracking regex rescan: long runs of Han
characters or letters without the character a pattern waits for ("@", a closing quote or
bracket), separators that could start a number anywhere. Times are the fastest of five runs;
the bound (3.5x for 2x the input) is generous, a quadratic pattern gives 4x.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from xxai.engines.base import TranslationRequest
from xxai.pipeline import Translator
from xxai.text.langid import detect_language
from xxai.text.protect import find_protected_spans, has_translatable_text, protect
from xxai.text.segment import split_units

from fakes import FakeEngine

RUNS = {
    "han": "汉",
    "letters": "a",
    "address chars": "a.b+",
    "number separators": "1,",
    "dashes": "1-",
    "backticks": "`",
    "open tags": "<a ",
    "at signs": "@a",
    "hashes": "#",
    "brackets": "(ω",
    "template": "<|a",
    "emoji joiners": "😀\u200d",
    "spaces and newlines": " \n",
}


def _median_time(fn: Callable[[str], object], text: str) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - start)
    return min(times)  # the least disturbed run: the machine is shared


def _ratio(fn: Callable[[str], object], unit: str, size: int) -> tuple[float, float]:
    small = unit * (size // len(unit)) + "x"
    large = unit * (2 * size // len(unit)) + "x"
    fn(small)  # warm caches and lazy loads
    t_small = _median_time(fn, small)
    t_large = _median_time(fn, large)
    return t_large / max(t_small, 1e-4), t_large


def _translate(text: str) -> object:
    return Translator(FakeEngine(respond=lambda r: r.text), max_chars=10**7).translate(
        text, "en", "zh"
    )


ENTRY_POINTS: dict[str, tuple[Callable[[str], object], int]] = {
    "find_protected_spans": (find_protected_spans, 40_000),
    "protect": (protect, 40_000),
    "has_translatable_text": (has_translatable_text, 40_000),
    "split_units": (lambda t: split_units(t, 400), 40_000),
    "detect_language": (detect_language, 40_000),
    "Translator.translate": (_translate, 20_000),
    "prompt": (lambda t: TranslationRequest(t, "en", "zh"), 40_000),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_text_entry_points_take_linear_time(entry: str) -> None:
    fn, size = ENTRY_POINTS[entry]
    slow = []
    for name, unit in RUNS.items():
        ratio, seconds = _ratio(fn, unit, size)
        for _ in range(2):
            if ratio <= 3.5 or seconds <= 0.05:
                break
            # The machine is shared: measure again before calling it quadratic (a quadratic
            # pattern is slow every time, a busy neighbour only sometimes).
            ratio, seconds = min((ratio, seconds), _ratio(fn, unit, size))
        if ratio > 3.5 and seconds > 0.05:
            slow.append(f"{name}: x{ratio:.1f} ({seconds * 1000:.0f} ms)")
    assert not slow, f"{entry} grows faster than linearly on: {', '.join(slow)}"


def test_detect_on_49000_han_characters_is_fast() -> None:
    start = time.perf_counter()
    assert detect_language("汉" * 49_000).lang == "zh"
    assert time.perf_counter() - start < 1.0  # was 8 s
