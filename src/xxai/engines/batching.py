"""Merge concurrent translate calls into one engine call (leader/follower batching).

Engines that decode several sequences together (the local one) are much faster on one big
batch than on many small ones, but a server receives requests one by one from many threads.
Here the first caller becomes the leader and runs the engine; callers arriving meanwhile
queue up, and when the leader finishes, one of them takes everything queued as the next
batch. An idle engine adds no waiting at all.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from xxai.engines.base import Engine, ProgressFn, TranslationRequest

__all__ = ["BatchingEngine"]


@dataclass(eq=False)
class _Job:
    requests: Sequence[TranslationRequest]
    progress: ProgressFn | None
    results: list[str] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


class BatchingEngine:
    """Wrap an engine so that concurrent callers share its batches."""

    def __init__(self, inner: Engine, max_batch: int = 256) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_batch = max_batch
        self._cond = threading.Condition()
        self._queue: list[_Job] = []
        self._busy = False
        self.batches = 0  # engine calls made, for metrics and tests

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def _take(self, own: _Job) -> list[_Job]:
        """Take the leader's own job and as many queued ones as fit in one batch."""
        self._queue.remove(own)
        jobs = [own]
        size = len(own.requests)
        while self._queue and size + len(self._queue[0].requests) <= self.max_batch:
            job = self._queue.pop(0)
            jobs.append(job)
            size += len(job.requests)
        return jobs

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        """Translate ``requests``, possibly together with other threads' requests."""
        if not requests:
            return []
        job = _Job(requests, progress)
        with self._cond:
            self._queue.append(job)
            while not job.done and (self._busy or job not in self._queue):
                self._cond.wait()
            if job.done:
                return self._finish(job)
            self._busy = True
            jobs = self._take(job)
        try:
            self._run(jobs)
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
        return self._finish(job)

    def _run(self, jobs: list[_Job]) -> None:
        combined = [r for j in jobs for r in j.requests]
        single = len(jobs) == 1
        try:
            # A lone job keeps its own progress callback (the CLI's progress bar).
            outputs = self.inner.translate(combined, jobs[0].progress if single else None)
        except BaseException as exc:  # handed to every waiting caller, then re-raised
            for j in jobs:
                j.error, j.done = exc, True
            return
        self.batches += 1
        pos = 0
        for j in jobs:
            j.results = outputs[pos : pos + len(j.requests)]
            pos += len(j.requests)
            j.done = True
            if not single and j.progress:
                j.progress(len(j.requests))

    @staticmethod
    def _finish(job: _Job) -> list[str]:
        if job.error is not None:
            raise job.error
        return job.results

    def close(self) -> None:
        self.inner.close()
