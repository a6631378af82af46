"""Translate a JSONL or CSV file into another, resumably.

Rows are written in input order, a chunk at a time, each chunk in one write and fsync'd;
each row records its ``target_lang``, and a resume into another target is refused.
A rerun reads what the output already holds, drops a torn last row if a kill left one,
checks that the rows match the input, and continues after them: nothing is done twice,
duplicated or lost.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from xxai.errors import InputError, OutputError
from xxai.records import detect_format, read_records
from xxai.types import TranslationResult

__all__ = ["BatchReport", "Rejected", "read_rows", "rejects_path", "translate_file"]

UnitProgress = Callable[[int], None]
# texts, progress, and one context per text (empty without --context-field)
TranslateFn = Callable[[list[str], UnitProgress | None, list[str]], list[TranslationResult]]


@dataclass
class BatchReport:
    """What a batch run did."""

    total: int
    skipped: int  # already in the output from an earlier run
    translated: int
    output: Path
    stopped: bool = False  # asked to stop: every finished row is written, the rest is not
    low: int = 0  # rows translated this run whose confidence is low (worth a look)
    rejected: int = 0  # bad rows left out (skip_bad), each listed in rejects_file
    rejects_file: Path | None = None


@dataclass(frozen=True)
class Rejected:
    """A row left out of a batch: its line, why, and what it held."""

    line: int
    error: str
    record: dict[str, Any] | None = None  # None: the row could not be read at all


def read_rows(
    path: Path, fmt: str, field: str, rejected: list[Rejected] | None = None
) -> list[dict[str, Any]]:
    """Read every row, failing with the line number on the first bad one.

    Batch translation stops at a bad row rather than skipping it, unless ``rejected`` is
    given: then each bad row (invalid JSON or UTF-8, no ``field``) goes there and the
    others are returned. A field that no row has is an error either way (a misspelled
    --field). The output holds one row for each row read, in order, so that a rerun (which
    reads the same rows) can resume where it stopped.
    """
    rows: list[dict[str, Any]] = []
    first_missing = ""
    for line, record, error in read_records(path, fmt):
        if record is None:
            if rejected is None:
                raise InputError(f"{path}, line {line}: {error}")
            rejected.append(Rejected(line, error))
            continue
        if record.get(field) is None:
            fields = ", ".join(str(k) for k in record) or "none"
            message = f"{path}, line {line}: no field {field!r}; its fields: {fields}"
            if rejected is None:
                raise InputError(message)
            first_missing = first_missing or message
            rejected.append(Rejected(line, f"no field {field!r}", record))
            continue
        rows.append(record)
    if first_missing and not rows:
        raise InputError(f"no row has the field {field!r} (first: {first_missing})")
    return rows


def rejects_path(output: Path) -> Path:
    """Where a run that skips bad rows lists them: next to the output."""
    return output.with_name(output.name + ".rejected.jsonl")


def _write_rejects(output: Path, rejected: list[Rejected]) -> Path | None:
    """List the rows left out (or remove an old list when none are); return its path."""
    path = rejects_path(output)
    if not rejected:
        path.unlink(missing_ok=True)
        return None
    text = "".join(
        json.dumps(
            {"line": r.line, "error": r.error, **({"record": r.record} if r.record else {})},
            ensure_ascii=False,
        )
        + "\n"
        for r in rejected
    )
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def _output_format(output: Path, in_fmt: str) -> str:
    """Return how to write the output: JSON Lines (also for .json) or CSV."""
    if not output.suffix:
        return "csv" if in_fmt == "csv" else "jsonl"
    return "csv" if detect_format(output) == "csv" else "jsonl"


def _existing_jsonl(out: Path) -> list[dict[str, Any]]:
    data = out.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        # A torn last line from a kill: drop it, keep every complete row.
        with out.open("r+b") as fh:
            fh.truncate(end)
        data = data[:end]
    rows = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise OutputError(
                    f"{out}, line {number}: the existing output is not valid JSONL; "
                    "move it away or start it again"
                ) from None
    return rows


def _existing_csv(out: Path, columns: list[str]) -> list[dict[str, Any]]:
    """Return the complete rows of an output CSV (a torn last row is dropped); ``columns``
    becomes its header when it has one (a file begun by an older xxai, without a column
    this one adds, keeps its shape)."""
    text = out.read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    if reader.fieldnames:
        columns[:] = reader.fieldnames
    complete = text.endswith("\n")
    if rows and (not complete or None in rows[-1] or len(rows[-1]) != len(columns)):
        rows = rows[:-1]
        complete = False
    if not complete:
        tmp = out.with_name(out.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, out)
    return rows


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_resume(output: Path, done_rows: list[dict[str, Any]], target: str) -> None:
    """Refuse to add rows in one language to a file that holds another's (one per target)."""
    if not target:
        return
    for number, row in enumerate(done_rows, start=1):
        held = str(row.get("target_lang") or "")
        if held and held != target:
            raise OutputError(
                f"{output} holds translations into {held} (row {number}), but this run asks "
                f"for {target}: keep one output file per target language, or start this one "
                "again"
            )


def translate_file(
    translate: TranslateFn,
    source: Path,
    output: Path,
    field: str,
    fmt: str | None = None,
    out_field: str = "translation",
    overwrite: bool = False,
    chunk_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
    target: str = "",
    should_stop: Callable[[], bool] | None = None,
    context_field: str | None = None,
    skip_bad: bool = False,
) -> BatchReport:
    """Translate ``field`` of every row of ``source`` into ``output``; resume if it exists.

    ``context_field``: a field read with each row's text but not translated (the title of
    the note a comment is under); a row without it has no context. ``skip_bad``: rows that
    cannot be read or lack ``field`` are left out and listed, with their line numbers, in
    ``rejects_path(output)``, instead of stopping the run before it starts.

    ``progress(rows, total)`` moves within a chunk as the engine finishes texts;
    ``should_stop()`` is asked after each chunk is written (a first Ctrl-C), so a stop
    keeps every row finished so far.
    """
    in_fmt = detect_format(source, fmt)
    out_fmt = _output_format(output, in_fmt)
    rejected: list[Rejected] | None = [] if skip_bad else None
    rows = read_rows(source, in_fmt, field, rejected)
    extra = [out_field, "source_lang", "target_lang", "confidence", "confidence_reasons", "terms"]
    columns = list(dict.fromkeys([*(rows[0] if rows else [field]), *extra]))
    done_rows: list[dict[str, Any]] = []
    if output.exists() and not overwrite:
        done_rows = (
            _existing_jsonl(output) if out_fmt == "jsonl" else _existing_csv(output, columns)
        )
        for i, row in enumerate(done_rows):
            if i >= len(rows) or str(row.get(field)) != str(rows[i][field]):
                raise OutputError(
                    f"{output} already holds rows that do not match {source} (row {i + 1}); "
                    "start it again, or choose another output file"
                )
        _check_resume(output, done_rows, target)
    elif output.exists():
        output.unlink()
    skipped = len(done_rows)
    rejects = _write_rejects(output, rejected) if rejected is not None else None
    gone = len(rejected or [])
    if progress and skipped:
        progress(skipped, len(rows))
    todo = list(range(skipped, len(rows)))
    written = low = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("a", encoding="utf-8", newline="") as fh:
        if out_fmt == "csv" and fh.tell() == 0:
            _write(fh, _csv_text([], columns, header=True))
        for chunk in _chunks(todo, chunk_size):
            shown = [0]

            def units_done(n: int, size: int = len(chunk), shown: list[int] = shown) -> None:
                # Units can outnumber rows (long texts are split): hold the last row back
                # until the chunk is written.
                step = min(n, size - 1 - shown[0])
                if progress and step > 0:
                    shown[0] += step
                    progress(step, len(rows))

            contexts = (
                [str(rows[i].get(context_field) or "") for i in chunk] if context_field else []
            )
            results = translate([str(rows[i][field]) for i in chunk], units_done, contexts)
            out_rows = []
            for i, result in zip(chunk, results, strict=True):
                row = dict(rows[i])
                row[out_field] = result.translation
                row["source_lang"] = result.source_lang
                row["target_lang"] = result.target_lang
                # How far to trust it: "low" with its reasons (a list; in CSV one text).
                level = result.confidence.level if result.confidence else ""
                reasons = list(result.confidence.reasons) if result.confidence else []
                row["confidence"] = level
                row["confidence_reasons"] = reasons if out_fmt == "jsonl" else "; ".join(reasons)
                # The slang found and how it was rendered, as `xxai translate --json` gives
                # it; in CSV one text ("yyds → the GOAT; 冲 → go for it").
                row["terms"] = (
                    [asdict(t) for t in result.terms]
                    if out_fmt == "jsonl"
                    else "; ".join(f"{t.term} → {t.rendering}" for t in result.terms)
                )
                low += level == "low"
                out_rows.append(row)
            if out_fmt == "jsonl":
                text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out_rows)
            else:
                text = _csv_text(out_rows, columns, header=False)
            _write(fh, text)
            written += len(chunk)
            if progress:
                progress(len(chunk) - shown[0], len(rows))
            if should_stop is not None and should_stop():
                return BatchReport(len(rows), skipped, written, output, True, low, gone, rejects)
    return BatchReport(len(rows), skipped, written, output, False, low, gone, rejects)


def _csv_text(rows: list[dict[str, Any]], columns: list[str], header: bool) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _write(fh: io.TextIOWrapper, text: str) -> None:
    fh.write(text)
    fh.flush()
    os.fsync(fh.fileno())
