"""The web app's server-rendered pages: content, accessibility basics and language tags."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from starlette.testclient import TestClient

from fakes import FakeEngine

MakeClient = Callable[..., TestClient]


class Outline(HTMLParser):
    """Collect what an accessibility check needs: landmarks, labels, controls, ids."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def outline(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Outline()
    parser.feed(html)
    return parser.tags


def assert_accessible(html: str) -> None:
    tags = outline(html)
    names = [t for t, _ in tags]
    assert tags[0] == ("html", {"lang": "en"})
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in names, landmark
    assert names.count("h1") == 1
    ids = [a["id"] for _, a in tags if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate ids"
    labelled = {a["for"] for t, a in tags if t == "label" and "for" in a}
    for tag, attrs in tags:
        if tag in {"textarea", "select"} or (
            tag == "input" and attrs.get("type") not in {"hidden", "radio", "submit"}
        ):
            assert attrs.get("id") in labelled, f"{tag} {attrs} has no label"
    assert 'class="skip-link" href="#main"' in html


def test_translate_page_shows_both_sides_with_slang_cards_and_pinyin(
    client: TestClient,
) -> None:
    page = client.get("/")
    r = client.post("/", data={"text": "这家店yyds，绝绝子！", "source": "auto", "target": "en"})
    assert page.status_code == 200
    assert_accessible(page.text)
    assert r.status_code == 200
    html = r.text
    assert_accessible(html)
    assert '<p class="text" id="original" lang="zh-Hans">' in html
    assert '<p class="text" id="translation" lang="en">' in html
    # yyds underlined on both sides, each with its own card.
    assert 'aria-describedby="card-1-src">yyds</span>' in html
    # The fake engine follows the glossary line, so the rendering is in the translation.
    assert "the GOAT" in html
    assert 'id="card-1-src"' in html and "yǒng yuǎn de shén" in html
    # Pinyin as ruby on the Chinese side, one per character, with a toggle.
    assert '<ruby class="t4" data-alt="這">这<rt>zhè</rt></ruby>' in html
    assert 'class="pinyin-toggle" data-toggle="show-pinyin" aria-pressed="false"' in html
    assert '<option value="en" selected>' in html


def test_translate_page_says_when_confidence_is_low(
    client: TestClient, fake_engine: FakeEngine
) -> None:
    sure = client.post("/", data={"text": "这家店yyds，绝绝子！", "target": "en"})
    assert "low-confidence" not in sure.text
    # A model that drops the slang: the rendering is missing, and the page says so.
    fake_engine.respond = lambda req: "This shop is a shop."
    r = client.post("/", data={"text": "这家店真的绝绝子", "target": "en"})
    assert r.status_code == 200
    line = re.search(r'<p class="note low-confidence" role="status">([^<]*)</p>', r.text)
    assert line is not None, r.text
    assert line.group(1).startswith("Low confidence (") and line.group(1).endswith(
        ": check the notes."
    )
    assert "This shop is a shop." in r.text


def test_translate_page_errors_are_shown_with_a_4xx(client: TestClient) -> None:
    r = client.post("/", data={"text": "hello", "target": "xx"})
    assert r.status_code == 400
    assert 'role="alert">unknown language' in r.text
    r = client.post("/", data={"text": "   ", "target": "en"})
    assert r.status_code == 400


def test_feed_shows_posts_and_comments_each_with_a_translate_button(
    client: TestClient,
) -> None:
    empty = client.get("/feed")
    assert "No posts yet" in empty.text
    posts = [
        {
            "note_id": "n1",
            "title": "周末去哪儿",
            "desc": "家人们，这家店yyds",
            "nickname": "小红",
            "tag_list": "探店,美食",
            "comments": [
                {"nickname": "Amy", "content": "no cap this looks amazing"},
                {"nickname": "小李", "content": "绝绝子", "sub_comments": [{"content": "同意"}]},
            ],
        },
        {"note_id": "n2", "desc": "Just arrived from TikTok, hi RedNote!"},
    ]
    r = client.post("/api/v1/import", json={"posts": posts, "preset": "rednote"})
    assert r.json()["inserted"] == 2
    html = client.get("/feed").text
    assert_accessible(html)
    assert html.count('class="translate-btn"') == 2 + 3  # two posts, three comments
    assert 'data-sources="post-1-1 post-1-2"' in html  # title and text together
    assert '<p class="text title-text" id="post-1-1" lang="zh-Hans">周末去哪儿</p>' in html
    assert 'lang="en">no cap this looks amazing</p>' in html
    assert 'id="translate-all" data-translate-all' in html and 'role="switch"' in html
    assert "#探店" in html
    assert 'href="https://www.xiaohongshu.com/explore/n1" rel="noopener noreferrer' in html


def test_feed_pages(make_client: MakeClient) -> None:
    client = make_client()
    posts = [{"id": f"p{i}", "text": f"post number {i}"} for i in range(25)]
    client.post("/api/v1/import", json={"posts": posts})
    first = client.get("/feed").text
    assert "Page 1 of 2" in first and "post number 24" in first
    second = client.get("/feed?page=2").text
    assert "post number 0" in second and "post number 24" not in second


def test_glossary_page_filters_by_text_kind_and_language(client: TestClient) -> None:
    html = client.get("/glossary").text
    assert_accessible(html)
    total = int(re.search(r"(\d+) terms", html).group(1))  # type: ignore[union-attr]
    assert total > 100
    html = client.get("/glossary", params={"q": "lying flat"}).text
    assert '<span lang="zh-Hans">躺平</span>' in html
    html = client.get("/glossary", params={"kind": "en-slang", "lang": "en"}).text
    assert 'lang="zh-Hans">' in html  # the Chinese meaning is tagged
    assert '<span lang="en">' in html
    assert '<option value="en-slang" selected>' in html
    html = client.get("/glossary", params={"q": "zzzzqqq"}).text
    assert "No term matches" in html


def test_glossary_and_translate_pages_use_the_servers_own_terms(
    make_client: MakeClient, tmp_path: Path
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[term]]\nterm = "Digga"\nlang = "de"\nrendering.en = ["dude"]\n')
    client = make_client(glossary_file=str(path))
    html = client.get("/glossary", params={"q": "digga"}).text
    assert_accessible(html)
    assert "Digga" in html and "→ dude" in html
    r = client.post("/", data={"text": "Na Digga, alles gut?", "source": "de", "target": "en"})
    assert r.status_code == 200 and "dude" in r.text
    # The card is the user's entry, not a look-alike shipped one (bruh: "variant of 'bro'").
    assert "variant of" not in r.text


def test_search_page(client: TestClient) -> None:
    assert_accessible(client.get("/search").text)
    client.post("/api/v1/import", json={"posts": [{"id": "a", "text": "今天又躺平了"}]})
    html = client.get("/search", params={"q": "躺平", "lang": "en"}).text
    assert_accessible(html)
    assert "In the slang glossary" in html
    assert "今天又躺平了" in html
    assert 'class="translate-btn"' in html


def test_reply_page(client: TestClient) -> None:
    html = client.get("/reply").text
    assert_accessible(html)
    assert "<legend>Tone</legend>" in html
    r = client.post("/reply", data={"text": "", "target": "zh"})
    assert r.status_code == 400


def test_static_files_are_served(client: TestClient) -> None:
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    css = client.get("/static/app.css")
    assert "@media (max-width: 640px)" in css.text


def test_reply_helper_api_and_page(client: TestClient) -> None:
    body = {"text": "this hotpot looks amazing", "target": "zh", "tone": "casual"}
    r = client.post("/api/v1/reply", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["target_lang"] == "zh" and data["reply"] and data["back_translation"]
    html = client.post("/reply", data=body).text
    assert_accessible(html)
    assert '<p class="text reply-text" lang="zh-Hans"><span class="w"' in html
    assert "It says:" in html
    # Pinyin is a switch, off at first, so what the reader sees (and copies) is the reply.
    assert 'class="pinyin-toggle" data-toggle="show-pinyin" aria-pressed="false"' in html
    assert 'class="copy-btn primary" data-copy="reply-plain"' in html
