"""POST /api/v1/translate/image: uploads, base64, rendering, limits, keys and rate limits."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from starlette.testclient import TestClient
from test_image_load import bomb_png

from xxai.api.app import create_app
from xxai.config import load_settings
from xxai.service import Service

from fakes import FakeEngine
from imagekit import encode, make_sample

URL = "/api/v1/translate/image"
MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[MakeClient]:
    opened: list[tuple[TestClient, Service]] = []

    def make(**overrides: Any) -> TestClient:
        values = {"home": str(tmp_path / "home"), "engine": "fake", "rate_limit": 0}
        service = Service(load_settings(values | overrides, environ={}), {"fake": FakeEngine()})
        client = TestClient(
            create_app(service), raise_server_exceptions=False, base_url="http://127.0.0.1"
        )
        client.__enter__()
        opened.append((client, service))
        deadline = time.monotonic() + 10
        while client.get("/health").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.02)
        return client

    yield make
    for client, service in opened:
        client.__exit__(None, None, None)
        service.close()


@pytest.fixture(scope="module")
def meme() -> bytes:
    return make_sample("meme", 1).png()  # 今天也是躺平的一天, 600x600


BLANK = encode(Image.new("RGB", (320, 200), (240, 240, 240)))


def test_multipart_upload_returns_every_block(make_client: MakeClient, meme: bytes) -> None:
    client = make_client()
    r = client.post(URL, files={"image": ("meme.png", meme, "image/png")}, data={"target": "en"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["width"] == 600 and data["height"] == 600 and data["target_lang"] == "en"
    block = data["blocks"][0]
    assert block["text"] == "今天也是躺平的一天" and block["source_lang"] == "zh"
    assert len(block["polygon"]) == 4 and all(len(p) == 2 for p in block["polygon"])
    assert 0.8 < block["confidence"] <= 1.0
    assert "lying flat" in block["translation"].lower()
    assert block["terms"][0]["term"] == "躺平" and block["terms"][0]["meaning"]
    assert "rendered_png" not in data


def test_json_base64_with_render_returns_the_drawn_png(
    make_client: MakeClient, meme: bytes
) -> None:
    client = make_client()
    body = {"image": "data:image/png;base64," + base64.b64encode(meme).decode(), "target": "en"}
    r = client.post(URL, json=body | {"render": True})
    assert r.status_code == 200, r.text
    drawn = Image.open(io.BytesIO(base64.b64decode(r.json()["rendered_png"])))
    assert drawn.format == "PNG" and drawn.size == (600, 600)
    raw = client.post(URL, json=body | {"response": "png"})
    assert raw.status_code == 200 and raw.headers["content-type"] == "image/png"
    assert raw.headers["x-xxai-blocks"] == "1"
    assert Image.open(io.BytesIO(raw.content)).size == (600, 600)


def test_a_50_mb_upload_is_refused_with_the_limit(make_client: MakeClient) -> None:
    client = make_client()
    big = b"\xff\xd8" + b"\0" * 50_000_000
    r = client.post(URL, files={"image": ("big.jpg", big, "image/jpeg")}, data={"target": "en"})
    assert r.status_code == 413
    assert "20,000,000 bytes (setting max_image_bytes)" in r.json()["error"]
    # Text routes keep their own, smaller limit.
    r = client.post("/api/v1/translate", json={"text": "x" * 1_100_000, "target": "en"})
    assert r.status_code == 413 and "max_request_bytes" in r.json()["error"]


def test_the_image_size_limit_is_a_setting(make_client: MakeClient, meme: bytes) -> None:
    client = make_client(max_image_bytes=len(meme) - 1)
    r = client.post(URL, files={"image": ("m.png", meme, "image/png")}, data={"target": "en"})
    assert r.status_code == 413
    assert f"{len(meme):,} bytes; the limit is {len(meme) - 1:,}" in r.json()["error"]


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        (b"hello, I am text", 400, "not an image"),
        (encode(Image.effect_noise((200, 200), 50).convert("RGB"), "JPEG")[:900], 400, "truncated"),
        (bomb_png(30_000, 30_000), 413, "setting image_max_pixels"),
    ],
    ids=["not-an-image", "truncated", "decompression-bomb"],
)
def test_bad_images_get_a_clear_error(
    make_client: MakeClient, payload: bytes, status: int, message: str
) -> None:
    client = make_client()
    r = client.post(URL, files={"image": ("x.png", payload, "image/png")}, data={"target": "en"})
    assert r.status_code == status and message in r.json()["error"], r.text


def test_no_text_animated_and_cmyk_images_are_answered(make_client: MakeClient) -> None:
    client = make_client()
    r = client.post(URL, files={"image": ("b.png", BLANK, "image/png")}, data={"target": "en"})
    assert r.status_code == 200 and r.json()["blocks"] == []
    assert "no text found in the image" in r.json()["notes"]
    frames = [Image.new("RGB", (80, 60), c) for c in ("white", "black")]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    r = client.post(URL, files={"image": ("a.gif", gif, "image/gif")}, data={"target": "zh"})
    assert r.status_code == 200 and any("first frame of 2" in n for n in r.json()["notes"])
    cmyk = encode(Image.new("CMYK", (80, 60), (0, 0, 0, 10)), "JPEG")
    r = client.post(URL, files={"image": ("c.jpg", cmyk, "image/jpeg")}, data={"target": "en"})
    assert r.status_code == 200 and r.json()["format"] == "JPEG"
    assert any("CMYK" in n for n in r.json()["notes"])


def test_request_shape_errors(make_client: MakeClient) -> None:
    client = make_client()
    r = client.post(URL, content=b"abc", headers={"content-type": "text/plain"})
    assert r.status_code == 415 and "multipart/form-data" in r.json()["error"]
    r = client.post(URL, json={"image": "%%%", "target": "en"})
    assert r.status_code == 400 and "base64" in r.json()["error"]
    r = client.post(URL, files={"image": ("b.png", BLANK, "image/png")})
    assert r.status_code == 400 and "target" in r.json()["error"]
    r = client.post(URL, data={"target": "en"}, files={"other": ("b.png", BLANK, "image/png")})
    assert r.status_code == 400 and "image" in r.json()["error"]
    r = client.post(URL, json={"image": base64.b64encode(BLANK).decode(), "target": "xx"})
    assert r.status_code == 400 and "zh-Hant" in r.json()["error"]


def test_keys_and_rate_limits_apply(make_client: MakeClient) -> None:
    client = make_client(api_keys="k1", require_api_key=True, rate_limit=1)
    files = {"image": ("b.png", BLANK, "image/png")}
    assert client.post(URL, files=files, data={"target": "en"}).status_code == 403
    ok = client.post(URL, files=files, data={"target": "en", "api_key": "k1"})
    assert ok.status_code == 200, ok.text
    again = client.post(URL, files=files, data={"target": "en"}, headers={"X-API-Key": "k1"})
    assert again.status_code == 429 and "Retry-After" in again.headers
