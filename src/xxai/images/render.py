"""Draw translations over the original text: cover each region, then fit the new text in.

Covering: the colours in a ring around the text decide. Around flat colour (the spread of
the ring's colours is small) the region is filled with the ring's median colour, which is
exact and clean; around a photo a flat patch would show, so OpenCV's inpainting continues
the surroundings into the region instead.

Drawing: the largest font size at which the wrapped text fits the block, line breaking at
spaces for Latin text and between any two characters for Chinese (never putting closing
punctuation at a line start), black or white text, whichever contrasts with the background,
with a thin outline in the background colour. Rotated text is drawn at its angle. A vertical
block gets Chinese as a column; Latin text is drawn across when that allows a font at least
0.6 times the size it would have turned on its side, else along the column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from xxai.images.fonts import FontSet
from xxai.images.ocr import Point

__all__ = ["Placement", "RenderItem", "line_height", "render", "wrap_text"]

_NO_LINE_START = set("，。！？、；：）」』】》”’,.!?;:)]}%…~")
_TOKEN = re.compile(r"[A-Za-z0-9À-ɏ'’\-\.,!?:;%$@#&/+]+\s*|\s+|.", re.DOTALL)
FLAT_SPREAD = 12.0
MIN_FONT = 8
Measure = Callable[[str], float]  # mean per-channel standard deviation of the ring, 0-255


@dataclass(frozen=True)
class RenderItem:
    """One block to draw: where it was, how its lines lay, and the text to draw."""

    polygon: tuple[Point, Point, Point, Point]
    line_polygons: list[tuple[Point, Point, Point, Point]]
    line_size: float
    angle: float
    vertical: bool
    text: str
    ink: tuple[int, int, int] | None = None  # the original text's colour, kept if legible


@dataclass(frozen=True)
class Placement:
    """Where and how a block's translation was drawn."""

    box: tuple[float, float, float, float]  # axis-aligned bounds of the drawn text
    font_size: int
    lines: list[str]
    background: tuple[int, int, int]
    color: tuple[int, int, int]
    method: str  # fill or inpaint


def wrap_text(text: str, width: float, measure: Measure) -> tuple[list[str], bool]:
    """Break ``text`` into lines no wider than ``width``; say whether a word had to be cut."""
    lines: list[str] = []
    cut_word = False
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _TOKEN.findall(paragraph):
            candidate = line + token
            if measure(candidate.rstrip()) <= width or (line and token[0] in _NO_LINE_START):
                line = candidate
                continue
            if token.isspace():
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = token.lstrip()
            while len(line) > 1 and measure(line.rstrip()) > width:
                # A word wider than the box: cut it where it stops fitting.
                cut = _fit_chars(line, width, measure)
                cut_word = cut_word or line[cut - 1 : cut + 1].isascii()
                lines.append(line[:cut])
                line = line[cut:]
        if line.strip():
            lines.append(line.rstrip())
    return lines or [""], cut_word


def _fit_chars(text: str, width: float, measure: Measure) -> int:
    for n in range(len(text) - 1, 0, -1):
        if measure(text[:n]) <= width:
            return n
    return 1


def line_height(font: ImageFont.FreeTypeFont) -> int:
    """Return the distance between baselines the font asks for (ascent + descent)."""
    ascent, descent = font.getmetrics()
    return int(ascent + descent)


def _layout(
    text: str, width: float, height: float, fonts: FontSet, largest: int = 400
) -> tuple[int, list[str]]:
    """Return the largest font size (and its lines) at which ``text`` fits width x height.

    Latin words are kept whole: a size at which a word must be cut does not fit, unless
    nothing larger than the smallest size would.
    """
    low, high = MIN_FONT, max(MIN_FONT, int(min(height, largest)))
    best = (low, wrap_text(text, width, fonts.at(low).getlength)[0])
    while low <= high:
        size = (low + high) // 2
        font = fonts.at(size)
        lines, cut_word = wrap_text(text, width, font.getlength)
        fits = (
            not cut_word
            and len(lines) * line_height(font) <= height + 1
            and all(font.getlength(ln) <= width + 1 for ln in lines)
        )
        if fits:
            best = (size, lines)
            low = size + 1
        else:
            high = size - 1
    return best


def _ring_stats(
    array: np.ndarray, mask: np.ndarray, reach: int
) -> tuple[tuple[int, int, int], float]:
    kernel = np.ones((3, 3), np.uint8)
    outer = cv2.dilate(mask, kernel, iterations=max(2, reach))
    ring = (outer > 0) & (mask == 0)
    pixels = array[ring] if ring.any() else array.reshape(-1, 3)
    median = tuple(int(v) for v in np.median(pixels, axis=0))
    spread = float(np.mean(np.std(pixels.astype(np.float32), axis=0)))
    return (median[0], median[1], median[2]), spread


def _luminance(color: tuple[int, int, int]) -> float:
    return 0.2126 * color[0] + 0.7152 * color[1] + 0.0722 * color[2]


def _contrast(bg: tuple[int, int, int], ink: tuple[int, int, int] | None) -> tuple[int, int, int]:
    """Return the original ink when it stands out from ``bg``, else black or white."""
    if ink is not None and abs(_luminance(ink) - _luminance(bg)) >= 100:
        return ink
    return (20, 20, 20) if _luminance(bg) > 140 else (255, 255, 255)


def _is_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isascii() for ch in letters) > len(letters) / 2


def _cover(
    array: np.ndarray, item: RenderItem, original: np.ndarray
) -> tuple[tuple[int, int, int], str]:
    height, width = array.shape[:2]
    mask = np.zeros((height, width), np.uint8)
    pad = max(1, round(item.line_size * 0.12))
    for poly in item.line_polygons:
        cv2.fillPoly(mask, [np.array(poly, np.int32)], 255)
    mask = np.asarray(cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=pad), np.uint8)
    bg, spread = _ring_stats(original, mask, max(3, round(item.line_size * 0.3)))
    if spread <= FLAT_SPREAD:
        array[mask > 0] = bg
        return bg, "fill"
    x, y, w, h = cv2.boundingRect(mask)
    margin = max(8, round(item.line_size))
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(width, x + w + margin), min(height, y + h + margin)
    crop = np.ascontiguousarray(array[y0:y1, x0:x1])
    crop_mask = mask[y0:y1, x0:x1]
    # Inpainting cost grows with the masked area: work at a scale where a line is about
    # 12 px high (the fill is smooth anyway), then scale the result back up.
    factor = max(1.0, item.line_size / 12.0)
    small_size = (max(1, round((x1 - x0) / factor)), max(1, round((y1 - y0) / factor)))
    small = cv2.resize(crop, small_size, interpolation=cv2.INTER_AREA)
    small_mask = cv2.resize(crop_mask, small_size, interpolation=cv2.INTER_NEAREST)
    filled = cv2.inpaint(small, small_mask, 3, cv2.INPAINT_TELEA)
    big = cv2.resize(filled, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    crop[crop_mask > 0] = big[crop_mask > 0]
    array[y0:y1, x0:x1] = crop
    return bg, "inpaint"


def _text_layer(
    lines: list[str],
    size: int,
    box: tuple[float, float],
    fonts: FontSet,
    color: tuple[int, int, int],
    bg: tuple[int, int, int],
) -> Image.Image:
    font = fonts.at(size)
    step = line_height(font)
    stroke = max(1, size // 14)
    # A margin so that strokes and glyphs a little past their metrics are not clipped.
    margin = stroke + size // 4
    box_w, box_h = box
    layer = Image.new(
        "RGBA", (math.ceil(box_w) + 2 * margin, math.ceil(box_h) + 2 * margin), (0, 0, 0, 0)
    )
    draw = ImageDraw.Draw(layer)
    top = margin + (box_h - step * len(lines)) / 2
    for i, line in enumerate(lines):
        x = margin + (box_w - font.getlength(line)) / 2
        draw.text(
            (x, top + i * step),
            line,
            font=font,
            fill=(*color, 255),
            stroke_width=stroke,
            stroke_fill=(*bg, 255),
        )
    return layer


def _room_below(item: RenderItem, items: list[RenderItem], height: int) -> float:
    """Return how far a level block may grow down: to the next block under it, less a line.

    Translations run longer than the original (English from Chinese often twice): a note's
    caption may take the empty space under it, at most its own height again.
    """
    x0, y0, x1, y1 = _bounds(item.polygon)
    limit = float(height)
    for other in items:
        ox0, oy0, ox1, _oy1 = _bounds(other.polygon)
        if other is not item and oy0 >= y1 - 1 and min(x1, ox1) > max(x0, ox0):
            limit = min(limit, oy0)
    return max(0.0, min(y1 - y0, limit - y1 - item.line_size))


def _bounds(poly: tuple[Point, ...]) -> tuple[float, float, float, float]:
    return (
        min(p[0] for p in poly),
        min(p[1] for p in poly),
        max(p[0] for p in poly),
        max(p[1] for p in poly),
    )


def _draw_block(
    canvas: Image.Image,
    item: RenderItem,
    fonts: FontSet,
    cover: tuple[tuple[int, int, int], str],
    room: float,
) -> Placement:
    bg, method = cover
    p = item.polygon
    # Translations run longer than the original: let the text use the margin around the
    # block (less than the gap that separates two blocks, see layout), and over a flat
    # background the room below it.
    grow = 0.4 * item.line_size
    extra = room if method == "fill" and not item.vertical and not item.angle else 0.0
    box_w = math.dist(p[0], p[1]) + 2 * grow
    box_h = math.dist(p[0], p[3]) + 2 * grow + extra
    angle = item.angle
    # Never larger than the original text (a little over it at most).
    largest = max(MIN_FONT, round(1.15 * item.line_size))
    size, lines = _layout(item.text, box_w, box_h, fonts, largest)
    if item.vertical and _is_latin(item.text):
        turned_size, turned_lines = _layout(item.text, box_h, box_w, fonts, largest)
        if size < 0.6 * turned_size:
            # Along the column, reading top to bottom (the text turned clockwise).
            size, lines, box_w, box_h, angle = turned_size, turned_lines, box_h, box_w, -90.0
    color = _contrast(bg, item.ink)
    layer = _text_layer(lines, size, (box_w, box_h), fonts, color, bg)
    if angle:
        layer = layer.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    cx = sum(pt[0] for pt in p) / 4
    cy = sum(pt[1] for pt in p) / 4 + extra / 2
    if extra:
        # Start at the block's top, as the original text did, rather than centred in the room.
        used = len(lines) * line_height(fonts.at(size))
        cy -= max(0.0, (box_h - used) / 2)
    left, top = round(cx - layer.width / 2), round(cy - layer.height / 2)
    if canvas.mode == "RGBA":
        canvas.alpha_composite(layer, (max(0, left), max(0, top)), (max(0, -left), max(0, -top)))
    else:
        canvas.paste(layer, (left, top), layer)
    box = (float(left), float(top), float(left + layer.width), float(top + layer.height))
    return Placement(box, size, lines, bg, color, method)


def render(
    image: Image.Image, items: list[RenderItem], fonts: FontSet
) -> tuple[Image.Image, list[Placement]]:
    """Return a copy of ``image`` (same size and mode) with each item's text drawn over it."""
    rgb = np.array(image.convert("RGB"))
    original = rgb.copy()
    covers = [_cover(rgb, item, original) for item in items]
    canvas = Image.fromarray(rgb)
    if image.mode == "RGBA":
        canvas = canvas.convert("RGBA")
        canvas.putalpha(image.getchannel("A"))
    placements = [
        _draw_block(canvas, item, fonts, cover, _room_below(item, items, image.height))
        for item, cover in zip(items, covers, strict=True)
        if item.text.strip()
    ]
    return canvas, placements
