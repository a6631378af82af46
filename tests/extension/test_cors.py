"""The server setting that lets an extension without host access call the API (CORS)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from xxai.api.app import create_app
from xxai.config import load_settings
from xxai.service import Service

from fakes import FakeEngine

EXT = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


def preflight(client: TestClient, origin: str) -> tuple[int, str | None]:
    r = client.options(
        "/api/v1/translate",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
    )
    return r.status_code, r.headers.get("access-control-allow-origin")


def test_cors_origins_admits_the_extension_and_no_one_else(tmp_path: Path) -> None:
    settings = load_settings(
        {"home": str(tmp_path), "engine": "fake", "embed_model": "none", "cors_origins": EXT},
        environ={},
    )
    service = Service(settings, {"fake": FakeEngine()})
    with TestClient(create_app(service, warm=False), base_url="http://127.0.0.1") as client:
        assert preflight(client, EXT) == (200, EXT)
        status, allowed = preflight(client, "https://evil.example")
        assert status == 400 and allowed is None
        r = client.post(
            "/api/v1/translate", json={"text": "你好", "target": "en"}, headers={"Origin": EXT}
        )
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == EXT
    service.close()
