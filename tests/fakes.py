"""A small deterministic engine for testing the layers above the engines."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pypinyin import lazy_pinyin

from xxai.engines.base import ProgressFn, TranslationRequest

_HAN = re.compile(r"[\u3400-\u9fff]+")
_PLACEHOLDER = re.compile(r"\[\[\d+\]\]")


class FakeEngine:
    """Translate zh->Latin as pinyin and Latin->zh with a marker; record every call.

    ``break_placeholders`` drops placeholders from the first N answers; ``ignore_hints``
    leaves glossary renderings out, as a weak model would.
    """

    name = "fake"

    def __init__(self, break_placeholders: int = 0, ignore_hints: bool = False) -> None:
        self.calls: list[list[TranslationRequest]] = []
        self.break_placeholders = break_placeholders
        self.ignore_hints = ignore_hints
        self.closed = False

    @property
    def model_id(self) -> str:
        return "fake-1"

    @property
    def requests(self) -> list[TranslationRequest]:
        return [r for call in self.calls for r in call]

    def _one(self, req: TranslationRequest) -> str:
        text = req.text
        if req.target == "zh":
            out = "中文：" + text
        else:
            out = _HAN.sub(lambda m: " ".join(lazy_pinyin(m.group(0))), text)
            out = out.replace("，", ", ").replace("。", ".").replace("！", "!")
        if req.hints and not self.ignore_hints:
            out += " " + " ".join(h.rendering for h in req.hints)
        if self.break_placeholders > 0:
            self.break_placeholders -= 1
            out = _PLACEHOLDER.sub("", out)
        return out

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        self.calls.append(list(requests))
        outs = [self._one(r) for r in requests]
        if progress:
            progress(len(outs))
        return outs

    def close(self) -> None:
        self.closed = True
