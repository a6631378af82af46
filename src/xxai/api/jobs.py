"""``/api/v1/jobs``: queue a large translation, follow its progress, download the result."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter
from pydantic import BaseModel, Field

from xxai.api.native import Guarded

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


class JobIn(BaseModel):
    """Records whose ``field`` is translated by workers (needs database_url)."""

    records: list[dict[str, Any]] = Field(description="The rows, e.g. parsed JSON Lines.")
    field: str = Field("text", description="The field to translate in each record.")
    target: str = Field(description="Target language.")
    source: str = Field("auto", description="Source language, or auto.")
    context_field: str | None = Field(
        None,
        description="A field read as each record's context (what a comment replies to, "
        "e.g. the note's title), never translated.",
    )


@router.post("", status_code=202, summary="Queue a translation job")
async def submit(body: JobIn, state: Guarded) -> dict[str, Any]:
    """Store the records and queue them for `xxai worker`; answer the job's id at once."""
    job = await anyio.to_thread.run_sync(
        state.service.job_submit,
        body.records,
        body.field,
        body.target,
        body.source,
        body.context_field,
    )
    return {"id": job, "rows": len(body.records), "status": f"/api/v1/jobs/{job}"}


@router.get("/{job}", summary="A job's progress")
async def status(job: int, state: Guarded) -> dict[str, Any]:
    """Rows done out of the total, and ``done`` once every row has its translation."""
    found = await anyio.to_thread.run_sync(state.service.job_status, job)
    return found.to_json()


@router.get("/{job}/result", summary="A job's rows with their translations")
async def result(job: int, state: Guarded) -> dict[str, Any]:
    """The records in input order, each with ``<field>_translated``, ``<field>_confidence``
    and ``<field>_confidence_reasons`` (null until done)."""
    rows = await anyio.to_thread.run_sync(state.service.job_results, job)
    return {"id": job, "results": rows}
