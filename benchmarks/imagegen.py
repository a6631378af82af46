"""Make test images with known text: memes, comments, price tags, captions, vertical text.

Every text here was written for this generator. Images are drawn with Pillow from a seed,
so the ground truth (each block's lines, in reading order, and each line's polygon) is exact
and nothing but this file needs to ship. Used by ``benchmarks/images.py`` and the tests.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = ["KINDS", "GtBlock", "Sample", "cjk_fonts", "make_sample", "samples"]

Point = tuple[float, float]
NOTO = Path("/usr/share/fonts/opentype/noto")

MEMES_ZH = [
    ("家人们谁懂啊，周一又要上班了", ["家人们谁懂啊"]),
    ("这家火锅yyds，绝绝子！", ["yyds", "绝绝子"]),
    ("今天也是躺平的一天", ["躺平"]),
    ("xswl，我的猫又在拆家", ["xswl"]),
    ("月底了，钱包芭比Q了", ["芭比Q了"]),
    ("被种草了这款奶茶，真香", ["种草", "真香"]),
    ("摆烂一时爽，一直摆烂一直爽", ["摆烂"]),
    ("社恐的我今天主动说话了", ["社恐"]),
    ("这波操作我给满分，拿捏了", ["拿捏"]),
    ("蚌埠住了，笑到肚子疼", ["蚌埠住了"]),
    ("卷不动了，内卷什么时候是个头", ["内卷"]),
    ("猫税已交，请查收", ["猫税"]),
    ("打工人的快乐就是这么简单", ["打工人"]),
    ("吃瓜群众表示很淡定", ["吃瓜"]),
]
MEMES_EN = [
    ("no cap, this hotpot slaps", ["no cap", "slaps"]),
    ("she ate and left no crumbs", ["ate"]),
    ("lowkey obsessed with this app", ["lowkey"]),
    ("the rizz is unmatched", ["rizz"]),
    ("it's giving main character energy", ["it's giving"]),
    ("this cat is the GOAT", ["GOAT"]),
]
COMMENTS = [
    "请问这件外套在哪里买的？",
    "楼主好漂亮，求链接",
    "我也想去这家店，人多吗",
    "哈哈哈哈太可爱了吧",
    "这个颜色也太好看了",
    "收藏了，下次去试试",
    "Where can I buy this jacket?",
    "Thanks for sharing, very helpful",
    "Welcome to RedNote, neighbor!",
]
USERS = ["小红薯1234", "momo", "Amy_from_LA", "吃货小王", "大橘为重", "Leo"]
PRICES = [
    ["限时特价", "¥39.9"],
    ["原价 ¥128", "现价 ¥69"],
    ["买一送一"],
    ["新品上市", "¥25.8"],
    ["全场五折"],
    ["满199减50"],
    ["今日特惠", "¥9.9"],
]
CAPTIONS = [
    (
        "周末去哪儿｜城市漫步路线",
        "今天带大家走一条适合周末的城市漫步路线，从老街出发，经过河边的小公园，"
        "最后到一家很安静的咖啡馆。全程大约两个小时，拍照很出片。",
    ),
    (
        "番茄炒蛋的小窍门",
        "第一次做这道菜就成功了！鸡蛋要先炒到半熟再盛出来，番茄炒出汁以后再放回去，"
        "最后撒一点葱花就好啦。",
    ),
    (
        "山顶看日出",
        "这次旅行最喜欢的是山顶的日出，虽然凌晨四点就要起床，但是看到太阳升起的那一刻，"
        "觉得一切都值得了。",
    ),
    (
        "Day three in Shanghai",
        "We walked along the river, tried soup dumplings for the first time and got lost "
        "in a tiny bookstore. Ten out of ten, would do it again.",
    ),
]
VERTICAL = ["山高水长", "慢慢来比较快", "今天也要开心", "我决定躺平了", "好好吃饭好好睡觉"]
COLUMNS = [
    ("早餐推荐", "楼下的豆浆油条很好吃，每天早上都排队。"),
    ("午餐推荐", "公司旁边的牛肉面分量很足，价格也不贵。"),
    ("Tips", "Bring cash for the small shops near the station."),
]

KINDS = ("meme", "comment", "price", "caption", "vertical", "columns", "photo", "noisy")


@dataclass
class GtBlock:
    """A block of known text: its lines in reading order and each line's polygon."""

    lines: list[str]
    polygons: list[tuple[Point, Point, Point, Point]]
    vertical: bool = False

    @property
    def text(self) -> str:
        return join_lines(self.lines)


def join_lines(lines: list[str]) -> str:
    """Join lines as a reader would: a space between Latin words only."""
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and line[:1].isascii():
            out += " "
        out += line
    return out


@dataclass
class Sample:
    """A generated image and what is written on it."""

    name: str
    kind: str
    image: Image.Image
    blocks: list[GtBlock]
    terms: list[str] = field(default_factory=list)
    photo: bool = False

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG")
        return buf.getvalue()


def cjk_fonts() -> list[tuple[str, int]]:
    """Return the CJK fonts to draw with (Noto Sans/Serif CJK SC), as (path, face index)."""
    found = []
    for name in ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "NotoSerifCJK-Regular.ttc"):
        path = NOTO / name
        if path.is_file():
            for index in range(10):
                try:
                    font = ImageFont.truetype(str(path), 12, index=index)
                except OSError:
                    break
                if " SC" in " ".join(p or "" for p in font.getname()):
                    found.append((str(path), index))
                    break
    if not found:
        raise RuntimeError("the generator needs fonts-noto-cjk (apt-get install fonts-noto-cjk)")
    return found


def _font(rng: random.Random, size: int, bold: bool | None = None) -> ImageFont.FreeTypeFont:
    fonts = cjk_fonts()
    if bold is not None:
        fonts = [f for f in fonts if ("Bold" in f[0]) == bold] or fonts
    path, index = rng.choice(fonts)
    return ImageFont.truetype(path, size, index=index)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    words = text.split(" ") if text.isascii() else list(text)
    sep = " " if text.isascii() else ""
    lines: list[str] = []
    line = ""
    for word in words:
        trial = (line + sep + word) if line else word
        if line and font.getlength(trial) > width and word not in "，。！？、":
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def _photo(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Return a photo-like background: smooth colour fields, shapes, blur and grain."""
    w, h = size
    nprng = np.random.default_rng(rng.randrange(1 << 30))
    small = nprng.uniform(30, 230, (6, 6, 3)).astype(np.uint8)
    img = Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(20, max(21, w // 4))
        color = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=color)  # type: ignore[arg-type]
    img = img.filter(ImageFilter.GaussianBlur(6))
    grain = nprng.normal(0, 6, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(img, np.float32) + grain, 0, 255).astype(np.uint8))


def _flat(rng: random.Random, size: tuple[int, int]) -> tuple[Image.Image, tuple[int, int, int]]:
    light = rng.random() < 0.7
    base = (
        (rng.randrange(225, 256), rng.randrange(215, 256), rng.randrange(205, 256))
        if light
        else (rng.randrange(20, 70), rng.randrange(20, 70), rng.randrange(30, 90))
    )
    ink = (25, 25, 25) if light else (245, 245, 245)
    return Image.new("RGB", size, base), ink


def _rotated(poly: list[Point], center: Point, angle: float) -> tuple[Point, Point, Point, Point]:
    rad = math.radians(angle)
    cx, cy = center
    out = []
    for x, y in poly:
        dx, dy = x - cx, y - cy
        out.append((cx + dx * math.cos(rad) + dy * math.sin(rad),
                    cy - dx * math.sin(rad) + dy * math.cos(rad)))  # fmt: skip
    return (out[0], out[1], out[2], out[3])


class _Canvas:
    """Draws text blocks onto an image and records the ground truth."""

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self.blocks: list[GtBlock] = []

    def block(
        self,
        lines: list[str],
        font: ImageFont.FreeTypeFont,
        xy: Point,
        ink: tuple[int, int, int],
        align: str = "left",
        stroke: int = 0,
        angle: float = 0.0,
        width: float | None = None,
    ) -> None:
        size = float(font.size)
        step = size * 1.45
        widths = [font.getlength(ln) for ln in lines]
        box_w = width or max(widths)
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        polys: list[list[Point]] = []
        for i, (line, lw) in enumerate(zip(lines, widths, strict=True)):
            x = xy[0] + ((box_w - lw) / 2 if align == "center" else 0)
            y = xy[1] + i * step
            outline = (255 - ink[0], 255 - ink[1], 255 - ink[2])
            draw.text((x, y), line, font=font, fill=(*ink, 255), stroke_width=stroke,
                      stroke_fill=(*outline, 255))  # fmt: skip
            left, top, right, bottom = draw.textbbox((x, y), line, font=font, stroke_width=stroke)
            polys.append([(left, top), (right, top), (right, bottom), (left, bottom)])
        center = (xy[0] + box_w / 2, xy[1] + step * len(lines) / 2)
        if angle:
            layer = layer.rotate(angle, center=center, resample=Image.Resampling.BICUBIC)
        self.image.paste(layer, (0, 0), layer)
        self.blocks.append(GtBlock(list(lines), [_rotated(p, center, angle) for p in polys]))

    def column(
        self, text: str, font: ImageFont.FreeTypeFont, xy: Point, ink: tuple[int, int, int]
    ) -> None:
        draw = ImageDraw.Draw(self.image)
        size = float(font.size)
        x, y = xy
        boxes = []
        for i, ch in enumerate(text):
            at = (x + (size - font.getlength(ch)) / 2, y + i * size * 1.1)
            draw.text(at, ch, font=font, fill=ink)
            boxes.append(draw.textbbox(at, ch, font=font))
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        self.blocks.append(GtBlock([text], [((x0, y0), (x1, y0), (x1, y1), (x0, y1))], True))


def _meme(rng: random.Random, photo: bool) -> tuple[Image.Image, list[GtBlock], list[str]]:
    size = (600, 600)
    zh = rng.random() < 0.7
    text, terms = rng.choice(MEMES_ZH if zh else MEMES_EN)
    if photo:
        image, ink, stroke = _photo(rng, size), (255, 255, 255), 3
    else:
        (image, ink), stroke = _flat(rng, size), 0
    canvas = _Canvas(image)
    font = _font(rng, rng.choice([40, 48, 56]), bold=True)
    lines = _wrap(text, font, 540)
    top = rng.random() < 0.5
    y = 30 if top else 600 - 30 - len(lines) * font.size * 1.45
    canvas.block(lines, font, (30, y), ink, "center", stroke, width=540)
    return canvas.image, canvas.blocks, list(terms)


def _comments(rng: random.Random) -> tuple[Image.Image, list[GtBlock], list[str]]:
    image = Image.new("RGB", (600, 600), (255, 255, 255))
    canvas = _Canvas(image)
    y = 30.0
    for text in rng.sample(COMMENTS, 3):
        name_font = _font(rng, 22, bold=False)
        canvas.block([rng.choice(USERS)], name_font, (40, y), (140, 140, 140))
        body_font = _font(rng, rng.choice([28, 30, 32]), bold=False)
        canvas.block(_wrap(text, body_font, 520), body_font, (40, y + 44), (30, 30, 30))
        y += 44 + 60 * len(canvas.blocks[-1].lines) + 50
    return canvas.image, canvas.blocks, []


def _price(rng: random.Random) -> tuple[Image.Image, list[GtBlock], list[str]]:
    image, _ink = _flat(rng, (600, 600))
    canvas = _Canvas(image)
    draw = ImageDraw.Draw(image)
    for i, lines in enumerate(rng.sample(PRICES, 2)):
        font = _font(rng, rng.choice([44, 52]), bold=True)
        y = 60 + i * 280
        w = max(font.getlength(ln) for ln in lines) + 60
        h = len(lines) * font.size * 1.45 + 40
        color = rng.choice([(214, 40, 40), (240, 180, 20), (30, 120, 200)])
        draw.rounded_rectangle((40, y, 40 + w, y + h), 18, fill=color)
        canvas.block(lines, font, (70, y + 20), (255, 255, 255), "center", width=w - 60)
    return canvas.image, canvas.blocks, []


def _caption(rng: random.Random, photo: bool) -> tuple[Image.Image, list[GtBlock], list[str]]:
    size = (1080, 1440)
    title, body = rng.choice(CAPTIONS)
    if photo:
        image, ink, stroke = _photo(rng, size), (255, 255, 255), 3
    else:
        (image, ink), stroke = _flat(rng, size), 0
    canvas = _Canvas(image)
    title_font = _font(rng, rng.choice([64, 72]), bold=True)
    canvas.block(_wrap(title, title_font, 960), title_font, (60, 80), ink, stroke=stroke)
    body_font = _font(rng, rng.choice([40, 44, 48]), bold=False)
    y = 80 + title_font.size * 1.45 * len(canvas.blocks[-1].lines) + 80
    canvas.block(_wrap(body, body_font, 960), body_font, (60, y), ink, stroke=stroke)
    return canvas.image, canvas.blocks, []


def _vertical(rng: random.Random) -> tuple[Image.Image, list[GtBlock], list[str]]:
    image, ink = _flat(rng, (600, 600))
    canvas = _Canvas(image)
    texts = rng.sample(VERTICAL, 2)
    font = _font(rng, rng.choice([44, 52]))
    # Two separate columns, read right to left.
    canvas.column(texts[0], font, (470, 40), ink)
    canvas.column(texts[1], font, (90, 40), ink)
    return canvas.image, canvas.blocks, []


def _columns(rng: random.Random) -> tuple[Image.Image, list[GtBlock], list[str]]:
    image, ink = _flat(rng, (1080, 720))
    canvas = _Canvas(image)
    picked = rng.sample(COLUMNS, 2)
    for i, (head, body) in enumerate(picked):
        x = 60 + i * 520
        head_font = _font(rng, 52, bold=True)
        canvas.block([head], head_font, (x, 60), ink)
        body_font = _font(rng, 36, bold=False)
        canvas.block(_wrap(body, body_font, 430), body_font, (x, 170), ink)
    return canvas.image, canvas.blocks, []


def _degrade(rng: random.Random, image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def make_sample(kind: str, seed: int) -> Sample:
    """Draw one image of ``kind`` (see KINDS) from ``seed``."""
    rng = random.Random(f"{kind}-{seed}")
    terms: list[str] = []
    photo = kind == "photo"
    if kind == "meme":
        image, blocks, terms = _meme(rng, photo=False)
    elif kind == "comment":
        image, blocks, terms = _comments(rng)
    elif kind == "price":
        image, blocks, terms = _price(rng)
    elif kind == "caption":
        image, blocks, terms = _caption(rng, photo=False)
    elif kind == "vertical":
        image, blocks, terms = _vertical(rng)
    elif kind == "columns":
        image, blocks, terms = _columns(rng)
    elif kind == "photo":
        if rng.random() < 0.6:
            image, blocks, terms = _meme(rng, photo=True)
        else:
            image, blocks, terms = _caption(rng, photo=True)
        image = _degrade(rng, image, rng.randrange(60, 90))
    elif kind == "noisy":
        # A flat meme, turned a little and saved as a low-quality JPEG.
        rng2 = random.Random(f"noisy-meme-{seed}")
        zh = rng2.random() < 0.7
        text, terms = rng2.choice(MEMES_ZH if zh else MEMES_EN)
        image, ink = _flat(rng, (600, 600))
        canvas = _Canvas(image)
        font = _font(rng, 48, bold=True)
        angle = rng.uniform(-8, 8)
        canvas.block(_wrap(text, font, 500), font, (50, 250), ink, "center", 0, angle, 500)
        image, blocks = _degrade(rng, canvas.image, rng.randrange(35, 60)), canvas.blocks
        terms = list(terms)
    else:
        raise ValueError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    return Sample(f"{kind}-{seed}", kind, image, blocks, terms, photo)


def samples(per_kind: int, kinds: tuple[str, ...] = KINDS) -> list[Sample]:
    """Return ``per_kind`` images of every kind."""
    return [make_sample(kind, seed) for kind in kinds for seed in range(per_kind)]


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "image-samples")
    out.mkdir(parents=True, exist_ok=True)
    for sample in samples(2):
        sample.image.save(out / f"{sample.name}.png")
        print(sample.name, " | ".join(b.text for b in sample.blocks))
