from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from xxai.engines.base import ProgressFn, TranslationRequest
from xxai.engines.batching import BatchingEngine

from fakes import FakeEngine


class SlowFake(FakeEngine):
    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        time.sleep(0.05)
        return super().translate(requests, progress)


def test_concurrent_callers_share_batches_and_get_their_own_answers() -> None:
    inner = SlowFake()
    engine = BatchingEngine(inner)
    results: dict[int, list[str]] = {}

    def call(i: int) -> None:
        results[i] = engine.translate([TranslationRequest(f"第{i}句", "zh", "en")])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(inner.calls) < 20  # merged into fewer engine calls
    for i in range(20):
        assert results[i] == [inner._one(TranslationRequest(f"第{i}句", "zh", "en"))]


def test_an_engine_error_reaches_every_caller_and_the_engine_recovers() -> None:
    class Broken(FakeEngine):
        fail = True

        def translate(self, requests, progress=None):  # type: ignore[no-untyped-def]
            if self.fail:
                raise RuntimeError("engine down")
            return super().translate(requests, progress)

    inner = Broken()
    engine = BatchingEngine(inner)
    try:
        engine.translate([TranslationRequest("你好", "zh", "en")])
    except RuntimeError as exc:
        assert "engine down" in str(exc)
    else:
        raise AssertionError("the error was swallowed")
    inner.fail = False
    assert engine.translate([TranslationRequest("你好", "zh", "en")]) == ["ni hao"]
