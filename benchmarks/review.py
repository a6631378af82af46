"""Blind side-by-side meaning review of ours vs the plain model on RedTrans dev items.

``sheet``: pick the items (the first N of each direction x kind that both systems have
outputs for in benchmarks/results/cache/), give each system's output a random label A or B
per item (seeded), and write a review sheet to the git-ignored cache folder: source,
reference and the two outputs, with no system names.

``score``: read the judgments (benchmarks/results/review-judgments.jsonl: one line per item
and label, ``{"id", "label", "errors": [...]}`` with errors among omission, addition,
inversion, wrong-sense, leftover), map labels back to systems, and print the errors per
system, and how well our confidence flag (``low`` in the cached diagnostics) finds the
outputs the review marked wrong. Only ids, labels and judgments are committed.

``--skip N`` reviews items N+1.. of each cell instead (a held-out set for the confidence
rules, which were chosen on the first 10); ``--judgments`` names the judgments file.

Usage:
  .venv/bin/python benchmarks/review.py sheet --per-cell 10 --ours-key KEY
  .venv/bin/python benchmarks/review.py score --ours-key KEY
  .venv/bin/python benchmarks/review.py sheet --skip 10 --seed 23 --ours-key KEY
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from redtrans import CACHE, load_items, read_runs
from xxai.text.confidence import estimate

from _common import RESULTS, meaning_scorer, save, table

JUDGMENTS = RESULTS / "review-judgments.jsonl"
ERRORS = ("omission", "addition", "inversion", "wrong-sense", "leftover")


def _cells(per_cell: int, skip: int) -> list[dict[str, Any]]:
    """Return items skip+1 .. skip+per_cell of each direction x kind."""
    items = load_items("redtrans", per_cell + skip, None)
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for it in items:
        cell = (it["from"], it["to"], it["kind"])
        seen[cell] = seen.get(cell, 0) + 1
        if seen[cell] > skip:
            out.append(it)
    return out


def _labels(ids: list[str], seed: int) -> dict[str, dict[str, str]]:
    """Map each item to {label: system}, A/B shuffled per item."""
    rng = random.Random(seed)
    out = {}
    for item_id in ids:
        pair = ["ours", "plain"]
        rng.shuffle(pair)
        out[item_id] = {"A": pair[0], "B": pair[1]}
    return out


def _outputs(ours_key: str, plain_key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the cached outputs; ``ours_key`` may name several runs (see ``read_runs``)."""
    return read_runs("ours", ours_key), read_runs("plain", plain_key)


def sheet(args: argparse.Namespace) -> None:
    ours, plain = _outputs(args.ours_key, args.plain_key)
    items = [
        it for it in _cells(args.per_cell, args.skip) if it["id"] in ours and it["id"] in plain
    ]
    labels = _labels([it["id"] for it in items], args.seed)
    order = list(items)
    random.Random(args.seed + 1).shuffle(order)
    lines = []
    for n, it in enumerate(order, 1):
        lab = labels[it["id"]]
        by = {"ours": ours[it["id"]]["out"], "plain": plain[it["id"]]["out"]}
        lines.append(f"### {n}. {it['id']} ({it['from']}->{it['to']} {it['kind']})")
        lines.append(f"SRC: {it['src']}")
        lines.append(f"REF: {it['ref']}")
        lines.append(f"A: {by[lab['A']]}")
        lines.append(f"B: {by[lab['B']]}")
        lines.append("")
    path = CACHE / "review-sheet.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(order)} items -> {path}")


def score(args: argparse.Namespace) -> None:
    ours, _plain = _outputs(args.ours_key, args.plain_key)
    path = RESULTS / args.judgments
    rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    ids = sorted({r["id"] for r in rows})
    labels = _labels(
        [it["id"] for it in _cells(args.per_cell, args.skip) if it["id"] in ids], args.seed
    )
    items = {it["id"]: it for it in load_items("redtrans", None, None)}
    counts = {s: {e: 0 for e in ERRORS} for s in ("ours", "plain")}
    wrong = {"ours": 0, "plain": 0}
    flagged_wrong = flagged_right = n_wrong = n_right = 0
    # The shipped estimate: rules and the meaning scorer (multilingual-e5), recomputed
    # from the stored outputs, so a change of the estimate needs no rerun of the model.
    mine = [r for r in rows if labels[r["id"]][r["label"]] == "ours"]
    scores = meaning_scorer()(
        [items[r["id"]]["src"] for r in mine], [ours[r["id"]]["out"] for r in mine]
    )
    similarity = {r["id"]: s for r, s in zip(mine, scores, strict=True)}
    for r in rows:
        system = labels[r["id"]][r["label"]]
        for e in r["errors"]:
            counts[system][e] += 1
        wrong[system] += bool(r["errors"])
        if system == "ours":
            # Recomputed from the stored output, so a change of the estimate needs no rerun.
            it, row = items[r["id"]], ours[r["id"]]
            conf = estimate(
                it["src"],
                row["out"],
                it["from"],
                it["to"],
                row["flags"],
                row["missed"],
                similarity=similarity[r["id"]],
            )
            low = conf.level == "low"
            if r["errors"]:
                n_wrong += 1
                flagged_wrong += low
            else:
                n_right += 1
                flagged_right += low
    total = {s: sum(c.values()) for s, c in counts.items()}
    out_rows = [[s, len(ids), *[counts[s][e] for e in ERRORS], total[s], wrong[s]] for s in counts]
    print(table(["system", "items", *ERRORS, "errors", "outputs with errors"], out_rows))
    fewer = 1 - total["ours"] / max(total["plain"], 1)
    print(f"ours has {fewer:.0%} fewer meaning errors than plain (target >= 40%)")
    catch = flagged_wrong / max(n_wrong, 1)
    false = flagged_right / max(n_right, 1)
    print(
        f"low confidence on ours: catches {flagged_wrong}/{n_wrong} wrong ({catch:.0%}, "
        f"target >= 50%), flags {flagged_right}/{n_right} right ({false:.0%}, target <= 20%)"
    )
    save(
        args.save,
        {
            "items": len(ids),
            "errors": counts,
            "outputs_with_errors": wrong,
            "fewer_errors": round(fewer, 3),
            "confidence": {"caught": [flagged_wrong, n_wrong], "false": [flagged_right, n_right]},
            "ours_key": args.ours_key,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["sheet", "score"])
    parser.add_argument("--per-cell", type=int, default=10)
    parser.add_argument("--ours-key", required=True, help="a run's key, or several: KEY1,KEY2")
    parser.add_argument("--plain-key", default="63e0c2ee75")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip", type=int, default=0, help="skip the first N of each cell")
    parser.add_argument("--judgments", default=JUDGMENTS.name, help="file in benchmarks/results")
    parser.add_argument("--save", default="review", help="summary name in benchmarks/results")
    args = parser.parse_args()
    sheet(args) if args.command == "sheet" else score(args)


if __name__ == "__main__":
    main()
