"""Short renderings for Chinese words a model left untranslated: CC-CEDICT, else pinyin.

A small model copies rare words, brands, dishes and names into an English translation as
Chinese characters. The pipeline gives it these renderings as glossary lines on its next
pass, and uses them in place of words still left in Chinese after every pass.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from xxai.errors import DictionaryError

__all__ = ["WordHints"]

log = logging.getLogger(__name__)

_SKIP_SENSE = re.compile(
    r"^(?:surname|variant of|old variant|CL:|see |abbr\. for|used in|erhua|\(?classifier)",
    re.IGNORECASE,
)
_MAX_SENSE = 30  # a longer first sense is a definition, not a rendering


class WordHints:
    """Render Chinese words in English (dictionary) or any Latin-script language (pinyin)."""

    def __init__(self, dictionary: Any = None) -> None:
        self._dictionary = dictionary
        self._tried = dictionary is not None

    def _dict(self) -> Any:
        if not self._tried:
            self._tried = True
            try:
                from xxai.learn.dictionary import default_dictionary

                self._dictionary = default_dictionary()
            except (DictionaryError, OSError) as exc:
                log.warning("no CC-CEDICT for word hints (%s): pinyin only", exc)
        return self._dictionary

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one instance per process
    def render(self, word: str, target: str) -> str:
        """Return a short rendering of ``word`` for ``target`` (en: a dictionary sense)."""
        if target == "en":
            sense = self._sense(word)
            if sense:
                return sense
            if len(word) > 3:
                return self._by_parts(word)
        return _pinyin(word)

    def ordinary(self, word: str) -> bool:
        """Return True when ``word`` is an ordinary English word (not a name): CC-CEDICT
        writes it in lower case in its definitions (plurals count: "probiotics")."""
        dictionary = self._dict()
        if dictionary is None:
            return False
        vocab: frozenset[str] = dictionary.english_words
        low = word.lower()
        return low in vocab or (low.endswith("s") and (low[:-1] in vocab or low[:-2] in vocab))

    def _sense(self, word: str) -> str:
        dictionary = self._dict()
        if dictionary is None:
            return ""
        for entry in dictionary.lookup(word):
            for sense in entry.senses:
                first = sense.split(";")[0].strip()
                if not first or _SKIP_SENSE.match(first):
                    continue
                bare = " ".join(re.sub(r"\([^)]*\)", " ", first).split())
                if bare and len(bare) <= _MAX_SENSE:
                    return bare
        return ""

    def _by_parts(self, word: str) -> str:
        import jieba

        parts = [p for p in jieba.lcut(word) if p.strip()]
        return " ".join(self._sense(p) or _pinyin(p) for p in parts)


def _pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(word) if s.strip()]
    return "".join(syllables).capitalize() if syllables else word
