"""Find a font that can draw the translation: a CJK font for Chinese, any sans font otherwise."""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from xxai.errors import ConfigError

__all__ = ["FontSet", "find_font"]

log = logging.getLogger(__name__)

# Debian/Ubuntu's fonts-noto-cjk first (scripts/setup.sh installs it), then other common ones.
_CJK_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)
_PROBE = "中文字"


def _glyph(font: ImageFont.FreeTypeFont, ch: str) -> bytes:
    image = Image.new("L", (32, 32), 0)
    ImageDraw.Draw(image).text((2, 2), ch, font=font, fill=255)
    return image.tobytes()


def _covers_cjk(path: str, index: int) -> bool:
    try:
        font = ImageFont.truetype(path, 24, index=index)
    except OSError:
        return False
    # A font without the glyphs draws the same "tofu" box for every character.
    masks = {_glyph(font, ch) for ch in _PROBE}
    return len(masks) == len(_PROBE)


def _simplified_index(path: str) -> int:
    """Return the face of a collection meant for Simplified Chinese (Noto CJK: 'SC')."""
    for index in range(12):
        try:
            font = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        family = " ".join(part or "" for part in font.getname())
        if " SC" in family or "Simplified" in family:
            return index
    return 0


def _fc_match() -> str | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found or None


class FontSet:
    """One font file (and face) to draw with, at any size."""

    def __init__(self, path: str, index: int = 0) -> None:
        self.path = path
        self.index = index

    @functools.lru_cache(maxsize=128)  # noqa: B019 - a few sizes per image, fonts live long
    def at(self, size: int) -> ImageFont.FreeTypeFont:
        """Return the font at ``size`` pixels."""
        return ImageFont.truetype(self.path, max(6, size), index=self.index)


@functools.cache
def find_font(explicit: str = "") -> FontSet:
    """Return the font to draw with: ``explicit`` (setting image_font), else a CJK system font."""
    if explicit:
        given = Path(explicit).expanduser()
        if not given.is_file():
            raise ConfigError(f"setting image_font: no font file at {given}")
        index = _simplified_index(str(given)) if given.suffix.lower() == ".ttc" else 0
        return FontSet(str(given), index)
    candidates = [p for p in _CJK_CANDIDATES if Path(p).is_file()]
    matched = _fc_match()
    if matched:
        candidates.append(matched)
    for path in candidates:
        index = _simplified_index(path) if path.lower().endswith(".ttc") else 0
        if _covers_cjk(path, index):
            log.debug("drawing with %s (face %d)", path, index)
            return FontSet(path, index)
    raise ConfigError(
        "no CJK font found to draw translated text: install one (Debian/Ubuntu: "
        "apt-get install fonts-noto-cjk) or set image_font to a .ttf/.otf/.ttc file"
    )
