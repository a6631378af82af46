"""Confidence: how well the low-confidence flag finds the outputs a blind review marked wrong.

Every blind review of ours vs plain (benchmarks/review.py) judged ours' outputs for meaning
errors. Here the shipped estimate is recomputed on those same outputs (each set with the
outputs its reviewer saw, kept in benchmarks/results/cache/redtrans/), for each way of
judging beyond the rules (setting ``confidence``): ``model`` (the local model scores its own
output: the three least likely tokens outside glossary renderings), ``embed``
(multilingual-e5 similarity under a floor) and ``rules``. Target (issue 11): "low" catches at
least half of the wrong outputs and flags at most a fifth of the right ones.

The floors were chosen on items 11-40 of each cell (180 outputs, ``--choose`` shows how);
items 41-100 (360 outputs, six sets) were not used to choose anything. A set whose outputs
are not in the cache (a fresh checkout keeps none) is left out, and said so.

Usage: .venv/bin/python benchmarks/confidence.py [--choose] [--save confidence]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from redtrans import load_items, read_runs
from review import _cells, _labels
from xxai.engines.base import TranslationRequest
from xxai.slang.glossary import default_glossary
from xxai.text import confidence

from _common import RESULTS, local_engine, meaning_scorer, save, table

# (judgments file, items skipped per cell, label seed, ours' outputs the reviewer saw)
SETS = [
    ("review-judgments-heldout.jsonl", 10, 23, "d8646d75a6"),
    ("review-judgments-fresh.jsonl", 20, 31, "8b026012d0"),
    ("review-judgments-fresh2.jsonl", 30, 41, "8b026012d0"),
    ("review-judgments-fresh3.jsonl", 40, 51, "8b026012d0"),
    ("review-judgments-fresh4.jsonl", 50, 61, "f1a3468785"),
    ("review-judgments-fresh5.jsonl", 60, 71, "f1a3468785"),
    ("review-judgments-fresh6.jsonl", 70, 81, "c964d40b12"),
    ("review-judgments-fresh7.jsonl", 80, 91, "c964d40b12"),
    ("review-judgments-fresh8.jsonl", 90, 101, "85bfff6067"),
    # Session 16: items 1-10 again (no unjudged item was left), on session 16's outputs,
    # judged blind by a helper that saw only the sheet. Session 4's rules were chosen on
    # these items (with session 4's outputs), not the floors.
    ("review-judgments-s16.jsonl", 0, 111, "30421a6c6e"),
    # Session 17: items 41-50 again, on session 17's outputs (after its two confidence
    # rules were written), judged blind by a helper that saw only the sheet.
    ("review-judgments-s17.jsonl", 40, 121, "55d7e8d385"),
    # Session 25: items 61-70 again, on session 24's outputs (--tag s70), judged blind by a
    # helper that saw only the sheet.
    ("review-judgments-s25.jsonl", 60, 131, "a3097f45cc"),
    # Session 26: items 71-80 again, on session 26's outputs (--tag s76), judged blind by a
    # helper that saw only the sheet.
    ("review-judgments-s26.jsonl", 70, 141, "ccb7df55ef"),
    # Session 27: items 81-90 again, on session 27's outputs (--tag s77), judged blind by a
    # helper that saw only the sheet.
    ("review-judgments-s27.jsonl", 80, 151, "67cc3d7b7e"),
    # Session 28: items 91-100 again, on session 28's outputs (--tag s83), judged blind by a
    # helper that saw only the sheet.
    ("review-judgments-s28.jsonl", 90, 161, "3b22a606bf"),
    # Session 29: items 11-20 again, on session 29's outputs (--tag s85), judged blind by a
    # helper that saw only the sheet. The floors were chosen on these items (with session
    # 9's outputs), so the set counts with the chosen-on ones.
    ("review-judgments-s29.jsonl", 10, 171, "bf69dd07a4"),
    # Session 30: items 11-20 and 21-30 again, on session 30's outputs (--tag s90), each
    # judged blind by a helper that saw only the sheet (items 11-20 by a second one too,
    # review-judgments-s30a2.jsonl, left out here so that no output counts twice).
    ("review-judgments-s30a.jsonl", 10, 171, "c76d5aa5a0"),
    ("review-judgments-s30b.jsonl", 20, 301, "c76d5aa5a0"),
    # Session 31: items 51-60 and 61-70 again, on session 31's outputs (--tag s91), each
    # judged blind by two helpers that saw only the sheet (the second judgments,
    # review-judgments-s31a2/b2.jsonl, left out here so that no output counts twice).
    ("review-judgments-s31a1.jsonl", 50, 311, "76ea4039b4"),
    ("review-judgments-s31b1.jsonl", 60, 321, "76ea4039b4"),
    # Session 32: items 71-80 and 81-90 again, on session 32's outputs (--tag s94), each
    # judged blind by two helpers that saw only the sheet (the second judgments,
    # review-judgments-s32a2/b2.jsonl, left out here so that no output counts twice).
    ("review-judgments-s32a1.jsonl", 70, 331, "ad9d38775b"),
    ("review-judgments-s32b1.jsonl", 80, 341, "ad9d38775b"),
    # Session 33: items 1-10 and 31-40 again, on session 33's outputs (--tag s96), each
    # judged blind by two helpers (the second judgments left out, as above).
    ("review-judgments-s33a1.jsonl", 0, 381, "286492e2d7"),
    ("review-judgments-s33b1.jsonl", 30, 371, "286492e2d7"),
    # Session 34: items 21-30 and 91-100 again, on session 34's outputs (--tag s98), each
    # judged blind by two helpers (the second judgments left out, as above).
    ("review-judgments-s34a1.jsonl", 20, 401, "58d7c5529e"),
    ("review-judgments-s34b1.jsonl", 90, 411, "58d7c5529e"),
]
CHOSEN_ON = 40  # sets with 10 <= skip < 40 (items 11-40) chose the floors


def judged() -> list[dict[str, Any]]:
    """Return ours' judged outputs of every set: source, output, diagnostics, verdict."""
    items = {it["id"]: it for it in load_items("redtrans", None, None)}
    out = []
    for name, skip, seed, key in SETS:
        ours = read_runs("ours", key)  # a set's outputs may come from a run per direction
        if not ours:
            print(f"left out: {name} (no outputs ours-{key} in the cache)")
            continue
        rows = [json.loads(x) for x in (RESULTS / name).read_text("utf-8").splitlines() if x]
        ids = {r["id"] for r in rows}
        if not ids <= ours.keys():  # one direction run again alone (session 30's code)
            print(f"left out: {name} ({len(ids - ours.keys())} outputs not in the cache)")
            continue
        labels = _labels([it["id"] for it in _cells(10, skip) if it["id"] in ids], seed)
        for r in rows:
            if labels[r["id"]][r["label"]] != "ours":
                continue
            it, row = items[r["id"]], ours[r["id"]]
            out.append(
                {
                    "skip": skip,
                    "src": it["src"],
                    "from": it["from"],
                    "to": it["to"],
                    "out": row["out"],
                    "flags": row["flags"],
                    "missed": row["missed"],
                    "wrong": bool(r["errors"]),
                }
            )
    return out


def scores(rows: list[dict[str, Any]]) -> None:
    """Add the model's token scores (outside glossary renderings) and the e5 similarity."""
    glossary = default_glossary()
    engine = local_engine()
    reqs = [TranslationRequest(r["src"], r["from"], r["to"]) for r in rows]
    tokens = engine.score(reqs, [r["out"] for r in rows])
    engine.close()
    sims = meaning_scorer()([r["src"] for r in rows], [r["out"] for r in rows])
    for r, found, sim in zip(rows, tokens, sims, strict=True):
        shown = [m.renderings[0] for m in glossary.find(r["src"], r["from"], r["to"])]
        r["tokens"] = confidence.outside(found, r["out"], [s for s in shown if s])
        r["sim"] = sim


def low(r: dict[str, Any], mode: str) -> bool:
    args = (r["src"], r["out"], r["from"], r["to"], r["flags"], r["missed"])
    if mode == "model":
        return confidence.estimate(*args, unlikely=r["tokens"]).level == "low"
    if mode == "embed":
        return confidence.estimate(*args, similarity=r["sim"]).level == "low"
    return confidence.estimate(*args).level == "low"


def rates(rows: list[dict[str, Any]], mode: str) -> dict[str, list[int]]:
    wrong = [r for r in rows if r["wrong"]]
    right = [r for r in rows if not r["wrong"]]
    return {
        "caught": [sum(low(r, mode) for r in wrong), len(wrong)],
        "false": [sum(low(r, mode) for r in right), len(right)],
    }


def choose(rows: list[dict[str, Any]]) -> None:
    """Show the floor sweep on items 11-40: the floor is the one that catches the most
    wrong outputs there while flagging at most 16% of the right ones."""
    chosen = [r for r in rows if 10 <= r["skip"] < CHOSEN_ON]
    keep = dict(confidence.LIKELIHOOD_FLOORS)
    lines = []
    for tenth in range(-40, -19):
        floor = tenth / 10
        for pair in keep:
            confidence.LIKELIHOOD_FLOORS[pair] = floor
        r = rates(chosen, "model")
        lines.append([f"{floor:.1f}", _pct(r["caught"]), _pct(r["false"])])
    confidence.LIKELIHOOD_FLOORS.update(keep)
    print(table(["floor", "caught (11-40)", "false (11-40)"], lines))


def _pct(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]} ({pair[0] / max(pair[1], 1):.0%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--choose", action="store_true", help="show the floor sweep")
    parser.add_argument("--save", default="confidence")
    args = parser.parse_args()
    rows = judged()
    scores(rows)
    if args.choose:
        choose(rows)
    groups = {
        "items 11-40 (chose the floors)": [r for r in rows if 10 <= r["skip"] < CHOSEN_ON],
        "items 41-100 (held out)": [r for r in rows if r["skip"] >= CHOSEN_ON],
        # Every judged output that chose nothing: items 41-100 and session 16's items 1-10.
        "every set not used to choose": [r for r in rows if not 10 <= r["skip"] < CHOSEN_ON],
    }
    for _name, skip, _seed, _key in SETS:
        members = [r for r in rows if r["skip"] == skip]
        if members:
            groups[f"items {skip + 1}-{skip + 10}"] = members
    summary: dict[str, Any] = {}
    lines = []
    for group, members in groups.items():
        summary[group] = {}
        for mode in ("model", "embed", "rules"):
            r = rates(members, mode)
            summary[group][mode] = r
            lines.append([group, mode, _pct(r["caught"]), _pct(r["false"])])
    print(
        table(["outputs", "confidence", "wrong caught (>= 50%)", "right flagged (<= 20%)"], lines)
    )
    print(f"saved {save(args.save, {'floors': str(confidence.LIKELIHOOD_FLOORS), **summary})}")


if __name__ == "__main__":
    main()
