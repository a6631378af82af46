"""LibreTranslate compatibility: the PyPI client against a live server, and the spec by HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

MakeClient = Callable[..., TestClient]


def test_libretranslatepy_client_works_unchanged(live_server: Any) -> None:
    lt = pytest.importorskip("libretranslatepy")
    api = lt.LibreTranslateAPI(live_server.url)
    assert api.translate("这家店yyds", "zh", "en").startswith("zhe jia dian")
    assert api.translate("no cap, this slaps", "auto", "zh-Hans").startswith("中文：")
    detected = api.detect("今天天气很好，我们去公园吧")
    assert detected[0]["language"] == "zh-Hans"
    assert 0 < detected[0]["confidence"] <= 100
    codes = {lang["code"] for lang in api.languages()}
    assert {"en", "zh-Hans", "zh-Hant", "de"} <= codes


def test_translate_form_body(client: TestClient) -> None:
    r = client.post("/translate", data={"q": "你好", "source": "zh", "target": "en"})
    assert r.status_code == 200
    assert r.json() == {"translatedText": "ni hao"}


def test_translate_multipart_form_body(client: TestClient) -> None:
    r = client.post(
        "/translate",
        files={"q": (None, "你好"), "source": (None, "auto"), "target": (None, "en")},
    )
    assert r.status_code == 200
    data = r.json()
    assert data["translatedText"] == "ni hao"
    assert data["detectedLanguage"]["language"] == "zh-Hans"


def test_translate_json_batch_with_auto_detect_and_alternatives(client: TestClient) -> None:
    r = client.post(
        "/translate",
        json={
            "q": ["你好", "Good morning, friends", "😀"],
            "source": "auto",
            "target": "zh-Hans",
            "alternatives": 2,
        },
    )
    assert r.status_code == 200
    data = r.json()
    assert data["translatedText"][0] == "你好"  # already Chinese
    assert data["translatedText"][1] == "中文：Good morning, friends"
    assert data["translatedText"][2] == "😀"
    langs = [d["language"] for d in data["detectedLanguage"]]
    assert langs[:2] == ["zh-Hans", "en"]
    assert all(0 <= d["confidence"] <= 100 for d in data["detectedLanguage"])
    assert data["alternatives"] == [[], [], []]


def test_source_given_means_no_detected_language(client: TestClient) -> None:
    r = client.post("/translate", json={"q": "Hello", "source": "en", "target": "zh"})
    assert "detectedLanguage" not in r.json()


def test_zh_hant_target_converts_script(client: TestClient) -> None:
    r = client.post("/translate", json={"q": "这个软件", "source": "zh", "target": "zt"})
    assert r.json()["translatedText"] == "這個軟體"


def test_html_format_keeps_tags_and_attributes(client: TestClient) -> None:
    html = '<div data-x="你好"><p>你好</p><script>var s = "世界";</script><br>世界</div>'
    r = client.post(
        "/translate", json={"q": html, "source": "zh", "target": "en", "format": "html"}
    )
    assert r.status_code == 200
    assert r.json()["translatedText"] == (
        '<div data-x="你好"><p>ni hao</p><script>var s = "世界";</script><br>shi jie</div>'
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "en", "target": "zh"}, "Invalid request: missing q parameter"),
        ({"q": "Hello", "target": "zh"}, "Invalid request: missing source parameter"),
        ({"q": "Hello", "source": "en"}, "Invalid request: missing target parameter"),
        ({"q": "Hello", "source": "en", "target": "zz"}, "zz is not supported"),
        ({"q": "Hello", "source": "zz", "target": "en"}, "zz is not supported"),
        (
            {"q": "Hello", "source": "en", "target": "zh", "format": "xml"},
            "xml format is not supported",
        ),
        (
            {"q": "Hello", "source": "en", "target": "zh", "alternatives": "abc"},
            "Invalid request: alternatives parameter is not a number",
        ),
    ],
)
def test_errors_use_libretranslate_messages(
    client: TestClient, data: dict[str, str], message: str
) -> None:
    r = client.post("/translate", data=data)
    assert r.status_code == 400
    assert r.json() == {"error": message}


def test_invalid_json_body(client: TestClient) -> None:
    r = client.post("/translate", json=["not", "a", "dict"])
    assert r.status_code == 400
    assert r.json() == {"error": "Invalid JSON format"}
    r = client.post("/translate", json={"q": [], "source": "en", "target": "zh"})
    assert r.json() == {"error": "Invalid request: missing q parameter"}


def test_detect_and_frontend_settings(make_client: MakeClient) -> None:
    client = make_client(api_keys="k1", max_request_chars=1234)
    r = client.post("/detect", json={"q": "Guten Morgen, wie geht es dir heute?"})
    assert r.status_code == 200
    assert r.json()[0]["language"] == "de"
    assert client.post("/detect", data={}).json() == {
        "error": "Invalid request: missing q parameter"
    }
    settings = client.get("/frontend/settings").json()
    assert settings["charLimit"] == 1234
    assert settings["apiKeys"] is True and settings["keyRequired"] is False
    assert settings["language"]["source"]["code"] == "auto"


def test_api_key_in_body_is_checked(make_client: MakeClient) -> None:
    client = make_client(api_keys="secret", require_api_key=True)
    body = {"q": "你好", "source": "zh", "target": "en"}
    r = client.post("/translate", data=body)
    assert r.status_code == 403 and "api key" in r.json()["error"].lower()
    r = client.post("/translate", data={**body, "api_key": "wrong"})
    assert r.json() == {"error": "Invalid API key"}
    r = client.post("/translate", json={**body, "api_key": "secret"})
    assert r.status_code == 200
