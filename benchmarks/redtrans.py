"""Translation quality on real RedNote posts (RedTrans) and German news (NTREX), resumable.

Systems, all on the same model with greedy decoding:
- ``plain``: the model asked plainly ("Translate the following text from X to Y"), whole text.
- ``ours``: the xxai pipeline (prompt, glossary, checks), with ``--opts`` for levers.
- ``pivot`` (NTREX zh->de only): ours zh->en, then ours en->de (``ours`` pivots zh->de by
  default; ``--opts pivot=none`` translates directly).
- ``pivot-plain`` (zh sources only): ours zh->en, then the model asked plainly into the target
  (a candidate for ``benchmarks/selection.py``).
- ``plain-pivot`` (zh sources only): the model asked plainly into English, then ours en->de.

``--data ntrex-en`` scores zh->en on NTREX against its English original: the first leg of
zh->de on its own. ``--data ntrex-de`` scores de->en and de->zh on NTREX's German (``--opts
pivot=de-zh`` also takes de->zh through English).

Every output is stored in ``benchmarks/results/cache/`` (git-ignored: outputs of licensed
data stay out of the repository), keyed by system, configuration and item, so a run can be
split into chunks under the shared lock (``--budget`` seconds, then it stops and a later
run resumes) and the plain baseline is computed once. When every selected item has an
output, the script prints chrF/BLEU by direction and kind, and the hygiene counts: Han
leftovers in en/de output, renderings appended in brackets, and prompt text in outputs.

Usage:
  flock /tmp/xxai-heavy.lock .venv/bin/python benchmarks/redtrans.py --per-cell 20 --budget 500
  .venv/bin/python benchmarks/redtrans.py --per-cell 20 --report-only
  flock ... benchmarks/redtrans.py --data ntrex --per-cell 100 --systems plain,ours,pivot
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _common import REPO, RESULTS, meaning_scorer, save, table

DATA = REPO.parent / "shared" / "data"
CACHE = RESULTS / "cache"
_HAN = re.compile(r"[\u3400-\u9fff]")
# Text of our own prompt that must never reach a reader.
_INSTRUCTION = re.compile(
    r"<text>|</text>|Glossary:|Translate from |\[\[\d+\]\]|Note:|placeholder|Keep every|"
    r"Reply with the translation|glossary rendering|target language",
    re.IGNORECASE,
)

Item = dict[str, str]


def load_items(
    data: str, per_cell: int | None, limit: int | None, skip: int = 0, context: bool = False
) -> list[Item]:
    """Return the selected items: the first ``per_cell`` of each direction x kind, after
    the first ``skip`` of each. ``context`` (NTREX): each sentence carries the one before
    it in the file as its context, where their ids follow each other (newstest2019 is
    whole documents in order; a new document's first sentence may get the last one of the
    document before)."""
    items: list[Item] = []
    if data == "redtrans":
        for line in (DATA / "redtrans-dev.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            items.append(
                {
                    "id": row["id"],
                    "src": row["src"],
                    "ref": row["ref"],
                    "from": row["from"],
                    "to": row["to"],
                    "kind": row["kind"],
                }
            )
    elif data == "ntrex-en":
        # zh->en against NTREX's English (the English is the original the Chinese and
        # German were translated from): how good the first leg of zh->de is.
        for line in (DATA / "ntrex-dev.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            items.append(
                {
                    "id": f"{row['id']}-zh",
                    "src": row["zh"],
                    "ref": row["en"],
                    "from": "zh",
                    "to": "en",
                    "kind": "news",
                }
            )
    elif data == "ntrex-de":
        # German into English and Chinese (NTREX's German, English and Chinese are each
        # other's translations): the pairs from German that `xxai languages` rates.
        for line in (DATA / "ntrex-dev.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            for to in ("en", "zh"):
                items.append(
                    {
                        "id": f"{row['id']}-de-{to}",
                        "src": row["de"],
                        "ref": row[to],
                        "from": "de",
                        "to": to,
                        "kind": "news",
                    }
                )
    else:
        before: dict[str, Any] = {}
        for line in (DATA / "ntrex-dev.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            number = int(row["id"].removeprefix("ntrex"))
            follows = before.get("number") == number - 1
            for src in ("en", "zh"):
                item = {
                    "id": f"{row['id']}-{src}",
                    "src": row[src],
                    "ref": row["de"],
                    "from": src,
                    "to": "de",
                    "kind": "news",
                }
                if context:
                    item["context"] = before[src] if follows else ""
                items.append(item)
            before = {"number": number, "en": row["en"], "zh": row["zh"]}
    if per_cell or skip:
        seen: dict[tuple[str, str, str], int] = {}
        kept = []
        for item in items:
            cell = (item["from"], item["to"], item["kind"])
            seen[cell] = seen.get(cell, 0) + 1
            if skip < seen[cell] <= skip + (per_cell or len(items)):
                kept.append(item)
        items = kept
    return items[:limit] if limit else items


def parse_opts(text: str) -> dict[str, Any]:
    """Parse ``key=value,key=value`` Translator options (ints and booleans as such)."""
    opts: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        opts[key] = int(value) if value.lstrip("-").isdigit() else value
    return opts


def cache_file(data: str, system: str, key: str) -> Path:
    return CACHE / data / f"{system}-{key}.jsonl"


def read_cache(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {row["id"]: row for row in rows}


def read_runs(system: str, keys: str) -> dict[str, dict[str, Any]]:
    """Read a system's cached RedTrans outputs of one run or several, comma-separated
    (``KEY1,KEY2``: one run per direction, say); the first run that has an item gives it."""
    outputs: dict[str, dict[str, Any]] = {}
    for key in reversed(keys.split(",")):
        outputs.update(read_cache(cache_file("redtrans", system, key.strip())))
    return outputs


def append_cache(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


class Systems:
    """The engine and translators, created on first use (no model load for a report)."""

    def __init__(self, opts: dict[str, Any], max_tokens: int) -> None:
        self.opts = opts
        self.max_tokens = max_tokens
        self._engine: Any = None
        self._ours: Any = None

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from xxai.engines.local import LocalEngine
            from xxai.models import resolve_model

            from _common import MODEL_HOME

            path = resolve_model("qwen2.5-coder-1.5b", MODEL_HOME)
            self._engine = LocalEngine(
                path, "qwen2.5-coder-1.5b", n_ctx=8192, max_tokens=self.max_tokens
            )
        return self._engine

    @property
    def ours(self) -> Any:
        if self._ours is None:
            from xxai.pipeline import Translator
            from xxai.slang.glossary import default_glossary

            opts = dict(self.opts)
            opts.pop("context", None)  # context=previous: read by load_items and run
            if "protect" in opts:  # protect=url+mention+topic: the kinds frozen as placeholders
                opts["protect_kinds"] = frozenset(str(opts.pop("protect")).split("+"))
            if opts.get("pivot") == "none":  # pivot=none: translate zh->de directly
                opts["pivot"] = {}
            elif opts.get("pivot") == "de-zh":  # de->zh through English too
                opts["pivot"] = {("zh", "de"): "en", ("de", "zh"): "en"}
            if opts.pop("similarity", 1):  # the confidence estimate's meaning scorer
                opts["similarity"] = meaning_scorer()
            if opts.pop("lexicon", 1):
                from xxai.learn.hints import WordHints

                opts["lexicon"] = WordHints()
            self._ours = Translator(self.engine, default_glossary(), **opts)
        return self._ours

    def run(self, system: str, items: list[Item]) -> list[dict[str, Any]]:
        """Translate ``items`` (one direction) with ``system``; return cache rows."""
        src, tgt = items[0]["from"], items[0]["to"]
        texts = [it["src"] for it in items]
        extra: list[dict[str, Any]] = [{} for _ in items]
        if system == "plain":
            from xxai.engines.base import TranslationRequest

            reqs = [TranslationRequest(t, src, tgt) for t in texts]
            outs = self.engine.translate_plain(reqs)
        elif system == "ours":
            context = [it.get("context", "") for it in items] if "context" in items[0] else []
            results = self.ours.translate_many(texts, tgt, src, context=context)
            outs = [r.translation for r in results]
            extra = [_diagnostics(r) for r in results]
        elif system == "pivot":
            mid = [r.translation for r in self.ours.translate_many(texts, "en", src)]
            results = self.ours.translate_many(mid, tgt, "en")
            outs = [r.translation for r in results]
            extra = [{"pivot": m, **_diagnostics(r)} for m, r in zip(mid, results, strict=True)]
        elif system == "plain-pivot":
            from xxai.engines.base import TranslationRequest

            mid = self.engine.translate_plain([TranslationRequest(t, src, "en") for t in texts])
            results = self.ours.translate_many(mid, tgt, "en")
            outs = [r.translation for r in results]
            extra = [{"pivot": m, **_diagnostics(r)} for m, r in zip(mid, results, strict=True)]
        elif system == "pivot-plain":
            from xxai.engines.base import TranslationRequest

            mid = [r.translation for r in self.ours.translate_many(texts, "en", src)]
            outs = self.engine.translate_plain([TranslationRequest(m, "en", tgt) for m in mid])
            extra = [{"pivot": m} for m in mid]
        else:
            raise SystemExit(f"unknown system {system!r}")
        return [
            {"id": it["id"], "out": out, **ex}
            for it, out, ex in zip(items, outs, extra, strict=True)
        ]


def _diagnostics(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"flags": list(result.flags), "missed": list(result.missed)}
    if result.confidence is not None:
        data["confidence"] = result.confidence.level
        data["reasons"] = list(result.confidence.reasons)
    return data


def system_key(system: str, opts: dict[str, Any], tag: str, max_tokens: int) -> str:
    from xxai.engines.prompts import PROMPT_VERSION

    if system == "plain":
        material = f"plain|max_tokens={max_tokens}"
    else:
        material = f"{system}|{PROMPT_VERSION}|{sorted(opts.items())}|{tag}|{max_tokens}"
    return hashlib.sha256(material.encode()).hexdigest()[:10]


def fill(
    data: str,
    systems: list[str],
    items: list[Item],
    runner: Systems,
    keys: dict[str, str],
    budget: float,
    chunk: int,
) -> bool:
    """Translate missing items in chunks until done or out of time; return True when done."""
    start = time.monotonic()
    for system in systems:
        path = cache_file(data, system, keys[system])
        done = read_cache(path)
        todo = [it for it in items if it["id"] not in done and _applies(system, it)]
        # Group by direction (one engine call per chunk of one direction), short first so
        # that a chunk's sequences finish together.
        todo.sort(key=lambda it: (it["from"], it["to"], len(it["src"])))
        i = 0
        while i < len(todo):
            if time.monotonic() - start > budget:
                print(f"budget spent: {len(todo) - i} items left for {system}", flush=True)
                return False
            group = [todo[i]]
            while (
                i + len(group) < len(todo)
                and len(group) < chunk
                and todo[i + len(group)]["from"] == group[0]["from"]
                and todo[i + len(group)]["to"] == group[0]["to"]
            ):
                group.append(todo[i + len(group)])
            t0 = time.monotonic()
            rows = runner.run(system, group)
            for row in rows:
                row["seconds"] = round((time.monotonic() - t0) / len(rows), 3)
            append_cache(path, rows)
            i += len(group)
            print(
                f"{system}: {i}/{len(todo)} ({time.monotonic() - t0:.0f}s this chunk)",
                flush=True,
            )
    return True


def _applies(system: str, item: Item) -> bool:
    return system not in {"pivot", "pivot-plain", "plain-pivot"} or item["from"] == "zh"


def leftovers(text: str) -> int:
    """Count Han characters outside mentions, tags and URLs."""
    from xxai.text.protect import find_protected_spans

    keep = {"mention", "topic", "hashtag", "url", "email"}
    spans = [(s, e) for s, e, kind in find_protected_spans(text) if kind in keep]
    return sum(
        1 for i, ch in enumerate(text) if _HAN.match(ch) and not any(s <= i < e for s, e in spans)
    )


def bracketed_renderings(src: str, out: str, source: str, target: str) -> int:
    """Count glossary renderings of the source's terms that appear only inside brackets."""
    from xxai.slang.glossary import default_glossary

    found = 0
    inside = " ".join(re.findall(r"[(（]([^()（）]{1,60})[)）]", out))
    outside = re.sub(r"[(（][^()（）]{1,60}[)）]", " ", out).lower()
    for match in default_glossary().find(src, source, target):
        for rendering in match.renderings:
            r = rendering.lower()
            if r in inside.lower() and r not in outside and rendering not in src:
                found += 1
                break
    return found


def score(
    items: list[Item], outputs: dict[str, dict[str, str]], systems: list[str]
) -> tuple[list[list[Any]], dict[str, Any]]:
    import sacrebleu

    from xxai.pipeline import convert_script
    from xxai.text.leaks import example_copied, glossary_pair, preamble

    groups: dict[str, list[Item]] = {}
    for it in items:
        direction = f"{it['from']}->{it['to']}"
        groups.setdefault(direction, []).append(it)
        groups.setdefault(f"{direction} {it['kind']}", []).append(it)
    rows: list[list[Any]] = []
    summary: dict[str, Any] = {}
    for name, group in sorted(groups.items()):
        tgt = group[0]["to"]
        for system in systems:
            if not all(_applies(system, it) for it in group):
                continue
            hyps = [outputs[system][it["id"]] for it in group]
            refs = [it["ref"] for it in group]
            if tgt == "zh":
                hyps = [convert_script(h, "zh") for h in hyps]
                refs = [convert_script(r, "zh") for r in refs]
            chrf = sacrebleu.corpus_chrf(hyps, [refs]).score
            bleu = sacrebleu.corpus_bleu(
                hyps, [refs], tokenize="zh" if tgt == "zh" else "13a"
            ).score
            han = [leftovers(h) for h in hyps] if tgt != "zh" else [0] * len(hyps)
            brackets = sum(
                bracketed_renderings(it["src"], h, it["from"], tgt)
                for it, h in zip(group, hyps, strict=True)
            )
            # Our prompt's words, a glossary line in its form ("Bolivia = Bolivien"), a
            # lead-in, or one of the prompt's worked examples.
            instr = sum(
                1
                for it, h in zip(group, hyps, strict=True)
                if _INSTRUCTION.search(h)
                or glossary_pair(it["src"], h)
                or preamble(it["src"], h)
                or example_copied(it["src"], h)
            )
            stats = {
                "n": len(group),
                "chrF": round(chrf, 2),
                "BLEU": round(bleu, 2),
                "han_leftover_items": sum(1 for n in han if n),
                "mostly_untranslated": sum(
                    1 for n, h in zip(han, hyps, strict=True) if n > 0.3 * max(len(h), 1)
                ),
                "bracket_renderings": brackets,
                "instruction_text": instr,
            }
            summary.setdefault(name, {})[system] = stats
            rows.append(
                [
                    name,
                    system,
                    len(group),
                    stats["chrF"],
                    stats["BLEU"],
                    stats["han_leftover_items"],
                    brackets,
                    instr,
                ]
            )
    return rows, summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", choices=["redtrans", "ntrex", "ntrex-en", "ntrex-de"], default="redtrans"
    )
    parser.add_argument("--systems", default="plain,ours")
    parser.add_argument("--per-cell", type=int, help="first N items of each direction x kind")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N of each cell")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--direction", help="only this direction, e.g. zh-de")
    parser.add_argument("--kind", help="only this kind: note-title, note-content, comment")
    parser.add_argument("--opts", default="", help="Translator options: key=value,...")
    parser.add_argument("--tag", default="v1", help="bump when pipeline code changes")
    parser.add_argument("--budget", type=float, default=480, help="seconds of model work")
    parser.add_argument("--chunk", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=1024)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--partial", action="store_true", help="report on the items every system has done"
    )
    parser.add_argument("--save", help="save the summary as benchmarks/results/NAME.json")
    args = parser.parse_args(argv)

    systems = [s for s in args.systems.split(",") if s]
    opts = parse_opts(args.opts)
    if opts.get("context", "previous") != "previous":
        raise SystemExit("--opts context=previous is the only context there is (NTREX)")
    items = load_items(args.data, args.per_cell, args.limit, args.skip, "context" in opts)
    if args.direction:
        src, _, tgt = args.direction.partition("-")
        items = [it for it in items if it["from"] == src and it["to"] == tgt]
    if args.kind:
        items = [it for it in items if it["kind"] == args.kind]
    keys = {s: system_key(s, opts, args.tag, args.max_tokens) for s in systems}
    runner = Systems(opts, args.max_tokens)
    if not args.report_only:
        done = fill(args.data, systems, items, runner, keys, args.budget, args.chunk)
        if not done:
            print("not finished: run again to resume")
            return
    outputs = {}
    cached = {s: read_cache(cache_file(args.data, s, keys[s])) for s in systems}
    if args.partial:
        items = [it for it in items if all(it["id"] in cached[s] for s in systems)]
    for system in systems:
        rows = cached[system]
        missing = [it["id"] for it in items if it["id"] not in rows and _applies(system, it)]
        if missing:
            print(f"{system}: {len(missing)} items have no output yet; run without --report-only")
            return
        outputs[system] = {k: str(v["out"]) for k, v in rows.items()}
    rows, summary = score(items, outputs, systems)
    headers = ["set", "system", "n", "chrF", "BLEU", "han-left", "brackets", "instr"]
    print(f"{args.data}: {len(items)} items, opts={args.opts or '-'} tag={args.tag}")
    print(table(headers, rows))
    if args.save:
        meta = {"items": len(items), "opts": opts, "tag": args.tag, "keys": keys}
        print(f"saved {save(args.save, {**meta, 'results': summary})}")


if __name__ == "__main__":
    main()
