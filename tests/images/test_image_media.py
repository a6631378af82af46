"""Images attached to imported posts: references, the media folder, URL safety (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxai.errors import InputError, LimitError
from xxai.images.media import MediaRef, fetch_url, image_refs, read_file


def test_image_references_in_the_shapes_exports_use() -> None:
    record = {
        "images": [
            "a.png",
            "https://example.com/b.jpg",
            {"url_default": "http://example.com/c.webp"},
            {"path": "sub/d.gif"},
            "javascript:alert(1)",
            "file:///etc/passwd",
            "",
            42,
        ]
    }
    assert image_refs(record) == [
        MediaRef("file", "a.png"),
        MediaRef("url", "https://example.com/b.jpg"),
        MediaRef("url", "http://example.com/c.webp"),
        MediaRef("file", "sub/d.gif"),
    ]
    assert image_refs({"image_list": "x.png, y.png"}) == [
        MediaRef("file", "x.png"),
        MediaRef("file", "y.png"),
    ]
    assert image_refs({"text": "no images"}) == []


def test_files_are_read_only_from_inside_the_media_folder(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "ok.png").write_bytes(b"12345")
    (tmp_path / "secret.png").write_bytes(b"secret")
    assert read_file(MediaRef("file", "ok.png"), media, 100) == b"12345"
    with pytest.raises(InputError, match="outside the media folder"):
        read_file(MediaRef("file", "../secret.png"), media, 100)
    with pytest.raises(InputError, match="outside the media folder"):
        read_file(MediaRef("file", str(tmp_path / "secret.png")), media, 100)
    with pytest.raises(InputError, match="not found"):
        read_file(MediaRef("file", "missing.png"), media, 100)
    with pytest.raises(LimitError, match="setting max_image_bytes"):
        read_file(MediaRef("file", "ok.png"), media, 4)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x.png", "http://localhost/x.png", "http://10.1.2.3/x.png"]
)
def test_urls_to_local_or_private_addresses_are_refused_before_connecting(url: str) -> None:
    with pytest.raises(InputError, match="private or local address"):
        fetch_url(url, 1_000_000)


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(InputError, match="not an http"):
        fetch_url("ftp://example.com/x.png", 1_000_000)
