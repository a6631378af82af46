"""Group OCR boxes into lines and blocks, in reading order.

A block is what a reader takes as one piece of text (a caption, a comment, a price tag), so
the translator gets sentences, not fragments. Boxes on one baseline become a line; lines of
similar size, close together and overlapping, become a block; blocks are ordered by a
recursive XY cut: bands top to bottom, and inside a band columns left to right (right to
left for vertical Chinese). Vertical text (a column of characters) is handled with the axes
swapped: its lines are columns, read top to bottom, the columns right to left.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from xxai.images.ocr import OcrBox, Point

__all__ = ["Block", "Line", "group_blocks", "join_text"]

Bounds = tuple[float, float, float, float]

_LATIN_END = re.compile(r"[A-Za-z0-9À-ɏ.,!?;:%)'\"]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9À-ɏ(@#$'\"]")


def join_text(parts: list[str]) -> str:
    """Join line texts: a space between Latin words, nothing between Chinese characters."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("-") and part[:1].isalpha() and out[-2:-1].isalpha():
            out = out[:-1] + part
        elif _LATIN_END.search(out) and _LATIN_START.search(part):
            out = out + " " + part
        else:
            out = out + part
    return out


def _union(a: Bounds, b: Bounds) -> Bounds:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _is_vertical(box: OcrBox) -> bool:
    p = box.polygon
    width = math.dist(p[0], p[1])
    height = math.dist(p[0], p[3])
    return height > 1.5 * width and len(box.text) >= 2


@dataclass
class Line:
    """Boxes on one baseline (or one column of vertical text)."""

    boxes: list[OcrBox]
    vertical: bool

    @property
    def bounds(self) -> Bounds:
        b = self.boxes[0].bounds
        for box in self.boxes[1:]:
            b = _union(b, box.bounds)
        return b

    @property
    def size(self) -> float:
        """The character size: height of a horizontal line, width of a column."""
        if all(b.glyph_size > 0 for b in self.boxes):
            return max(b.glyph_size for b in self.boxes)
        # Unmeasured (over a photo, or turned): the box's own height, not its bounds, which
        # grow with the angle.
        side = (0, 1) if self.vertical else (0, 3)
        return max(math.dist(b.polygon[side[0]], b.polygon[side[1]]) for b in self.boxes)

    @property
    def ink(self) -> tuple[int, int, int] | None:
        return next((b.ink for b in self.boxes if b.ink is not None), None)

    @property
    def text(self) -> str:
        return join_text([b.text for b in self.boxes])

    @property
    def confidence(self) -> float:
        chars = sum(len(b.text) for b in self.boxes) or 1
        return sum(b.confidence * len(b.text) for b in self.boxes) / chars


@dataclass
class Block:
    """Lines read together as one text."""

    lines: list[Line]
    vertical: bool
    polygon: tuple[Point, Point, Point, Point] = field(init=False)
    angle: float = field(init=False)  # degrees, counterclockwise, of horizontal text

    def __post_init__(self) -> None:
        self.polygon, self.angle = _oriented_box(self)

    @property
    def bounds(self) -> Bounds:
        b = self.lines[0].bounds
        for line in self.lines[1:]:
            b = _union(b, line.bounds)
        return b

    @property
    def text(self) -> str:
        if any(_LATIN_END.search(ln.text) for ln in self.lines):
            return join_text([ln.text for ln in self.lines])
        return "".join(ln.text for ln in self.lines)

    @property
    def confidence(self) -> float:
        chars = sum(len(ln.text) for ln in self.lines) or 1
        return sum(ln.confidence * len(ln.text) for ln in self.lines) / chars

    @property
    def line_size(self) -> float:
        return sum(ln.size for ln in self.lines) / len(self.lines)


def _oriented_box(block: Block) -> tuple[tuple[Point, Point, Point, Point], float]:
    """Return the block's rotated bounding rectangle (clockwise from top left) and angle."""
    points = [p for ln in block.lines for box in ln.boxes for p in box.polygon]
    angle = 0.0
    if not block.vertical:
        # The slope of the first box's top edge, averaged over the block's boxes.
        slopes = [
            math.degrees(
                math.atan2(-(b.polygon[1][1] - b.polygon[0][1]), b.polygon[1][0] - b.polygon[0][0])
            )
            for ln in block.lines
            for b in ln.boxes
        ]
        angle = sum(slopes) / len(slopes)
    if abs(angle) < 2.0:
        x0, y0, x1, y1 = block.bounds
        return ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), 0.0
    rad = math.radians(angle)
    cos, sin = math.cos(rad), math.sin(rad)
    # Rotate the points so the text is level, take the box, rotate its corners back.
    level = [(x * cos - y * sin, x * sin + y * cos) for x, y in points]
    xs = [p[0] for p in level]
    ys = [p[1] for p in level]
    corners = [(min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys))]
    back = tuple((x * cos + y * sin, -x * sin + y * cos) for x, y in corners)
    return back, angle  # type: ignore[return-value]


class _Sets:
    """Union-find over indexes."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return list(out.values())


def _same_line(a: OcrBox, b: OcrBox, vertical: bool) -> bool:
    ax0, ay0, ax1, ay1 = a.bounds
    bx0, by0, bx1, by1 = b.bounds
    if vertical:  # swap the axes: a column is a line turned on its side
        ax0, ay0, ax1, ay1 = ay0, ax0, ay1, ax1
        bx0, by0, bx1, by1 = by0, bx0, by1, bx1
    size = min(ay1 - ay0, by1 - by0)
    if max(ay1 - ay0, by1 - by0) > 1.6 * size:
        return False
    across = _overlap(ay0, ay1, by0, by1)
    gap = -_overlap(ax0, ax1, bx0, bx1)
    return across >= 0.6 * size and -0.3 * size <= gap <= 1.2 * size


def _same_block(a: Line, b: Line) -> bool:
    if a.vertical != b.vertical:
        return False
    ax0, ay0, ax1, ay1 = a.bounds
    bx0, by0, bx1, by1 = b.bounds
    if a.vertical:
        ax0, ay0, ax1, ay1 = ay0, ax0, ay1, ax1
        bx0, by0, bx1, by1 = by0, bx0, by1, bx1
    size = min(a.size, b.size)
    # Measured glyph sizes are exact; box heights (over photos) vary more with the letters.
    measured = all(box.glyph_size > 0 for box in (*a.boxes, *b.boxes))
    if max(a.size, b.size) > (1.25 if measured else 1.4) * size:
        return False
    if a.ink is not None and b.ink is not None and math.dist(a.ink, b.ink) > 90:
        return False  # a grey user name over black comment text, a red price under a title
    gap = -_overlap(ay0, ay1, by0, by1)
    along = _overlap(ax0, ax1, bx0, bx1)
    return -0.3 * size <= gap <= 0.9 * size and along >= 0.3 * min(ax1 - ax0, bx1 - bx0)


def _lines(boxes: list[OcrBox]) -> list[Line]:
    kinds = [_is_vertical(b) for b in boxes]
    sets = _Sets(len(boxes))
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if kinds[i] == kinds[j] and _same_line(boxes[i], boxes[j], kinds[i]):
                sets.join(i, j)
    lines = []
    for group in sets.groups():
        vertical = kinds[group[0]]
        axis = 1 if vertical else 0
        members = sorted((boxes[i] for i in group), key=lambda b: b.bounds[axis])
        lines.append(Line(members, vertical))
    return lines


def _cuts(blocks: list[Block], axis: int) -> tuple[float, list[list[Block]]]:
    """Split blocks at the empty bands along ``axis``; return the widest band and the groups."""
    spans = sorted((b.bounds[axis], b.bounds[axis + 2], i) for i, b in enumerate(blocks))
    groups: list[list[int]] = [[spans[0][2]]]
    end = spans[0][1]
    widest = 0.0
    for start, stop, i in spans[1:]:
        if start >= end - 2:  # a clean gap (2 px of slack for touching boxes)
            widest = max(widest, start - end)
            groups.append([i])
        else:
            groups[-1].append(i)
        end = max(end, stop)
    return widest, [[blocks[i] for i in g] for g in groups]


def _xy_cut(blocks: list[Block]) -> list[Block]:
    """Order blocks: cut at the widest empty band (across or down), recurse."""
    if len(blocks) <= 1:
        return blocks
    gap_y, bands = _cuts(blocks, 1)
    gap_x, columns = _cuts(blocks, 0)
    if len(bands) == 1 and len(columns) == 1:
        return sorted(blocks, key=lambda b: (b.bounds[1], b.bounds[0]))
    if len(columns) > 1 and (len(bands) == 1 or gap_x > gap_y):
        if all(b.vertical for b in blocks):
            columns.reverse()  # columns of vertical Chinese are read right to left
        parts = columns
    else:
        parts = bands
    return [b for part in parts for b in _xy_cut(part)]


def group_blocks(boxes: list[OcrBox]) -> list[Block]:
    """Group OCR boxes into blocks of lines, in reading order."""
    if not boxes:
        return []
    lines = _lines(boxes)
    sets = _Sets(len(lines))
    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            if _same_block(lines[i], lines[j]):
                sets.join(i, j)
    blocks = []
    for group in sets.groups():
        members = [lines[i] for i in group]
        vertical = members[0].vertical
        if vertical:
            members.sort(key=lambda ln: -ln.bounds[2])
        else:
            members.sort(key=lambda ln: ln.bounds[1])
        blocks.append(Block(members, vertical))
    return _xy_cut(blocks)
