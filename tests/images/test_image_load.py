"""Loading untrusted image files: formats, limits, orientation, colour modes."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from xxai.errors import ImageError, LimitError
from xxai.images import load_image

from imagekit import encode

LIMIT = 40_000_000


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """Return a tiny PNG file whose header claims width x height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_before_decoding() -> None:
    data = bomb_png(50_000, 50_000)
    assert len(data) < 200  # 2.5 gigapixels claimed by a 100-byte file
    with pytest.raises(LimitError, match=r"2,500,000,000 pixels, over the limit of 40,000,000"):
        load_image(data, LIMIT, "bomb.png")
    # Under Pillow's own limit, over ours: refused on the header, with the size named.
    with pytest.raises(LimitError, match=r"8000x8000 is 64,000,000 pixels"):
        load_image(bomb_png(8000, 8000), LIMIT, "bomb.png")


def test_pixel_limit_is_a_setting() -> None:
    data = encode(Image.new("RGB", (200, 100), "white"))
    assert load_image(data, 20_000).size == (200, 100)
    with pytest.raises(LimitError, match="setting image_max_pixels"):
        load_image(data, 19_999)


def test_not_an_image_names_the_supported_formats() -> None:
    with pytest.raises(ImageError, match=r"looks like text .* JPEG, PNG, WebP, GIF"):
        load_image(b'{"text": "hello"}', LIMIT, "post.json")
    with pytest.raises(ImageError, match="empty"):
        load_image(b"", LIMIT)
    with pytest.raises(ImageError, match="not an image"):
        load_image(b"\x00\x01garbage" * 10, LIMIT)


def test_unsupported_format_is_refused() -> None:
    data = encode(Image.new("RGB", (10, 10)), "TIFF")
    with pytest.raises(ImageError, match="supported formats"):
        load_image(data, LIMIT)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file_is_a_clear_error(fmt: str) -> None:
    image = Image.effect_noise((300, 300), 64).convert("RGB")
    data = encode(image, fmt)
    with pytest.raises(ImageError, match=r"truncated|damaged"):
        load_image(data[: len(data) // 2], LIMIT, f"cut.{fmt.lower()}")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="cannot read the file"):
        load_image(tmp_path / "nope.png", LIMIT)


def test_animated_gif_gives_its_first_frame_and_says_so() -> None:
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "green", "blue")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    loaded = load_image(data, LIMIT)
    assert loaded.format == "GIF" and loaded.size == (40, 30)
    assert loaded.image.getpixel((5, 5))[:3] == (255, 0, 0)
    assert any("first frame of 3" in note for note in loaded.notes)


def test_cmyk_jpeg_is_converted_to_rgb() -> None:
    data = encode(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG")
    loaded = load_image(data, LIMIT)
    assert loaded.image.mode == "RGB"
    red, green, blue = loaded.image.getpixel((16, 16))[:3]
    assert red > 200 and green < 60 and blue < 60
    assert any("CMYK" in note for note in loaded.notes)


def test_exif_orientation_is_honoured() -> None:
    image = Image.new("RGB", (120, 60), "white")
    image.paste((0, 0, 0), (0, 0, 20, 60))  # a black bar on the left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    loaded = load_image(encode(image, "JPEG", exif=exif.tobytes()), LIMIT)
    assert loaded.size == (60, 120)
    assert loaded.image.getpixel((30, 5))[0] < 50  # the bar is now along the top


def test_alpha_is_kept_and_opaque_alpha_dropped() -> None:
    clear = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    assert load_image(encode(clear), LIMIT).image.mode == "RGBA"
    solid = Image.new("RGBA", (20, 20), (255, 0, 0, 255))
    assert load_image(encode(solid), LIMIT).image.mode == "RGB"


def test_webp_loads() -> None:
    loaded = load_image(encode(Image.new("RGB", (64, 48), "blue"), "WEBP"), LIMIT)
    assert loaded.format == "WEBP" and loaded.size == (64, 48)
