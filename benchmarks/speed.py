"""Speed of the local engine: single posts, a batch of 200, cache hits, peak memory.

Compares, in one run on one loaded model:
- batch throughput of our engine (shared prompt prefix + several sequences decoded together)
  against the same engine translating the same posts one at a time;
- a single post's latency through the whole pipeline against the bare model
  (llama-cpp-python's ``Llama.create_completion`` on the same prompt, same output length).

Usage: .venv/bin/python benchmarks/speed.py [--posts 200] [--single 20]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from xxai.config import load_settings
from xxai.engines.cache import CachedEngine, TranslationCache
from xxai.pipeline import Translator
from xxai.slang.glossary import default_glossary

from _common import MODEL_HOME, local_engine, median, percentile, save, table, tatoeba, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--single", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    posts = [zh for zh, _refs in tatoeba()][: args.posts]
    engine = local_engine(batch_size=args.batch_size)
    glossary = default_glossary()
    plain = Translator(engine, glossary)
    plain.translate("热身。", "en")  # prefill the fixed prompt once (start-up cost)

    # Single posts, one at a time: the whole pipeline, our engine alone, and the bare model
    # on the same prompt and output length, interleaved post by post so that a slow patch
    # of a shared machine hits all of them alike.
    singles = posts[: args.single]
    single_lat = []
    from llama_cpp import Llama

    from xxai.engines.base import TranslationRequest
    from xxai.engines.prompts import user_message

    bare = Llama(
        str(MODEL_HOME / "models" / "qwen2.5-coder-1.5b.gguf"),
        n_ctx=4096,
        n_threads=2,
        verbose=False,
    )
    warm = engine._prefix_text + user_message(TranslationRequest("热身。", "zh", "en"))
    bare.create_completion(warm + engine._suffix_text, max_tokens=1, temperature=0)
    bare_lat, decode_only_lat, ours_engine_lat = [], [], []
    for post in singles:
        req = TranslationRequest(post, "zh", "en")
        content = user_message(req)
        _r, dt_pipeline = timed(plain.translate, post, "en")
        single_lat.append(dt_pipeline)
        prompt = engine._prefix_text + content + engine._suffix_text
        out, dt_ours = timed(engine.generate, [content])
        n_out = len(engine._model.tokenize(out[0].encode(), False, False)) + 1
        # Realistic bare use: the previous post's prompt is cached, so only the fixed
        # prefix is reused (llama-cpp-python does that by itself), as in our engine.
        _o, dt_bare = timed(bare.create_completion, prompt, max_tokens=n_out, temperature=0)
        # Decode only: the same prompt again, wholly cached; only the output is computed.
        _o, dt_decode = timed(bare.create_completion, prompt, max_tokens=n_out, temperature=0)
        bare.create_completion(warm + engine._suffix_text, max_tokens=1, temperature=0)
        bare_lat.append(dt_bare)
        decode_only_lat.append(dt_decode)
        ours_engine_lat.append(dt_ours)
    del bare

    # Batch of posts: together, versus one at a time, same engine, same run.
    # A-B-A: batch, one at a time, batch again; the batch time is the mean of its two runs,
    # so a machine that speeds up or slows down during the run favours neither side.
    _res, dt_batch_1 = timed(plain.translate_many, posts, "en", "zh")
    one_lat = []
    for post in posts:
        _r, dt = timed(plain.translate, post, "en", "zh")
        one_lat.append(dt)
    dt_one = sum(one_lat)
    _res, dt_batch_2 = timed(plain.translate_many, posts, "en", "zh")
    dt_batch = (dt_batch_1 + dt_batch_2) / 2

    # Cache hits: translation memory in a temporary home.
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings({"home": home})
        cache = TranslationCache(Path(home) / "cache.sqlite")
        cached = Translator(
            CachedEngine(engine, cache, settings.output_fingerprint("local")), glossary
        )
        cached.translate_many(posts, "en", "zh")
        _r, dt_hits_batch = timed(cached.translate_many, posts, "en", "zh")
        hit_lat = [timed(cached.translate, p, "en", "zh")[1] for p in posts]

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(posts)
    rows = [
        [
            "single post (pipeline)",
            f"{len(singles) / sum(single_lat):.2f}",
            f"{median(single_lat) * 1000:.0f}",
            f"{percentile(single_lat, 95) * 1000:.0f}",
        ],
        [
            "single post (our engine only)",
            f"{len(singles) / sum(ours_engine_lat):.2f}",
            f"{median(ours_engine_lat) * 1000:.0f}",
            f"{percentile(ours_engine_lat, 95) * 1000:.0f}",
        ],
        [
            "single post (bare llama.cpp, same prompt+output)",
            f"{len(singles) / sum(bare_lat):.2f}",
            f"{median(bare_lat) * 1000:.0f}",
            f"{percentile(bare_lat, 95) * 1000:.0f}",
        ],
        [
            "single post (bare llama.cpp, decode only)",
            f"{len(singles) / sum(decode_only_lat):.2f}",
            f"{median(decode_only_lat) * 1000:.0f}",
            f"{percentile(decode_only_lat, 95) * 1000:.0f}",
        ],
        [
            f"{n} posts one at a time",
            f"{n / dt_one:.2f}",
            f"{median(one_lat) * 1000:.0f}",
            f"{percentile(one_lat, 95) * 1000:.0f}",
        ],
        [
            f"{n} posts as one batch (mean of runs before and after)",
            f"{n / dt_batch:.2f}",
            "-",
            "-",
        ],
        [f"{n} posts as one batch, first run", f"{n / dt_batch_1:.2f}", "-", "-"],
        [f"{n} posts as one batch, second run", f"{n / dt_batch_2:.2f}", "-", "-"],
        [f"{n} cache hits, one batch", f"{n / dt_hits_batch:.0f}", "-", "-"],
        [
            f"{n} cache hits, one at a time",
            f"{n / sum(hit_lat):.0f}",
            f"{median(hit_lat) * 1000:.1f}",
            f"{percentile(hit_lat, 95) * 1000:.1f}",
        ],
    ]
    ratios = {
        "batch_vs_one_at_a_time": round(dt_one / dt_batch, 2),
        "single_latency_vs_bare_median": round(median(ours_engine_lat) / median(bare_lat), 3),
        "single_latency_vs_bare_decode_only_median": round(
            median(ours_engine_lat) / median(decode_only_lat), 3
        ),
        "single_pipeline_latency_vs_bare_median": round(median(single_lat) / median(bare_lat), 3),
    }
    print(table(["case", "sentences/s", "p50 ms", "p95 ms"], rows))
    print(
        f"\nbatch throughput / one-at-a-time: {ratios['batch_vs_one_at_a_time']}x (target >= 1.8x)"
    )
    print(
        f"single post engine latency / bare model, median: "
        f"{ratios['single_latency_vs_bare_median']} (target <= 1.10)"
    )
    print(
        f"single post engine latency / bare decode only (prompt fully cached), median: "
        f"{ratios['single_latency_vs_bare_decode_only_median']}"
    )
    print(
        f"single post whole-pipeline latency / bare model, median: "
        f"{ratios['single_pipeline_latency_vs_bare_median']}"
    )
    print(f"peak memory (RSS): {peak_mb:.0f} MB")
    path = save(
        "speed",
        {
            "rows": rows,
            "ratios": ratios,
            "peak_rss_mb": round(peak_mb),
            "posts": n,
            "batch_size": args.batch_size,
        },
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
