"""Translation shapes above single texts: HTML documents and long texts streamed by line.

Both take the functions they need (translate a batch, detect a language) as parameters, so
they work over any :class:`~xxai.pipeline.Translator` and know no front end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from xxai.errors import XxaiError
from xxai.text.html import parse_html, translate_html
from xxai.types import Detection, TranslationResult

__all__ = ["StreamEvent", "split_lines", "stream_translation", "translate_documents"]

TranslateMany = Callable[[Sequence[str], str, str], list[TranslationResult]]
Detect = Callable[[str], Detection]
StreamEvent = tuple[str, dict[str, Any]]


def translate_documents(
    translate: TranslateMany,
    detect: Detect,
    docs: Sequence[str],
    target: str,
    source: str,
    engine: str,
) -> list[TranslationResult]:
    """Translate the text nodes of HTML documents, grouped by each document's language."""
    detections = [detect(parse_html(d).text()) if source == "auto" else None for d in docs]
    sources = [d.lang if d is not None else source for d in detections]

    def run(nodes: list[str], owners: list[int]) -> list[str]:
        out = [""] * len(nodes)
        for lang in dict.fromkeys(sources[o] for o in owners):
            picked = [i for i, o in enumerate(owners) if sources[o] == lang]
            src = "auto" if lang == "und" else lang
            results = translate([nodes[i] for i in picked], target, src)
            for i, result in zip(picked, results, strict=True):
                out[i] = result.translation
        return out

    translated = translate_html(list(docs), run)
    results = []
    for doc, out, detection, src in zip(docs, translated, detections, sources, strict=True):
        result = TranslationResult(doc, out, src, target, engine, unchanged=doc == out)
        result.detected = detection
        results.append(result)
    return results


def split_lines(text: str) -> list[tuple[int, str]]:
    """Split into (offset, line) pairs; the newlines stay out of the lines."""
    out = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        out.append((offset, line))
        offset += len(raw)
    return out or [(0, "")]


def _batches(n: int, largest: int) -> Iterator[range]:
    """Yield growing batches (1, 2, 4, ...) so the first line comes back fast."""
    start, size = 0, 1
    while start < n:
        yield range(start, min(n, start + size))
        start += size
        size = min(largest, size * 2)


def stream_translation(
    translate: TranslateMany,
    detection: Detection | None,
    text: str,
    target: str,
    source: str,
    batch_size: int,
) -> Iterator[StreamEvent]:
    """Yield ``start``, one ``unit`` per line, then ``done`` (or ``error``) events."""
    src = detection.lang if detection is not None else source
    src_arg = "auto" if src == "und" else src
    lines = split_lines(text)
    start: dict[str, Any] = {"source_lang": src, "target_lang": target, "lines": len(lines)}
    if detection is not None:
        start["detected"] = {"lang": detection.lang, "confidence": detection.confidence}
    yield "start", start
    translations: list[str] = []
    terms: list[dict[str, Any]] = []
    engine = model = ""
    try:
        for batch in _batches(len(lines), max(1, batch_size)):
            results = translate([lines[i][1] for i in batch], target, src_arg)
            for i, result in zip(batch, results, strict=True):
                offset = lines[i][0]
                shifted = [
                    {**t, "start": t["start"] + offset, "end": t["end"] + offset}
                    for t in result.to_json()["terms"]
                ]
                terms.extend(shifted)
                translations.append(result.translation)
                engine, model = result.engine, result.model
                unit = {"index": i, "offset": offset, "text": lines[i][1]}
                yield "unit", {**unit, "translation": result.translation, "terms": shifted}
    except XxaiError as exc:
        yield "error", {"error": str(exc), "status": exc.status}
        return
    yield (
        "done",
        {
            "text": text,
            "translation": "\n".join(translations),
            "source_lang": src,
            "target_lang": target,
            "engine": engine,
            "model": model,
            "terms": terms,
        },
    )
