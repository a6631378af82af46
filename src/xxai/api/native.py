"""The native JSON API under ``/api/v1/``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response, StreamingResponse

from xxai.api.errors import ApiError
from xxai.api.state import AppState, app_state
from xxai.errors import InputError

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["native"])

State = Annotated[AppState, Depends(app_state)]


def guarded(request: Request, state: State) -> AppState:
    """Check the API key and rate limit, then hand the route its state."""
    state.guard.check(request)
    return state


Guarded = Annotated[AppState, Depends(guarded)]


class TranslateIn(BaseModel):
    """A translate request: one text or a list."""

    text: str | list[str] = Field(description="A text, or a list of texts.")
    target: str = Field(description="Target language: en, zh (zh-Hans), zh-Hant, de, ...")
    source: str = Field("auto", description="Source language, or auto to detect it.")
    format: Literal["text", "html"] = Field(
        "text", description="html: translate text nodes only, keep tags and attributes."
    )
    stream: Literal["ndjson", "sse"] | None = Field(
        None,
        description="Stream a long text line by line as NDJSON or server-sent events "
        "(one text only).",
    )
    refresh: bool = Field(
        False, description="Translate again past the translation memory (and store the answer)."
    )
    context: str | list[str] | None = Field(
        None,
        description="What the text replies to, read but never translated: the title of the "
        "note a comment is under, or the comment it answers. One string for every text, or a "
        "list with one per text (format text, not streamed; the first 300 characters count).",
    )


class TextIn(BaseModel):
    text: str


class GlossIn(BaseModel):
    text: str
    tones: Literal["marks", "numbers"] = "marks"


class ReplyIn(BaseModel):
    text: str = Field(description="What you want to say, in your language.")
    target: str = Field("zh", description="Language of the reply.")
    tone: Literal["casual", "polite"] = "casual"
    source: str = Field("auto", description="Language of your text, or auto.")


class ImportIn(BaseModel):
    posts: list[dict[str, Any]] = Field(description="Records, as in an import file.")
    preset: str = Field("generic", description="Field mapping: generic, rednote, twitter.")
    source: str | None = Field(None, description="Source name stored with the posts.")


@router.post("/translate", summary="Translate one text or a list")
def translate(body: TranslateIn, state: Guarded) -> Any:
    """Translate; slang terms come back with offsets, meanings and renderings."""
    texts = [body.text] if isinstance(body.text, str) else body.text
    if not texts:
        raise ApiError(400, "Invalid request: text is an empty list")
    context = [body.context] * len(texts) if isinstance(body.context, str) else body.context
    if context is not None and (body.stream or body.format != "text"):
        raise ApiError(400, "context takes format text, not streamed")
    if context is not None and len(context) != len(texts):
        raise ApiError(400, f"context: {len(context)} given for {len(texts)} texts")
    if body.stream:
        if not isinstance(body.text, str):
            raise ApiError(400, "streaming takes one text, not a list")
        if body.format != "text":
            raise ApiError(400, "streaming takes format text")
        state.limits.check_texts(texts)
        return _stream(state, body.text, body.target, body.source, body.stream)
    if context is not None:
        state.limits.check_texts(context)
    results = state.translate(
        texts, body.target, body.source, body.format, body.refresh, context or ()
    )
    if isinstance(body.text, str):
        return results[0].to_json()
    return {"results": [r.to_json() for r in results]}


def _stream(state: AppState, text: str, target: str, source: str, mode: str) -> Response:
    events = state.service.translate_stream(text, target, source)

    def encode(kind: str, data: dict[str, Any]) -> bytes:
        payload = json.dumps({"type": kind, **data}, ensure_ascii=False)
        if mode == "sse":
            return f"event: {kind}\ndata: {payload}\n\n".encode()
        return (payload + "\n").encode()

    async def generate() -> AsyncIterator[bytes]:
        while True:
            found = await anyio.to_thread.run_sync(next, events, None)
            if found is None:
                return
            kind, data = found
            if kind == "unit":
                state.metrics.count_translation([data["text"]])
            yield encode(kind, data)

    media = "text/event-stream" if mode == "sse" else "application/x-ndjson"
    return StreamingResponse(generate(), media_type=media, headers={"Cache-Control": "no-cache"})


@router.post("/detect", summary="Detect the language of a text")
def detect(body: TextIn, state: Guarded) -> dict[str, Any]:
    state.limits.check_texts([body.text])
    return state.service.detect(body.text).to_json()


@router.get("/explain", summary="Explain a slang term or a word")
def explain(
    state: Guarded,
    term: Annotated[str, Query(description="A term: yyds, 躺平, no cap, lying flat, ...")],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> dict[str, Any]:
    return state.service.explain(term, limit)


@router.post("/gloss", summary="Word-by-word pinyin and glosses of Chinese text")
def gloss(body: GlossIn, state: Guarded) -> Any:
    state.limits.check_texts([body.text])
    numbers = body.tones == "numbers"
    return state.service.gloss(body.text).to_json(numbers)


@router.post("/reply", summary="Write a reply in another language, with pinyin and a check")
def reply(body: ReplyIn, state: Guarded) -> Any:
    state.limits.check_texts([body.text])
    result = state.service.reply(body.text, body.target, body.tone, body.source)
    state.metrics.count_translation([body.text])
    return result.to_json()


@router.get("/search", summary="Search imported posts and the glossary in any language")
def search(
    state: Guarded,
    q: Annotated[str, Query(description="The query, in any language.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    lang: Annotated[str | None, Query(description="Translate results into this language.")] = None,
    translate: Annotated[
        bool,
        Query(description="false: no model call (no query or result translation), fastest."),
    ] = True,
) -> Any:
    if not q.strip():
        raise InputError("give a query: ?q=...")
    response = state.service.search(
        q, lang=lang, limit=limit, translate_query=translate or None, translate_results=translate
    )
    return response.to_json()


@router.post("/import", summary="Import posts (JSON records, as in an import file)")
def import_posts(body: ImportIn, state: Guarded) -> dict[str, Any]:
    if len(body.posts) > state.limits.max_batch * 10:
        raise ApiError(
            413,
            f"too many posts: {len(body.posts)} in one request, the limit is "
            f"{state.limits.max_batch * 10} (10 x setting max_batch)",
        )
    report = state.service.import_records(body.posts, body.preset, body.source)
    return report.to_json(state.service.store().count())


@router.get("/posts", summary="Imported posts, newest first")
def posts(
    state: Guarded,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    return state.service.feed(offset, limit).to_json()


@router.get("/glossary", summary="Browse the slang glossary (the server's own terms merged in)")
def glossary(
    state: Guarded,
    q: str = "",
    kind: str = "",
    lang: str = "",
    mine: Annotated[bool, Query(description="Only the terms of the glossary_file")] = False,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    found = state.service.glossary_entries(q, kind, lang, mine)
    return {
        "total": len(found),
        "offset": offset,
        "entries": [e.to_json() for e in found[offset : offset + limit]],
    }


@router.get("/languages", summary="Supported languages and a quality note per pair")
def languages(state: State) -> list[dict[str, Any]]:
    return state.service.languages()
