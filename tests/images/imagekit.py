"""Helpers for the image tests: generated images with known text (benchmarks/imagegen.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from imagegen import GtBlock, Sample, make_sample

__all__ = ["GtBlock", "Sample", "encode", "make_sample"]


def encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    """Encode an image in ``fmt``."""
    buf = io.BytesIO()
    image.save(buf, format=fmt, **params)  # type: ignore[arg-type]
    return buf.getvalue()
