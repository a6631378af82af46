"""Candidate selection without a reference: would picking among several translations help?

Reads outputs that ``benchmarks/redtrans.py`` stored in its cache (one file per system and
configuration, named ``SYSTEM-KEY``), for the items every candidate has, and reports:
- each candidate's corpus chrF against the references;
- consensus selection (minimum Bayes risk): for each item, the candidate whose chrF against
  the other candidates is highest on average, for every pool of two or more candidates;
- the oracle: for each item, the candidate closest to its reference (no system has it).

Measured on NTREX zh->de in session 18 (README, Quality): the best pool gained 0.41 chrF for
twice the model time, so no selection is shipped.

Usage:
  .venv/bin/python benchmarks/selection.py --data ntrex --direction zh-de \\
      --candidate ours-5c8eb1cb9a --candidate plain-63e0c2ee75 ... [--save NAME]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from redtrans import CACHE, load_items, read_cache

from _common import save, table


def consensus(outputs: dict[str, list[str]], pool: tuple[str, ...]) -> list[str]:
    """For each item, the pool's output with the highest mean chrF against the others."""
    import sacrebleu

    picked = []
    for i in range(len(next(iter(outputs.values())))):

        def agreement(name: str, i: int = i) -> float:
            others = [outputs[o][i] for o in pool if o != name]
            return sum(sacrebleu.sentence_chrf(outputs[name][i], [o]).score for o in others)

        picked.append(outputs[max(pool, key=agreement)][i])
    return picked


def main(argv: list[str] | None = None) -> None:
    import sacrebleu

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", choices=["redtrans", "ntrex"], default="ntrex")
    parser.add_argument("--direction", default="zh-de", help="e.g. zh-de")
    parser.add_argument(
        "--candidate",
        action="append",
        required=True,
        help="a cache file's name without .jsonl (SYSTEM-KEY); two or more",
    )
    parser.add_argument("--save", help="save the results as benchmarks/results/NAME.json")
    args = parser.parse_args(argv)
    if len(args.candidate) < 2:
        raise SystemExit("give at least two --candidate")

    src, _, tgt = args.direction.partition("-")
    items = [it for it in load_items(args.data, None, None) if (it["from"], it["to"]) == (src, tgt)]
    cached = {}
    for name in args.candidate:
        path = CACHE / args.data / f"{name}.jsonl"
        if not path.is_file():
            raise SystemExit(f"no cached outputs {path}: run benchmarks/redtrans.py first")
        cached[name] = read_cache(path)
    items = [it for it in items if all(it["id"] in rows for rows in cached.values())]
    if not items:
        raise SystemExit("the candidates have no item in common")
    refs = [it["ref"] for it in items]
    outputs = {n: [str(rows[it["id"]]["out"]) for it in items] for n, rows in cached.items()}

    def chrf(hyps: list[str]) -> float:
        return round(sacrebleu.corpus_chrf(hyps, [refs]).score, 2)

    results: dict[str, Any] = {"items": len(items), "candidates": {}, "consensus": {}}
    rows: list[list[Any]] = []
    for name, hyps in outputs.items():
        results["candidates"][name] = chrf(hyps)
        rows.append([name, results["candidates"][name]])
    names = list(outputs)
    for size in range(2, len(names) + 1):
        for pool in itertools.combinations(names, size):
            score = chrf(consensus(outputs, pool))
            results["consensus"][" + ".join(pool)] = score
            rows.append([f"consensus of {' + '.join(pool)}", score])

    def closest(i: int) -> str:
        return max(
            (outputs[n][i] for n in names),
            key=lambda h: sacrebleu.sentence_chrf(h, [refs[i]]).score,
        )

    oracle = [closest(i) for i in range(len(refs))]
    results["oracle"] = chrf(oracle)
    rows.append(["oracle (closest to the reference)", results["oracle"]])
    print(f"{args.data} {args.direction}: {len(items)} items")
    print(table(["selection", "chrF"], rows))
    if args.save:
        print(f"saved {save(args.save, results)}")


if __name__ == "__main__":
    main()
