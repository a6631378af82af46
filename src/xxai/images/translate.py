"""Translate the text in an image: OCR, blocks in reading order, one translation batch, render."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from PIL import Image

from xxai.images.fonts import FontSet
from xxai.images.layout import Block, group_blocks
from xxai.images.load import LoadedImage
from xxai.images.ocr import OcrEngine, Point
from xxai.images.render import Placement, RenderItem, render
from xxai.languages import normalize_lang
from xxai.pipeline import TermNote, Translator

__all__ = ["ImageBlock", "ImageOptions", "ImageTranslation", "translate_image"]


def _poly(points: tuple[Point, ...]) -> list[list[float]]:
    return [[round(x, 1), round(y, 1)] for x, y in points]


@dataclass(frozen=True)
class ImageOptions:
    """How to read an image: OCR size and confidence."""

    max_side: int = 1600
    min_confidence: float = 0.5


@dataclass
class ImageBlock:
    """A block of text found in the image, and its translation."""

    block: Block
    translation: str = ""
    source_lang: str = ""
    terms: list[TermNote] = field(default_factory=list)
    note: str = ""
    placement: Placement | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "polygon": _poly(self.block.polygon),
            "text": self.block.text,
            "confidence": round(self.block.confidence, 4),
            "translation": self.translation,
            "source_lang": self.source_lang,
            "vertical": self.block.vertical,
            "angle": round(self.block.angle, 1),
            "terms": [asdict(t) for t in self.terms],
            "lines": [
                {
                    "polygon": _poly(_line_polygon(ln.boxes)),
                    "text": ln.text,
                    "confidence": round(ln.confidence, 4),
                }
                for ln in self.block.lines
            ],
        }
        if self.note:
            data["note"] = self.note
        return data


def _line_polygon(boxes: list[Any]) -> tuple[Point, ...]:
    if len(boxes) == 1:
        return tuple(boxes[0].polygon)
    x0 = min(b.bounds[0] for b in boxes)
    y0 = min(b.bounds[1] for b in boxes)
    x1 = max(b.bounds[2] for b in boxes)
    y1 = max(b.bounds[3] for b in boxes)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


@dataclass
class ImageTranslation:
    """What was found in one image and how it translates."""

    width: int
    height: int
    format: str
    target_lang: str
    blocks: list[ImageBlock]
    engine: str = ""
    model: str = ""
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    rendered: Image.Image | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.block.text for b in self.blocks)

    @property
    def translation(self) -> str:
        return "\n\n".join(b.translation for b in self.blocks)

    def to_json(self) -> dict[str, Any]:
        """Return the documented JSON shape (README: "Images")."""
        return {
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "target_lang": self.target_lang,
            "engine": self.engine,
            "model": self.model,
            "text": self.text,
            "translation": self.translation,
            "blocks": [b.to_json() for b in self.blocks],
            "notes": list(self.notes),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def translate_image(
    loaded: LoadedImage,
    ocr: OcrEngine,
    translator: Translator,
    target: str,
    source: str = "auto",
    options: ImageOptions | None = None,
    fonts: FontSet | None = None,
) -> ImageTranslation:
    """Find the text in ``loaded``, translate every block in one batch, draw when ``fonts``."""
    options = options or ImageOptions()
    start = time.perf_counter()
    boxes = ocr.read(loaded.rgb(), options.max_side, options.min_confidence)
    blocks = group_blocks(boxes)
    ocr_done = time.perf_counter()
    results = translator.translate_many([b.text for b in blocks], target, source)
    translated = time.perf_counter()
    items = [
        ImageBlock(block, r.translation, r.source_lang, list(r.terms), r.note)
        for block, r in zip(blocks, results, strict=True)
    ]
    width, height = loaded.size
    out = ImageTranslation(
        width,
        height,
        loaded.format,
        normalize_lang(target),
        items,
        engine=translator.engine.name,
        model=translator.engine.model_id,
        notes=list(loaded.notes),
    )
    if not blocks:
        out.notes.append("no text found in the image")
    out.timings = {"ocr_s": ocr_done - start, "translate_s": translated - ocr_done}
    if fonts is not None:
        out.rendered = _render(loaded, items, fonts)
        out.timings["render_s"] = time.perf_counter() - translated
    return out


def _render(loaded: LoadedImage, items: list[ImageBlock], fonts: FontSet) -> Image.Image:
    todo = [
        RenderItem(
            polygon=i.block.polygon,
            line_polygons=[b.polygon for ln in i.block.lines for b in ln.boxes],
            line_size=i.block.line_size,
            angle=i.block.angle,
            vertical=i.block.vertical,
            text=i.translation,
            ink=i.block.lines[0].ink,
        )
        for i in items
        if i.translation.strip() and i.translation != i.block.text
    ]
    drawn = [i for i in items if i.translation.strip() and i.translation != i.block.text]
    image, placements = render(loaded.image, todo, fonts)
    for item, placement in zip(drawn, placements, strict=True):
        item.placement = placement
    return image
