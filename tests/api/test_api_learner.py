"""The learner's API and pages: speech, the word list, and pinyin that lines up with gloss."""

from __future__ import annotations

import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from xxai.learn.gloss import gloss

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def _ruby_readings(html: str, element_id: str) -> list[tuple[str, str]]:
    start = html.index(f'id="{element_id}"')
    block = html[start : html.index("</p>", start)]
    return re.findall(r"<ruby[^>]*>(.)<rt>([^<]*)</rt></ruby>", block)


def test_translate_page_pinyin_is_per_character_with_gloss_readings(
    client: TestClient, tmp_path: Path
) -> None:
    text = "他画得很好，家人们谁懂啊"
    html = client.post("/", data={"text": text, "source": "zh", "target": "en"}).text
    pairs = _ruby_readings(html, "original")
    # One ruby per Han character, in order, nothing merged or dropped.
    assert "".join(ch for ch, _ in pairs) == "他画得很好家人们谁懂啊"
    assert ("得", "de") in pairs and ("得", "dé") not in pairs
    expected = [
        (ch, s)
        for w in gloss(text, home=tmp_path / "home").words
        if w.kind == "zh"
        for ch, s in zip(w.word, w.to_json()["syllables"], strict=True)
    ]
    assert pairs == expected  # the page reads the text the way `xxai gloss` does


def test_reply_page_keeps_a_plain_copy_of_the_reply(client: TestClient) -> None:
    body = {"text": "your cat is so cute", "target": "zh", "tone": "casual"}
    reply = client.post("/api/v1/reply", json=body).json()["reply"]
    html = client.post("/reply", data=body).text
    plain = re.search(r'<p hidden id="reply-plain"[^>]*>([^<]*)</p>', html)
    assert plain is not None and plain.group(1) == reply
    assert '<section class="result" id="reply-result"' in html  # pinyin off at first


@needs_espeak
def test_say_returns_a_wav_clip(client: TestClient) -> None:
    r = client.post("/api/v1/say", json={"text": "你好", "lang": "auto"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "audio/wav" and r.headers["x-voice"] == "cmn"
    assert r.content[:4] == b"RIFF" and len(r.content) > 10_000


def test_say_without_espeak_is_a_503_with_the_fix(make_client: object) -> None:
    client = make_client(espeak="espeak-ng-missing")  # type: ignore[operator]
    r = client.post("/api/v1/say", json={"text": "你好"})
    assert r.status_code == 503
    assert "espeak-ng-missing is not installed" in r.json()["error"]
    assert client.post("/api/v1/say", json={"text": " "}).status_code == 400


def test_words_api_saves_lists_exports_and_deletes(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/api/v1/words/export?format=apkg").status_code == 400  # nothing yet
    r = client.post(
        "/api/v1/words",
        json={"word": "躺平", "sentence": "我决定躺平了", "translation": "I decided to lie flat"},
    )
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["pinyin"] == "tǎngpíng" and "rat race" in saved["meaning"]
    listed = client.get("/api/v1/words", params={"q": "flat"}).json()
    assert [w["word"] for w in listed["words"]] == ["躺平"]
    page = client.get("/words").text
    assert "躺平" in page and "我决定躺平了" in page and "/api/v1/words/export?format=apkg" in page
    csv = client.get("/api/v1/words/export?format=csv")
    assert csv.status_code == 200 and "躺平,tǎngpíng" in csv.text
    apkg = client.get("/api/v1/words/export?format=apkg")
    assert apkg.status_code == 200
    assert 'filename="xxai-words.apkg"' in apkg.headers["content-disposition"]
    (tmp_path / "deck.apkg").write_bytes(apkg.content)
    with zipfile.ZipFile(tmp_path / "deck.apkg") as package:
        package.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    assert db.execute("SELECT sfld FROM notes").fetchall() == [("躺平",)]
    db.close()
    assert client.delete("/api/v1/words/躺平").json() == {"deleted": 1}
    assert client.delete("/api/v1/words/躺平").status_code == 404


def test_urls_in_posts_become_safe_links() -> None:
    from xxai.web.markup import linkify

    html = str(linkify('看这个 https://example.com/a?b=1&c="x"，真的绝 <b>(http://x.io/p).</b>'))
    assert (
        '<a href="https://example.com/a?b=1&amp;c=" rel="noopener noreferrer nofollow ugc" '
        'target="_blank">https://example.com/a?b=1&amp;c=</a>&#34;x&#34;，真的绝' in html
    )
    assert '(<a href="http://x.io/p" rel="noopener' in html and "&lt;b&gt;" in html
    assert "<a" not in str(linkify("javascript:alert(1) data:text/html,x"))


def test_feed_links_urls_and_hides_translate_for_the_target_language(
    client: TestClient,
) -> None:
    posts = [
        {"note_id": "u1", "desc": "Menu here: https://example.com/menu 绝绝子"},
        {"note_id": "u2", "desc": "Hello from Ohio, this place is great"},
    ]
    r = client.post("/api/v1/import", json={"posts": posts, "preset": "rednote"})
    assert r.status_code == 200, r.text
    html = client.get("/feed").text
    assert '<a href="https://example.com/menu" rel="noopener noreferrer nofollow ugc"' in html
    english = html[html.index("Hello from Ohio") :]
    assert re.search(
        r'<button type="button" class="translate-btn" data-lang="en"[^>]* hidden>', english
    )


def test_feed_is_sorted_by_date_with_replies_under_their_comment(client: TestClient) -> None:
    posts = [
        {"note_id": "old", "desc": "旧帖子", "time": 1_700_000_000_000},
        {
            "note_id": "new",
            "desc": "新帖子",
            "time": 1_736_900_000_000,
            "comments": [
                {
                    "nickname": "Amy",
                    "content": "where is this?",
                    "sub_comments": [{"nickname": "小红", "content": "在上海"}],
                },
                {"nickname": "Bo", "content": "绝绝子"},
            ],
        },
        {"note_id": "undated", "desc": "没有日期"},
    ]
    assert client.post("/api/v1/import", json={"posts": posts, "preset": "rednote"}).is_success
    html = client.get("/feed").text
    assert html.index("新帖子") < html.index("旧帖子") < html.index("没有日期")
    # The reply sits in a nested list inside Amy's comment, before Bo's comment.
    amy = html.index("where is this?")
    nested = html.index('<ul class="replies"', amy)
    assert nested < html.index("在上海") < html.index("绝绝子")
    assert html.index("</li>", amy) > html.index("在上海")


def test_learner_routes_need_the_key_when_one_is_required(make_client: object) -> None:
    client = make_client(api_keys="secret", require_api_key=True)  # type: ignore[operator]
    assert client.post("/api/v1/words", json={"word": "躺平"}).status_code == 403
    assert client.get("/api/v1/words/export?format=csv").status_code == 403
    saved = client.post("/api/v1/words", json={"word": "躺平"}, headers={"X-API-Key": "secret"})
    assert saved.status_code == 201
    # The page's download link carries the key as ?api_key= (a link cannot send a header).
    csv = client.get("/api/v1/words/export?format=csv&api_key=secret")
    assert csv.status_code == 200 and csv.text.startswith("word,pinyin")
