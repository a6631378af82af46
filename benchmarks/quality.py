"""Translation quality on Tatoeba: our pipeline against the same model prompted plainly.

chrF and BLEU (sacrebleu) for zh->en (all English references) and en->zh (the first
English reference as source, the Chinese sentence, in simplified script, as reference).

Usage: .venv/bin/python benchmarks/quality.py [--limit 500] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from xxai.engines.base import TranslationRequest
from xxai.pipeline import Translator
from xxai.slang.glossary import default_glossary

from _common import local_engine, save, table, tatoeba, timed


@functools.cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return str(_t2s().convert(text))  # type: ignore[attr-defined]


def scores(hyps: list[str], refs: list[list[str]], tokenize: str) -> dict[str, float]:
    import sacrebleu

    width = max(len(r) for r in refs)
    # sacrebleu wants equally many reference streams: repeat a sentence's last reference
    # (a duplicate reference changes neither chrF nor BLEU).
    streams = [[r[min(i, len(r) - 1)] for r in refs] for i in range(width)]
    chrf = sacrebleu.corpus_chrf(hyps, streams)
    bleu = sacrebleu.corpus_bleu(hyps, streams, tokenize=tokenize)
    return {"chrF": round(chrf.score, 2), "BLEU": round(bleu.score, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    args = parser.parse_args()

    data = tatoeba(args.limit)
    engine = local_engine(args.model)
    ours = Translator(engine, default_glossary())
    directions = {
        "zh->en": ([zh for zh, _ in data], [refs for _, refs in data], "zh", "en", "13a"),
        "en->zh": (
            [refs[0] for _, refs in data],
            [[simplified(zh)] for zh, _ in data],
            "en",
            "zh",
            "zh",
        ),
    }
    rows = []
    results: dict[str, dict[str, object]] = {}
    for name, (sources, refs, src, tgt, tok) in directions.items():
        reqs = [TranslationRequest(s, src, tgt) for s in sources]
        plain_out, dt_plain = timed(engine.translate_plain, reqs)
        ours_res, dt_ours = timed(ours.translate_many, sources, tgt, src)
        ours_out = [r.translation for r in ours_res]
        if tgt == "zh":
            plain_out = [simplified(h) for h in plain_out]
            ours_out = [simplified(h) for h in ours_out]
        s_plain = scores(plain_out, refs, tok)
        s_ours = scores(ours_out, refs, tok)
        results[name] = {
            "plain": s_plain,
            "ours": s_ours,
            "seconds": {"plain": round(dt_plain, 1), "ours": round(dt_ours, 1)},
            "examples": [
                {"source": sources[i], "plain": plain_out[i], "ours": ours_out[i], "refs": refs[i]}
                for i in range(5)
            ],
        }
        rows.append([name, "plain model", s_plain["chrF"], s_plain["BLEU"], f"{dt_plain:.0f}"])
        rows.append([name, "xxai pipeline", s_ours["chrF"], s_ours["BLEU"], f"{dt_ours:.0f}"])
    print(f"Tatoeba dev, {len(data)} sentences, model {args.model}")
    print(table(["direction", "system", "chrF", "BLEU", "seconds"], rows))
    path = save("quality", {"sentences": len(data), "model": args.model, "results": results})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
