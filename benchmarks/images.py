"""Images: OCR accuracy by kind, block grouping, slang end to end, and seconds per image.

The images come from benchmarks/imagegen.py (Pillow draws text we wrote, so the ground truth
is exact). Measures:

- OCR character error rate (CER) by kind: each ground-truth line is compared with the OCR
  boxes whose centres fall in it (edit distance / characters; NFKC, whitespace ignored), so
  grouping errors do not count twice. "clean" = flat colour, "photo" = text over photo-like
  backgrounds (JPEG), "noisy" = turned up to 8 degrees and saved as low-quality JPEG.
- Block grouping: a true block counts when the centres of all its lines fall in one found
  block and no other true block's do; reading order: images whose matched blocks come in the
  true order.
- Slang end to end (real model): a term counts when the image's result lists it and the
  drawn translation contains its glossary rendering.
- Seconds per image, OCR alone and end to end (OCR + translation + drawing), for a 1080x1440
  note image and a 600x600 meme, medians of several runs.

Run it under the shared lock: flock /tmp/xxai-heavy.lock .venv/bin/python benchmarks/images.py
Options: --per-kind N, --runs N, --no-model (skip the model parts), --threads N.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from xxai.images import OcrBox, get_ocr, group_blocks

from _common import MODEL_HOME, median, save, table
from imagegen import KINDS, Sample, make_sample

CLEAN = ("meme", "comment", "price", "caption", "vertical", "columns")
SAVED = Path(__file__).parent / "results" / "cache" / "images"  # git-ignored: to look at


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance between two strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _bounds(poly: Any) -> tuple[float, float, float, float]:
    xs = [p[0] for p in poly]
    ys = [p[1] for p in poly]
    return min(xs), min(ys), max(xs), max(ys)


def line_errors(sample: Sample, boxes: list[OcrBox]) -> tuple[int, int]:
    """Return (edit distance, characters) over the sample's true lines."""
    errors = chars = 0
    for block in sample.blocks:
        for line, poly in zip(block.lines, block.polygons, strict=True):
            x0, y0, x1, y1 = _bounds(poly)
            pad = 0.2 * min(x1 - x0, y1 - y0)
            inside = []
            for box in boxes:
                bx0, by0, bx1, by1 = box.bounds
                cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
                if x0 - pad <= cx <= x1 + pad and y0 - pad <= cy <= y1 + pad:
                    inside.append(box)
            inside.sort(key=lambda b: b.bounds[1] if block.vertical else b.bounds[0])
            truth = _norm(line)
            errors += edit_distance(truth, _norm("".join(b.text for b in inside)))
            chars += len(truth)
    return errors, chars


def _center(poly: Any) -> tuple[float, float]:
    x0, y0, x1, y1 = _bounds(poly)
    return (x0 + x1) / 2, (y0 + y1) / 2


def grouping(sample: Sample, boxes: list[OcrBox]) -> tuple[int, int, bool]:
    """Return (blocks grouped right, true blocks, reading order right).

    A true block is grouped right when the centres of all its lines fall in one found block
    and no other true block's line centre does.
    """
    found = [b.bounds for b in group_blocks(boxes)]

    def owner(point: tuple[float, float]) -> int:
        for i, (x0, y0, x1, y1) in enumerate(found):
            if x0 <= point[0] <= x1 and y0 <= point[1] <= y1:
                return i
        return -1

    owners = [[owner(_center(p)) for p in block.polygons] for block in sample.blocks]
    right = 0
    order: list[int] = []
    for i, mine in enumerate(owners):
        others = {o for j, theirs in enumerate(owners) if j != i for o in theirs}
        if len(set(mine)) == 1 and mine[0] >= 0 and mine[0] not in others:
            right += 1
            order.append(mine[0])
    return right, len(sample.blocks), order == sorted(order)


def ocr_part(per_kind: int, threads: int) -> dict[str, Any]:
    ocr = get_ocr(threads)
    ocr.warm_up()
    by_kind: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        errors = chars = right = total = ordered = 0
        for seed in range(per_kind):
            sample = make_sample(kind, seed)
            boxes = ocr.read(sample.image.convert("RGB"), 1600, 0.5)
            e, c = line_errors(sample, boxes)
            r, t, in_order = grouping(sample, boxes)
            errors, chars, right, total = errors + e, chars + c, right + r, total + t
            ordered += in_order
        by_kind[kind] = {
            "images": per_kind,
            "chars": chars,
            "cer": errors / chars,
            "blocks_right": right,
            "blocks": total,
            "order_right": ordered,
        }
        print(f"{kind}: CER {100 * errors / chars:.2f}%, blocks {right}/{total}", flush=True)
    return by_kind


def _summary(by_kind: dict[str, dict[str, float]], kinds: tuple[str, ...]) -> dict[str, float]:
    rows = [by_kind[k] for k in kinds]
    return {
        "cer": sum(r["cer"] * r["chars"] for r in rows) / sum(r["chars"] for r in rows),
        "blocks": sum(r["blocks_right"] for r in rows) / sum(r["blocks"] for r in rows),
    }


def timing(runs: int, threads: int, service: Any | None) -> dict[str, dict[str, float]]:
    ocr = get_ocr(threads)
    out = {}
    for label, kind in (("note 1080x1440", "caption"), ("meme 600x600", "meme")):
        ocr_times, e2e_times = [], []
        for seed in range(runs):
            sample = make_sample(kind, seed)
            start = time.perf_counter()
            ocr.read(sample.image.convert("RGB"), 1600, 0.5)
            ocr_times.append(time.perf_counter() - start)
            if service is not None:
                start = time.perf_counter()
                result = service.translate_image(sample.png(), "zh" if not _is_zh(sample) else "en")
                e2e_times.append(time.perf_counter() - start)
                if result.rendered is not None:
                    SAVED.mkdir(parents=True, exist_ok=True)
                    result.rendered.save(SAVED / f"{sample.name}.png")
        out[label] = {"ocr_s": median(ocr_times), "end_to_end_s": median(e2e_times)}
    return out


def slang_part(service: Any, per_kind: int) -> dict[str, Any]:
    found = rendered = total = 0
    misses = []
    for kind in ("meme", "photo", "noisy"):
        for seed in range(per_kind):
            sample = make_sample(kind, seed)
            if not sample.terms:
                continue
            result = service.translate_image(sample.png(), "en" if _is_zh(sample) else "zh")
            found_terms = [t for b in result.blocks for t in b.terms]
            translation = result.translation.lower()
            for term in sample.terms:
                total += 1
                # The match is what the text says: "the GOAT" for GOAT, "she ate" for ate.
                hit = next((t for t in found_terms if term.lower() in t.term.lower()), None)
                if hit is None:
                    misses.append(f"{sample.name}: {term} not found in {result.text!r}")
                    continue
                found += 1
                if hit.rendering.lower() in translation:
                    rendered += 1
                else:
                    misses.append(f"{sample.name}: {term} -> {result.translation!r}")
    return {"terms": total, "found": found, "rendered": rendered, "misses": misses}


def _is_zh(sample: Sample) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for b in sample.blocks for ch in b.text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # partial output survives a kill

    by_kind = ocr_part(args.per_kind, args.threads)
    service = None
    if not args.no_model:
        from xxai.config import load_settings
        from xxai.service import Service

        settings = load_settings(
            {"home": str(MODEL_HOME), "ocr_threads": args.threads, "cache": False}
        )
        service = Service(settings)
        service.engine()
    speed = timing(args.runs, args.threads, service)
    slang = slang_part(service, args.per_kind) if service is not None else None

    rows = [
        [
            kind,
            int(r["images"]),
            int(r["chars"]),
            f"{100 * r['cer']:.2f}%",
            f"{int(r['blocks_right'])}/{int(r['blocks'])}",
            f"{int(r['order_right'])}/{int(r['images'])}",
        ]
        for kind, r in by_kind.items()
    ]
    print(table(["kind", "images", "chars", "CER", "blocks right", "order right"], rows))
    clean = _summary(by_kind, CLEAN)
    photo = _summary(by_kind, ("photo",))
    for name, part, target in (("clean", clean, 3), ("photo", photo, 8)):
        print(
            f"{name}: CER {100 * part['cer']:.2f}% (target <= {target}%), "
            f"blocks {100 * part['blocks']:.0f}%"
        )
    print()
    print(
        table(
            ["image", "OCR s (median)", "end to end s (median)"],
            [[k, f"{v['ocr_s']:.2f}", f"{v['end_to_end_s']:.2f}"] for k, v in speed.items()],
        )
    )
    if slang is not None:
        print(
            f"\nslang end to end: {slang['found']}/{slang['terms']} terms read, "
            f"{slang['rendered']}/{slang['terms']} rendered in the translation"
        )
        for miss in slang["misses"]:
            print("  miss:", miss)
    path = save(
        "images",
        {
            "threads": args.threads,
            "by_kind": by_kind,
            "clean": clean,
            "photo": photo,
            "speed": speed,
            "slang": slang,
        },
    )
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
