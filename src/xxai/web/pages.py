"""The web app: server-rendered pages for translate, feed, search, glossary and reply.

Templates are Jinja2 with autoescaping on, so every piece of user and post text is escaped;
the pages' JavaScript lives in static files (the CSP allows no inline script) and writes
untrusted text with ``textContent`` only.
"""

from __future__ import annotations

import logging
import weakref
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import jinja2
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from xxai import __version__
from xxai.api.errors import ApiError, status_for
from xxai.api.state import AppState, app_state
from xxai.errors import XxaiError
from xxai.languages import LANGUAGES
from xxai.service import Service
from xxai.web.markup import bilingual, html_lang, linkify, ruby_chunks, same_language
from xxai.web.reading import Reader

__all__ = ["mount_static", "router"]

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

_WEB = Path(str(resources.files("xxai.web")))
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(_WEB / "templates")),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["linkify"] = linkify
# "low confidence (…): check the notes" as a sentence (capitalize would lower the rest).
_env.filters["sentence"] = lambda text: str(text)[:1].upper() + str(text)[1:]
_env.globals.update(
    same_language=same_language,
    html_lang=html_lang,
    ruby_chunks=ruby_chunks,
    languages=LANGUAGES,
    version=__version__,
    nav=[
        ("/", "Translate"),
        ("/feed", "Feed"),
        ("/search", "Search"),
        ("/glossary", "Glossary"),
        ("/reply", "Reply helper"),
        ("/words", "My words"),
    ],
)

PAGE_SIZE = 20
GLOSSARY_PAGE = 50


def mount_static(app: FastAPI) -> None:
    """Serve the CSS and JavaScript under /static."""
    app.mount("/static", StaticFiles(directory=str(_WEB / "static")), name="static")


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = app_state(request)
    context.setdefault("error", "")
    html = _env.get_template(template).render(
        request_path=request.url.path,
        reader=_reader(state),
        key_error=status == 403,
        key_required=state.guard.require_key,
        max_batch=state.limits.max_batch,
        max_chars=state.limits.max_request_chars,
        max_image_bytes=state.limits.max_image_bytes,
        **context,
    )
    return HTMLResponse(html, status_code=status)


_readers: weakref.WeakKeyDictionary[Service, Reader] = weakref.WeakKeyDictionary()


def _reader(state: AppState) -> Reader:
    """Return the service's reader: ruby pinyin with the glosser's readings."""
    reader = _readers.get(state.service)
    if reader is None:
        reader = _readers.setdefault(state.service, Reader(state.service.gloss))
    return reader


def _failure(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, ApiError):
        return exc.status, exc.message
    if isinstance(exc, XxaiError):
        return status_for(exc), str(exc)
    raise exc


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


# -- translate ---------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def translate_page(request: Request) -> Response:
    return _render(request, "translate.html", text="", source="auto", target="en")


@router.post("/", response_class=HTMLResponse)
async def translate_submit(request: Request) -> Response:
    state = app_state(request)
    form = await _form(request)
    text = form.get("text", "")
    source = form.get("source", "auto") or "auto"
    target = form.get("target", "en") or "en"
    context: dict[str, Any] = {"text": text, "source": source, "target": target}
    try:
        state.guard.check(request, form.get("api_key") or None)
        if not text.strip():
            raise ApiError(400, "Type or paste some text to translate.")
        state.limits.check_texts([text])
        results = await anyio.to_thread.run_sync(state.translate, [text], target, source)
    except (ApiError, XxaiError) as exc:
        status, message = _failure(exc)
        return _render(request, "translate.html", status, error=message, **context)
    result = results[0]
    original, translated, cards = bilingual(result, glossary=state.service.glossary())
    return _render(
        request,
        "translate.html",
        result=result,
        original=original,
        translated=translated,
        cards=cards,
        **context,
    )


# -- feed --------------------------------------------------------------------------------


@router.get("/feed", response_class=HTMLResponse)
def feed_page(request: Request, page: int = 1) -> Response:
    state = app_state(request)
    try:
        state.guard.check(request)  # imported posts are data: the key and the rate limit
        total = state.service.feed(0, 1).total
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        found = state.service.feed((page - 1) * PAGE_SIZE, PAGE_SIZE)
    except (ApiError, XxaiError) as exc:
        status, message = _failure(exc)
        return _render(request, "feed.html", status, error=message, posts=[], page=1, pages=1)
    return _render(
        request, "feed.html", posts=found.posts, total=found.total, page=page, pages=pages
    )


# -- search ------------------------------------------------------------------------------


def _search(state: AppState, query: str) -> dict[str, Any]:
    # The first answer needs no model: glossary cards, keyword and meaning matches. The
    # page's script then asks the API for the query's translation and translated results.
    found = state.service.search(query, limit=20, translate_query=False, translate_results=False)
    return found.to_json()


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, q: str = "", lang: str = "en") -> Response:
    state = app_state(request)
    context: dict[str, Any] = {"q": q, "lang": lang, "glossary": [], "results": None}
    if not q.strip():
        return _render(request, "search.html", **context)
    try:
        state.guard.check(request)
        state.limits.check_texts([q])
        response = await anyio.to_thread.run_sync(_search, state, q)
        context["results"] = response
        context["glossary"] = response.get("glossary", [])
    except (ApiError, XxaiError) as exc:
        status, message = _failure(exc)
        return _render(request, "search.html", status, error=message, **context)
    return _render(request, "search.html", **context)


# -- glossary ----------------------------------------------------------------------------


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(
    request: Request, q: str = "", kind: str = "", lang: str = "", page: int = 1
) -> Response:
    from xxai.slang.glossary import KINDS

    found = app_state(request).service.glossary_entries(q, kind, lang)
    pages = max(1, -(-len(found) // GLOSSARY_PAGE))
    page = min(max(1, page), pages)
    shown = found[(page - 1) * GLOSSARY_PAGE : page * GLOSSARY_PAGE]
    return _render(
        request,
        "glossary.html",
        q=q,
        kind=kind,
        lang=lang,
        kinds=sorted(KINDS),
        entries=shown,
        total=len(found),
        page=page,
        pages=pages,
        pager_base="/glossary?" + urlencode({"q": q, "kind": kind, "lang": lang}) + "&",
    )


# -- reply helper ------------------------------------------------------------------------


@router.get("/reply", response_class=HTMLResponse)
def reply_page(request: Request) -> Response:
    return _render(
        request,
        "reply.html",
        text="",
        target="zh",
        tone="casual",
    )


def _reply(state: AppState, text: str, target: str, tone: str) -> dict[str, Any]:
    result = state.service.reply(text, target, tone)
    state.metrics.count_translation([text])
    return result.to_json()


@router.post("/reply", response_class=HTMLResponse)
async def reply_submit(request: Request) -> Response:
    state = app_state(request)
    form = await _form(request)
    context: dict[str, Any] = {
        "text": form.get("text", ""),
        "target": form.get("target", "zh") or "zh",
        "tone": form.get("tone", "casual")
        if form.get("tone") in {"casual", "polite"}
        else "casual",
    }
    try:
        state.guard.check(request, form.get("api_key") or None)
        if not context["text"].strip():
            raise ApiError(400, "Write what you want to say.")
        state.limits.check_texts([context["text"]])
        reply = await anyio.to_thread.run_sync(
            _reply, state, context["text"], context["target"], context["tone"]
        )
    except (ApiError, XxaiError) as exc:
        status, message = _failure(exc)
        return _render(request, "reply.html", status, error=message, **context)
    return _render(request, "reply.html", reply=reply, **context)


# -- word list ---------------------------------------------------------------------------


@router.get("/words", response_class=HTMLResponse)
async def words_page(request: Request, q: str = "") -> Response:
    state = app_state(request)
    try:
        found, total = await anyio.to_thread.run_sync(state.service.find_words, q, 1000)
    except XxaiError as exc:
        status, message = _failure(exc)
        return _render(request, "words.html", status, error=message, q=q, words=[], total=0)
    return _render(request, "words.html", q=q, words=found, total=total)
