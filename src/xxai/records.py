"""One reader for record files (JSON Lines, a JSON array, CSV), for import and batch translation.

Every record comes with the line it starts on; a bad row comes with an error instead of a
record, so the caller decides whether to skip it (import) or stop (batch translation). The
format comes from an explicit choice, the file extension, or (for ``.json``) the content.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from xxai.errors import InputError

__all__ = ["FORMATS", "Record", "count_records", "detect_format", "read_records"]

FORMATS = ("jsonl", "json", "csv")


def detect_format(path: Path, explicit: str | None = None) -> str:
    """Return ``jsonl``, ``json`` or ``csv`` from an explicit choice, the extension or content.

    A ``.json`` file holding an array is ``json``; any other (or one not written yet) is
    read and written as JSON Lines.
    """
    if explicit:
        if explicit not in FORMATS:
            raise InputError(f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}")
        return explicit
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return "csv"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".json":
        if not path.is_file():
            return "jsonl"
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        return "json" if head.startswith(b"[") else "jsonl"
    raise InputError(
        f"{path}: cannot tell the format from the extension; give it: jsonl, json or csv"
    )


Record = tuple[int, dict[str, Any] | None, str]  # (line, record or None, error)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}, line {line}: not valid UTF-8; convert the file to UTF-8, e.g. with iconv"
        ) from None


def _jsonl(path: Path) -> Iterator[Record]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield number, None, "not valid UTF-8"
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"not valid JSON ({exc.msg}, column {exc.colno})"
                continue
            if isinstance(value, dict):
                yield number, value, ""
            else:
                yield number, None, f"expected a JSON object, got {type(value).__name__}"


def _json_array(path: Path) -> Iterator[Record]:
    text = _read_text(path)
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")

    def skip(pos: int) -> int:
        match = ws.match(text, pos)
        return match.end() if match else pos

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    pos = skip(0)
    if not text.startswith("[", pos):
        raise InputError(f"{path}: expected a JSON array ([...]) or JSON Lines")
    pos = skip(pos + 1)
    while pos < len(text) and text[pos] != "]":
        column = pos - (text.rfind("\n", 0, pos) + 1)
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield line_of(exc.pos), None, f"not valid JSON ({exc.msg}, column {exc.colno})"
            # Resume at the next element that starts at the same indentation on a new line.
            again = re.compile(r"\n" + re.escape(text[pos - column : pos]) + r"(?=[{\[])")
            found = again.search(text, exc.pos)
            if found is None:
                return
            pos = found.end()
            continue
        if isinstance(value, dict):
            yield line_of(pos), value, ""
        else:
            yield line_of(pos), None, f"expected a JSON object, got {type(value).__name__}"
        pos = skip(end)
        if pos < len(text) and text[pos] == ",":
            pos = skip(pos + 1)
        elif pos < len(text) and text[pos] != "]":
            yield line_of(pos), None, "expected ',' or ']' between array elements"
            return


def _csv(path: Path) -> Iterator[Record]:
    text = _read_text(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    csv.field_size_limit(64 * 1024 * 1024)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{path}, line 1: not a readable CSV header ({exc})") from None
    header = [h.strip() for h in header]
    lines = text.splitlines(keepends=True)
    first = reader.line_num + 1
    for _ in range(_MAX_CSV_RESTARTS):
        bad = yield from _csv_rows(lines, first, header, delimiter)
        if bad is None:
            return
        yield (
            bad,
            None,
            (
                "a quoted field opened on this line is never closed, so the rest of the file "
                "would be one field; the row is skipped and reading goes on at the next line"
            ),
        )
        first = bad + 1
    yield first, None, "too many unclosed quotes; the rest of the file is skipped"


# Each unclosed quote re-reads the rest of the file: a bound keeps the time linear.
_MAX_CSV_RESTARTS = 100


def _csv_rows(
    lines: list[str], first: int, header: list[str], delimiter: str
) -> Generator[Record, None, int | None]:
    """Yield the rows from line ``first`` on; return the line of an unclosed quote, or None."""
    reader = csv.reader(io.StringIO("".join(lines[first - 1 :]), newline=""), delimiter=delimiter)
    last = first - 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            yield last + 1, None, f"not valid CSV ({exc})"
            last = first - 1 + reader.line_num
            continue
        line, last = last + 1, first - 1 + reader.line_num
        if last == len(lines) and last > line and _unclosed("".join(lines[line - 1 :]), delimiter):
            return line
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield line, None, f"{len(row)} fields, but the header has {len(header)}"
            continue
        yield line, dict(zip(header, row, strict=False)), ""


def _unclosed(rest: str, delimiter: str) -> bool:
    """Return True when the CSV record in ``rest`` ends inside a quoted field."""
    strict = csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, strict=True)
    try:
        next(strict)
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    except StopIteration:
        return False
    return False


def read_records(path: Path, fmt: str) -> Iterator[Record]:
    """Yield (line, record, error) for each row of a file; a bad row has an error instead."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == "jsonl":
        return _jsonl(path)
    if fmt == "json":
        return _json_array(path)
    if fmt == "csv":
        return _csv(path)
    raise InputError(f"unknown format {fmt!r}; use jsonl, json or csv")


def count_records(path: Path, fmt: str) -> int:
    """Return how many rows (good or bad) a file holds, for a progress bar."""
    if fmt == "jsonl":
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    return sum(1 for _ in read_records(path, fmt))
