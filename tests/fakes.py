"""A small deterministic engine for testing the layers above the engines."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from pypinyin import lazy_pinyin

from xxai.engines.base import ProgressFn, TranslationRequest
from xxai.service import Service

#: The type of the ``make_service`` fixture (tests/conftest.py).
MakeService = Callable[..., Service]

_HAN = re.compile(r"[\u3400-\u9fff]+")
_PLACEHOLDER = re.compile(r"\[\[\d+\]\]")

Responder = Callable[[TranslationRequest], str]
Fallback = Literal["pinyin", "echo", "brackets"]


def _pinyin(req: TranslationRequest) -> str:
    if req.target == "zh":
        return "中文：" + req.text
    out = _HAN.sub(lambda m: " ".join(lazy_pinyin(m.group(0))), req.text)
    return out.replace("，", ", ").replace("。", ".").replace("！", "!")


def pinyin_answer(req: TranslationRequest) -> str:
    """Answer as the "pinyin" fallback does (for ``respond`` functions built on it)."""
    return _pinyin(req)


_FALLBACKS: dict[str, Responder] = {
    "pinyin": _pinyin,
    "echo": lambda req: req.text.strip(),
    "brackets": lambda req: f"<{req.text}>",
}


class FakeEngine:
    """Answer from a script, else by a fixed rule; record every call.

    ``respond`` answers every request when given; otherwise ``answers`` (keyed by the
    stripped text and the target) is consulted. Scripted answers come back as written.
    Any other text is answered by ``fallback``: "pinyin" (zh->Latin as pinyin, Latin->zh
    with a marker), "echo" (the text unchanged, as a weak model would leave it) or
    "brackets" (``<text>``). Fallback answers follow the glossary hints unless
    ``ignore_hints``, and ``break_placeholders`` drops placeholders from the first N.
    """

    name = "fake"

    def __init__(
        self,
        *,
        answers: dict[tuple[str, str], str] | None = None,
        respond: Responder | None = None,
        fallback: Fallback = "pinyin",
        break_placeholders: int = 0,
        ignore_hints: bool = False,
    ) -> None:
        self.calls: list[list[TranslationRequest]] = []
        self.answers = dict(answers or {})
        self.respond = respond
        self.fallback = _FALLBACKS[fallback]
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
        if self.respond is not None:
            return self.respond(req)
        scripted = self.answers.get((req.text.strip(), req.target))
        if scripted is not None:
            return scripted
        out = self.fallback(req)
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
