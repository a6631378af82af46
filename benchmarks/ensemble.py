"""zh->de: the German pass decoded from two sources at once (measured, not shipped).

The shipped zh->de path translates into English first and then the English into German.
This experiment decodes the German once for two prompts together: the English (our first
pass) and the Chinese original, each in its own KV-cache sequence. At every step both
give log-probabilities over the next token; the token taken is the argmax of
``log p(English prompt) + w * log p(Chinese prompt)``, and it is appended to both
sequences (a product of experts, greedy). ``w = 0`` is the English prompt alone, decoded
by the same loop, so the comparison holds everything else equal (no checks, no
retries, no glossary lines: the raw German pass).

Usage (one model process: run it under the shared lock):
  flock /tmp/xxai-heavy.lock .venv/bin/python benchmarks/ensemble.py --limit 120 \
      --weights 0,0.5,1 --save ensemble-zhde-s33
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _common import RESULTS, local_engine, save

NTREX = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntrex-dev.jsonl"


def _log_softmax(logits: Any) -> Any:
    x = logits.astype(np.float64)
    top = x.max()
    return x - top - np.log(np.exp(x - top).sum())


def joint_decode(engine: Any, first: list[str], second: list[str], weight: float) -> list[str]:
    """Greedy-decode one output per pair of user messages (``first[i]``, ``second[i]``),
    each token chosen by both (see the module docstring). Uses the local engine's
    decoding internals: an experiment, not an engine feature."""
    from xxai.engines.local import _HEAD_CELLS, _split_head

    llama, memory = engine._llama, engine._ctx.memory
    with engine._lock:
        engine._ensure_prefix()
        prefix_len = len(engine._prefix_tokens)
        heads, prompts = [], []
        for content in first + second:
            head, rest = _split_head(content)
            heads.append(head)
            prompts.append(engine._request_tokens(rest))
        starts = engine._place_heads(heads, prompts, prefix_len)
        n = len(first)
        results = [""] * n
        queue = deque(sorted(range(n), key=lambda i: -len(prompts[i])))
        free = deque(range(1, engine.batch_size + 1))
        active: list[tuple[Any, Any, int]] = []
        budget = engine.n_ctx - max(pos for _, pos in starts) - _HEAD_CELLS
        reserved = 0
        while queue or active:
            engine._batch.n_tokens = 0
            while queue and len(free) >= 2:
                i = queue[0]
                size = len(prompts[i]) + len(prompts[n + i])
                need = size + 2 * engine._max_new(len(prompts[i]))
                room = engine.n_batch - int(engine._batch.n_tokens) - 2 * len(active)
                if need > budget - reserved or size > room:
                    break
                queue.popleft()
                reserved += need
                a = engine._admit(i, prompts[i], free.popleft(), starts[i])
                b = engine._admit(n + i, prompts[n + i], free.popleft(), starts[n + i])
                active.append((a, b, need))
            for a, b, _need in active:
                for seq in (a, b):
                    if seq.logit_row == -2:
                        seq.logit_row = engine._batch_add(
                            seq.generated[-1], seq.pos, seq.slot, True
                        )
                        seq.pos += 1
            engine._decode()
            still = []
            for a, b, need in active:
                score = _log_softmax(engine._logits(a.logit_row))
                if weight:
                    score = score + weight * _log_softmax(engine._logits(b.logit_row))
                token = int(np.argmax(score))
                done = llama.llama_vocab_is_eog(engine._vocab, token)
                if not done:
                    a.generated.append(token)
                    b.generated.append(token)
                    done = len(a.generated) >= a.max_new
                if done:
                    results[a.index] = engine._detokenize(a.generated)
                    for seq in (a, b):
                        llama.llama_memory_seq_rm(memory, seq.slot, -1, -1)
                        free.append(seq.slot)
                    reserved -= need
                else:
                    a.logit_row = b.logit_row = -2
                    still.append((a, b, need))
            active = still
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=120, help="first N NTREX sentences")
    parser.add_argument("--weights", default="0,0.5,1", help="weights of the Chinese prompt")
    parser.add_argument("--save", default="", help="results name under benchmarks/results/")
    args = parser.parse_args()

    from sacrebleu.metrics import CHRF

    from xxai.engines.prompts import user_message
    from xxai.learn.hints import WordHints
    from xxai.pipeline import Translator
    from xxai.slang.glossary import default_glossary
    from xxai.types import TranslationRequest

    rows = [json.loads(line) for line in NTREX.read_text("utf-8").splitlines() if line.strip()]
    items = rows[: args.limit]
    engine = local_engine()
    # Outputs are kept beside the results, so a rerun scores without decoding again.
    cache = RESULTS / "cache" / f"ensemble-{args.limit}.json"
    outputs: dict[str, Any] = json.loads(cache.read_text("utf-8")) if cache.exists() else {}
    if "en" not in outputs:
        translator = Translator(engine, default_glossary(), lexicon=WordHints())
        done = translator.translate_many([it["zh"] for it in items], "en", "zh")
        outputs["en"] = [r.translation for r in done]
    english = [user_message(TranslationRequest(e, "en", "de")) for e in outputs["en"]]
    chinese = [user_message(TranslationRequest(it["zh"], "zh", "de")) for it in items]
    chrf = CHRF()
    refs = [[it["de"] for it in items]]
    scores = {}
    for weight in (float(w) for w in args.weights.split(",")):
        key = f"w{weight}"
        if key not in outputs:
            start = time.perf_counter()
            outputs[key] = joint_decode(engine, english, chinese, weight)
            outputs[key + "_seconds"] = round(time.perf_counter() - start, 1)
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(outputs, ensure_ascii=False), "utf-8")
        scores[key] = {
            "chrF": round(chrf.corpus_score(outputs[key], refs).score, 2),
            "seconds": outputs[key + "_seconds"],
        }
        print(key, scores[key], flush=True)
    if args.save:
        save(args.save, {"items": len(items), "weights": args.weights, "results": scores})


if __name__ == "__main__":
    main()
