from __future__ import annotations

import json
from pathlib import Path

from xxai.languages import pair_quality

# The latest full RedTrans runs (session 34: --tag s98, one run per direction).
RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
REDTRANS = ("redtrans-s98-zhen.json", "redtrans-s98-enzh.json")


def test_quality_notes_carry_the_benchmark_figures() -> None:
    # The notes `xxai languages` prints are the numbers benchmarks/redtrans.py saved.
    results = {}
    for name in REDTRANS:
        results.update(json.loads((RESULTS / name).read_text("utf-8"))["results"])
    for source, target in [("zh", "en"), ("en", "zh")]:
        row = results[f"{source}->{target}"]
        note = pair_quality(source, target)
        assert f"chrF {row['ours']['chrF']:.1f} vs {row['plain']['chrF']:.1f}" in note
        assert f"{row['ours']['n']} " in note
    zh_en = results["zh->en"]
    assert f"{zh_en['ours']['han_leftover_items']} vs {zh_en['plain']['han_leftover_items']}" in (
        pair_quality("zh", "en")
    )


def test_a_pair_that_needs_a_stronger_engine_says_so() -> None:
    assert "stronger engine" in pair_quality("zh", "de")
    assert "through English" in pair_quality("zh", "de")


def test_german_notes_carry_the_ntrex_figures() -> None:
    results = json.loads((RESULTS / "ntrex.json").read_text("utf-8"))["results"]
    for source in ("zh", "en"):
        row = results[f"{source}->de"]
        note = pair_quality(source, "de")
        assert f"chrF {row['ours']['chrF']:.1f} vs {row['plain']['chrF']:.1f}" in note
        assert f"{row['ours']['n']} NTREX" in note


def test_notes_from_german_carry_the_ntrex_figures() -> None:
    # The pairs from German, measured on NTREX's German (de->zh through English).
    for pair, name in [
        (("de", "en"), "ntrex-deen-s86.json"),
        (("de", "zh"), "ntrex-dezh-s86p.json"),
    ]:
        results = json.loads((RESULTS / name).read_text("utf-8"))["results"]
        row = results["->".join(pair)]
        note = pair_quality(*pair)
        assert f"chrF {row['ours']['chrF']:.1f} vs {row['plain']['chrF']:.1f}" in note
        assert f"{row['ours']['n']} NTREX" in note
    assert "through English" in pair_quality("de", "zh")
    assert "stronger engine" in pair_quality("de", "zh")
