"""Jobs: large file translations queued in PostgreSQL and run by any number of workers.

A job's rows are stored when it is submitted; the job is split into chunks, one
procrastinate task each. A worker translates a chunk's rows that have no output yet and
writes the outputs in one transaction, each only ``WHERE output IS NULL``: a worker killed
mid-chunk commits nothing, and another worker redoes that chunk (procrastinate retries the
task once the dead worker's heartbeat is stale), so every row gets exactly one output.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from xxai.errors import InputError, StoreError
from xxai.storage.memory import redact
from xxai.types import TranslationResult

__all__ = ["JobQueue", "JobStatus", "Translate"]

log = logging.getLogger(__name__)

QUEUE = "xxai"
# (texts, target, source, contexts) -> results, one per text; contexts: one per text (what
# it replies to, read but not translated), or none.
Translate = Callable[[Sequence[str], str, str, Sequence[str]], list[TranslationResult]]


@dataclass(frozen=True)
class JobStatus:
    """How far a job has come."""

    id: int
    kind: str
    target: str
    total: int
    done: int

    @property
    def state(self) -> str:
        return "done" if self.done >= self.total else "running"

    def to_json(self) -> dict[str, Any]:
        """Return the shape ``xxai jobs status --json`` and the API print."""
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "total": self.total,
            "done": self.done,
            "state": self.state,
        }


class JobQueue:
    """Submit jobs, read their progress and results, and run workers, on one database."""

    def __init__(self, url: str, chunk: int = 16) -> None:
        import procrastinate

        from xxai.storage.migrations import connect, migrate

        self.url = url
        self.chunk = chunk
        with connect(url) as conn:
            migrate(conn)
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
        self._translate: Translate | None = None
        self.task = self.app.task(queue=QUEUE, name="xxai.translate_chunk", pass_context=False)(
            self._run_chunk
        )

    # -- submitting and reading -----------------------------------------------------------

    def submit(
        self,
        records: Sequence[dict[str, Any]],
        field: str,
        target: str,
        source: str = "auto",
        context_field: str | None = None,
    ) -> int:
        """Store a job's records and queue its chunks; return the job's id.

        ``context_field``: a field read with each row's text as its context, not translated.
        """
        if not records:
            raise InputError("the job has no rows")
        from xxai.storage.migrations import connect

        with connect(self.url) as conn, conn.transaction():
            (job,) = conn.execute(
                "INSERT INTO jobs (kind, source, target, field, context_field, total, created) "
                "VALUES ('translate', %s, %s, %s, %s, %s, %s) RETURNING id",
                (source, target, field, context_field, len(records), time.time()),
            ).fetchone()
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO job_rows (job, row_no, record) VALUES (%s, %s, %s)",
                    [(job, i, json.dumps(r, ensure_ascii=False)) for i, r in enumerate(records)],
                )
        with self.app.open():
            for start in range(0, len(records), self.chunk):
                self.task.defer(job=int(job), start=start, stop=start + self.chunk)
        return int(job)

    def status(self, job: int) -> JobStatus:
        """Return a job's progress."""
        from xxai.storage.migrations import connect

        with connect(self.url) as conn:
            row = conn.execute(
                "SELECT j.id, j.kind, j.target, j.total, count(r.output) FROM jobs j "
                "LEFT JOIN job_rows r ON r.job = j.id WHERE j.id = %s GROUP BY j.id",
                (job,),
            ).fetchone()
        if row is None:
            raise InputError(f"no job {job}")
        return JobStatus(int(row[0]), row[1], row[2], int(row[3]), int(row[4]))

    def results(self, job: int) -> list[dict[str, Any]]:
        """Return the job's records with their translations, in input order: each gains
        ``<field>_translated``, ``<field>_confidence`` ("high"/"low"),
        ``<field>_confidence_reasons`` and ``<field>_terms`` (the slang found, with its
        meaning and rendering; each None until its row is done)."""
        from xxai.storage.migrations import connect

        self.status(job)
        with connect(self.url) as conn:
            (field,) = conn.execute("SELECT field FROM jobs WHERE id = %s", (job,)).fetchone()
            rows = conn.execute(
                "SELECT record, output, confidence, confidence_reasons, terms FROM job_rows "
                "WHERE job = %s ORDER BY row_no",
                (job,),
            ).fetchall()
        return [
            {
                **record,
                f"{field}_translated": output,
                f"{field}_confidence": level,
                f"{field}_confidence_reasons": reasons,
                f"{field}_terms": terms,
            }
            for record, output, level, reasons, terms in rows
        ]

    # -- working --------------------------------------------------------------------------

    def _run_chunk(self, job: int, start: int, stop: int) -> None:
        from psycopg.types.json import Jsonb

        from xxai.storage.migrations import connect

        assert self._translate is not None, "run_worker sets the translate function"
        with connect(self.url) as conn:
            meta = conn.execute(
                "SELECT source, target, field, context_field FROM jobs WHERE id = %s", (job,)
            ).fetchone()
            if meta is None:
                return  # the job was deleted
            source, target, field, context_field = meta
            todo = conn.execute(
                "SELECT row_no, record FROM job_rows WHERE job = %s AND row_no >= %s "
                "AND row_no < %s AND output IS NULL ORDER BY row_no",
                (job, start, stop),
            ).fetchall()
            if not todo:
                return
            texts = [str(r[1][field]) for r in todo]
            contexts = [str(r[1].get(context_field) or "") for r in todo] if context_field else []
            results = self._translate(texts, target, source, contexts)
            worker = f"{socket.gethostname()}:{os.getpid()}"
            with conn.transaction(), conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE job_rows SET output = %s, confidence = %s, confidence_reasons = %s, "
                    "terms = %s, done_by = %s WHERE job = %s AND row_no = %s AND output IS NULL",
                    [
                        (
                            res.translation,
                            res.confidence.level if res.confidence else None,
                            Jsonb(list(res.confidence.reasons) if res.confidence else []),
                            Jsonb([asdict(t) for t in res.terms]),
                            worker,
                            job,
                            r[0],
                        )
                        for r, res in zip(todo, results, strict=True)
                    ],
                )

    def run_worker(
        self, translate: Translate, wait: bool = True, heartbeat: float = 2.0, stalled: float = 6.0
    ) -> None:
        """Take chunks from the queue until stopped (or, with ``wait=False``, until empty).

        A thread retries the chunks of workers whose heartbeat is older than ``stalled``
        seconds (killed machines), so their rows are translated by someone else.
        """
        self._translate = translate
        stop = threading.Event()
        rescuer = threading.Thread(target=self._rescue, args=(stop, stalled), daemon=True)
        rescuer.start()
        try:
            self.app.run_worker(
                queues=[QUEUE],
                wait=wait,
                concurrency=1,
                update_heartbeat_interval=heartbeat,
                stalled_worker_timeout=stalled,
                install_signal_handlers=wait,
            )
        except Exception as exc:
            raise StoreError(f"worker on {redact(self.url)}: {exc}") from None
        finally:
            stop.set()

    def _rescue(self, stop: threading.Event, stalled: float) -> None:
        while not stop.wait(stalled / 2):
            try:
                asyncio.run(self._rescue_once(stalled))
            except Exception:  # the next round tries again
                log.warning("could not look for stalled jobs", exc_info=True)

    async def _rescue_once(self, stalled: float) -> None:
        import procrastinate

        # Its own connection pool, in this thread's event loop: the worker's pool lives in
        # the worker's loop and must not be opened or closed from here.
        app = self.app.with_connector(procrastinate.PsycopgConnector(conninfo=self.url))
        async with app.open_async():
            manager = app.job_manager
            for job in await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled):
                log.warning("retrying chunk %s of a stalled worker", job.id)
                await manager.retry_job(job)
