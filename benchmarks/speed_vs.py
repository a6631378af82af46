"""Time per post of the pipeline against an earlier version of it (issue 11's speed target).

Run once per version, alternating, each in its own process (the code under test is whatever
``xxai`` imports: put an older checkout's ``src`` first on PYTHONPATH for the baseline);
each run appends one line to the git-ignored cache, and ``--report`` prints the medians and
the ratio. Posts: Tatoeba sentences (the speed benchmark's posts) and real RedNote posts,
translated one at a time into the other language, as a reader clicking on them would.

Usage:
  PYTHONPATH=/path/to/old/src .venv/bin/python benchmarks/speed_vs.py --label before
  .venv/bin/python benchmarks/speed_vs.py --label now
  .venv/bin/python benchmarks/speed_vs.py --report --before before --now now [--save NAME]
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _common import RESULTS, local_engine, meaning_scorer, median, save, table, tatoeba

RUNS = RESULTS / "cache" / "speed-vs.jsonl"


def _posts(n: int) -> list[tuple[str, str, str]]:
    """Return (kind, text, target): n Tatoeba sentences and n RedNote posts each way."""
    from redtrans import load_items

    posts = [("tatoeba zh->en", zh, "en") for zh, _refs in tatoeba()[:n]]
    for it in load_items("redtrans", None, None):
        kind = f"rednote {it['from']}->{it['to']}"
        if sum(p[0] == kind for p in posts) < n and len(it["src"]) <= 300:
            posts.append((kind, it["src"], it["to"]))
    return posts


def run(label: str, n: int) -> None:
    import xxai
    from xxai.pipeline import Translator
    from xxai.slang.glossary import default_glossary

    engine = local_engine()
    kwargs: dict[str, Any] = {}
    if "lexicon" in inspect.signature(Translator).parameters:
        from xxai.learn.hints import WordHints

        kwargs["lexicon"] = WordHints()
    params = inspect.signature(Translator).parameters
    if "likelihood" in params and os.environ.get("XXAI_CONFIDENCE") == "model":
        # confidence = model: the engine scores its own output.
        kwargs["likelihood"] = engine.score
    elif "similarity" in params:
        # The shipped default (confidence = embed): the estimate embeds text and translation.
        kwargs["similarity"] = meaning_scorer()
    translator = Translator(engine, default_glossary(), **kwargs)
    posts = _posts(n)
    translator.translate(posts[0][1], posts[0][2])  # warm-up: the fixed prompt's KV cache
    seconds: dict[str, list[float]] = {}
    for kind, text, target in posts:
        start = time.perf_counter()
        translator.translate(text, target)
        seconds.setdefault(kind, []).append(time.perf_counter() - start)
    RUNS.parent.mkdir(parents=True, exist_ok=True)
    with RUNS.open("a", encoding="utf-8") as fh:
        row = {"label": label, "code": str(Path(xxai.__file__).parent), "seconds": seconds}
        fh.write(json.dumps(row) + "\n")
    print(label, {k: round(median(v), 3) for k, v in seconds.items()})


def report(before: str, now: str, name: str = "speed-vs") -> None:
    rows = [json.loads(x) for x in RUNS.read_text("utf-8").splitlines() if x.strip()]
    by: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        for kind, values in row["seconds"].items():
            by.setdefault(row["label"], {}).setdefault(kind, []).extend(values)
    out, summary = [], {}
    for kind in by[now]:
        b, n = median(by[before][kind]), median(by[now][kind])
        out.append([kind, len(by[now][kind]), f"{b:.2f}", f"{n:.2f}", f"{n / b:.2f}x"])
        summary[kind] = {"before_s": round(b, 3), "now_s": round(n, 3), "ratio": round(n / b, 3)}
    runs = {label: sum(r["label"] == label for r in rows) for label in (before, now)}
    print(table(["posts", "n", f"{before} s/post", f"{now} s/post", "ratio"], out))
    print(f"saved {save(name, {'runs': runs, 'median_seconds_per_post': summary})}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", help="name of this run's code version")
    parser.add_argument("--posts", type=int, default=20, help="posts of each kind")
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--before", default="before")
    parser.add_argument("--now", default="now")
    parser.add_argument("--save", default="speed-vs", help="results file of --report (no .json)")
    args = parser.parse_args()
    if args.report:
        report(args.before, args.now, args.save)
    elif args.label:
        run(args.label, args.posts)
    else:
        parser.error("give --label or --report")


if __name__ == "__main__":
    main()
