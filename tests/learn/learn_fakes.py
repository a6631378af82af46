"""A deterministic engine for the reply tests (a module of its own: conftest is not importable)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xxai.engines.base import ProgressFn, TranslationRequest

Responder = Callable[[TranslationRequest], str]


class FakeEngine:
    """A deterministic engine: answers from a table keyed by (text, target), records requests."""

    name = "fake"

    def __init__(
        self,
        answers: dict[tuple[str, str], str] | None = None,
        respond: Responder | None = None,
    ) -> None:
        self.answers = dict(answers or {})
        self.respond = respond
        self.requests: list[TranslationRequest] = []

    @property
    def model_id(self) -> str:
        return "fake-1"

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        out = []
        for request in requests:
            self.requests.append(request)
            if self.respond is not None:
                out.append(self.respond(request))
            else:
                out.append(self.answers.get((request.text, request.target), f"<{request.text}>"))
        if progress is not None:
            progress(len(requests))
        return out

    def close(self) -> None:
        pass
