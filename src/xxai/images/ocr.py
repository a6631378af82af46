"""Offline OCR with RapidOCR (PP-OCRv4 detection and recognition, shipped in its wheel).

The models load once per process, on first use, under a lock; calls are serialised because
RapidOCR keeps per-call state on the object. Large images are scaled down for OCR and the
boxes are mapped back to the original's pixels.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from xxai.errors import ModelError

__all__ = ["OcrBox", "OcrEngine", "Point", "get_ocr"]

log = logging.getLogger(__name__)

Point = tuple[float, float]


@dataclass(frozen=True)
class OcrBox:
    """One detected text line: its quadrilateral (clockwise from top left), text, confidence."""

    polygon: tuple[Point, Point, Point, Point]
    text: str
    confidence: float
    # Measured from the pixels: the height of the glyphs (width for a column of text) and
    # the colour of the ink. OCR boxes are padded, more so for small text, so the glyphs
    # tell sizes apart better than the boxes do.
    glyph_size: float = 0.0
    ink: tuple[int, int, int] | None = None

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return min(xs), min(ys), max(xs), max(ys)


class OcrEngine:
    """RapidOCR loaded lazily; thread-safe."""

    def __init__(self, threads: int = 2) -> None:
        self.threads = max(1, threads)
        self._engine: Any = None
        self._lock = threading.Lock()
        self.load_seconds = 0.0

    def _load(self) -> Any:
        if self._engine is None:
            start = time.perf_counter()
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:  # pragma: no cover - a broken install
                raise ModelError(
                    "OCR needs the package rapidocr-onnxruntime==1.4.4 (pip install it)"
                ) from exc
            # Our own scaling decides the size; RapidOCR's max_side_len would resize again.
            self._engine = RapidOCR(
                intra_op_num_threads=self.threads,
                inter_op_num_threads=1,
                max_side_len=100_000,
            )
            self.load_seconds = time.perf_counter() - start
            log.info("OCR models loaded in %.2f s", self.load_seconds)
        return self._engine

    def warm_up(self) -> None:
        """Load the models now."""
        with self._lock:
            self._load()

    def read(self, image: Image.Image, max_side: int, min_confidence: float) -> list[OcrBox]:
        """Return the text lines in ``image`` (RGB), boxes in its own pixel coordinates."""
        scale = min(1.0, max_side / max(image.size)) if max_side > 0 else 1.0
        work = image
        if scale < 1.0:
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            work = image.resize(size, Image.Resampling.LANCZOS)
        bgr = np.ascontiguousarray(np.asarray(work.convert("RGB"))[:, :, ::-1])
        with self._lock:
            engine = self._load()
            raw, _elapsed = engine(bgr, text_score=min_confidence)
        rgb = np.asarray(image.convert("RGB"))
        boxes = []
        for points, text, score in raw or []:
            text = unicodedata.normalize("NFC", str(text)).strip()
            if not text:
                continue
            quad = tuple((float(x) / scale, float(y) / scale) for x, y in points)
            glyph, ink = _measure_ink(rgb, quad)
            boxes.append(OcrBox(quad, text, round(float(score), 4), glyph, ink))  # type: ignore[arg-type]
        return boxes


def _measure_ink(
    rgb: np.ndarray, quad: tuple[Point, ...]
) -> tuple[float, tuple[int, int, int] | None]:
    """Return the glyphs' extent across the line and the ink colour inside a box.

    Only where the box is level and its border is one flat colour: over a photo, or on a
    turned line, the pixels cannot tell ink from background, and (0, None) says "unknown".
    """
    (x0q, y0q), (x1q, y1q) = quad[0], quad[1]
    if abs(y1q - y0q) > 0.05 * max(1.0, abs(x1q - x0q)):
        return 0.0, None
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, y0 = max(0, int(min(xs))), max(0, int(min(ys)))
    x1, y1 = min(rgb.shape[1], int(max(xs)) + 1), min(rgb.shape[0], int(max(ys)) + 1)
    crop = rgb[y0:y1, x0:x1].astype(np.int16)
    if crop.shape[0] < 3 or crop.shape[1] < 3:
        return 0.0, None
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
    if float(np.mean(np.std(border, axis=0))) > 20:
        return 0.0, None
    background = np.median(border, axis=0)
    ink = np.abs(crop - background).max(axis=2) > 80
    if ink.sum() < 4:
        return 0.0, None
    vertical = (y1 - y0) > 1.5 * (x1 - x0)
    profile = ink.any(axis=0 if vertical else 1)
    where = np.flatnonzero(profile)
    color = np.median(crop[ink], axis=0)
    return float(where[-1] - where[0] + 1), (int(color[0]), int(color[1]), int(color[2]))


_shared: dict[int, OcrEngine] = {}
_shared_lock = threading.Lock()


def get_ocr(threads: int = 2) -> OcrEngine:
    """Return this process's OCR engine (one per thread count; models load on first use)."""
    with _shared_lock:
        if threads not in _shared:
            _shared[threads] = OcrEngine(threads)
        return _shared[threads]
