"""Read an image file safely: format, size limit before decoding, orientation, colour mode.

Images come from the internet, so they are untrusted: the pixel limit is checked on the
header, before any pixel is decoded, and every Pillow failure becomes an :class:`ImageError`
that says what is wrong with the file.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from xxai.errors import ImageError, LimitError

__all__ = ["FORMATS", "LoadedImage", "load_image", "to_jpeg", "to_png"]

# What we decode; anything else (PSD, TIFF, EPS, ...) is refused by name.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


@dataclass
class LoadedImage:
    """A decoded image (RGB, or RGBA when the file has transparency) and what was done to it."""

    image: Image.Image
    format: str
    notes: list[str] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def rgb(self) -> Image.Image:
        """Return the image as RGB, transparent parts on white (how viewers show them)."""
        if self.image.mode == "RGB":
            return self.image
        base = Image.new("RGB", self.image.size, (255, 255, 255))
        base.paste(self.image, mask=self.image.getchannel("A"))
        return base


def _describe(data: bytes) -> str:
    if not data:
        return "the file is empty"
    if data.lstrip()[:1] in (b"{", b"[", b"<"):
        return "it looks like text (JSON or HTML), not an image"
    return "not an image Pillow can read"


def load_image(source: bytes | Path, max_pixels: int, name: str = "") -> LoadedImage:
    """Decode ``source`` (bytes or a path); refuse non-images and images over ``max_pixels``."""
    label = name or (str(source) if isinstance(source, Path) else "image")
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ImageError(f"{label}: cannot read the file ({exc.strerror or exc})") from None
    else:
        data = source
    try:
        with warnings.catch_warnings():
            # Pillow warns (then raises) on its own, larger bomb limit: ours comes first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except Image.DecompressionBombError as exc:
        # Pillow's own, larger limit fired while reading the header.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
        raise LimitError(
            f"{label}: {size}, over the limit of {max_pixels:,} (setting image_max_pixels)"
        ) from None
    except UnidentifiedImageError:
        raise ImageError(
            f"{label}: {_describe(data)}; supported formats: JPEG, PNG, WebP, GIF"
        ) from None
    width, height = img.size
    if width * height > max_pixels:
        raise LimitError(
            f"{label}: {width}x{height} is {width * height:,} pixels, over the limit of "
            f"{max_pixels:,} (setting image_max_pixels)"
        )
    notes: list[str] = []
    frames = int(getattr(img, "n_frames", 1) or 1)
    if frames > 1:
        notes.append(f"animated image: translated its first frame of {frames}")
    fmt = str(img.format or "")
    try:
        img.seek(0)
        img.load()
        upright: Image.Image = ImageOps.exif_transpose(img) or img
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        reason = "truncated" if "truncated" in str(exc).lower() else "damaged"
        raise ImageError(f"{label}: the {fmt or 'image'} file is {reason} ({exc})") from None
    if upright.mode == "CMYK":
        notes.append("CMYK image: converted to RGB")
    return LoadedImage(_normalise_mode(upright), fmt, notes)


def _normalise_mode(img: Image.Image) -> Image.Image:
    """Return RGB, or RGBA when the image has any transparency."""
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    if has_alpha:
        rgba = img.convert("RGBA")
        lowest = rgba.getchannel("A").getextrema()[0]
        if isinstance(lowest, int | float) and lowest < 255:
            return rgba
        return rgba.convert("RGB")
    return img.convert("RGB")


def to_png(img: Image.Image) -> bytes:
    """Encode an image as PNG bytes."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def to_jpeg(img: Image.Image, quality: int = 90) -> bytes:
    """Encode an image as JPEG bytes (transparency dropped)."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality)
    return buf.getvalue()
