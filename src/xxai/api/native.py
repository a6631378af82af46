"""The native JSON API under ``/api/v1/``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response, StreamingResponse

from xxai.api import features
from xxai.api.errors import ApiError, status_for
from xxai.api.html_translate import translate_html
from xxai.api.state import AppState, app_state
from xxai.errors import InputError, XxaiError
from xxai.pipeline import TranslationResult

__all__ = ["router", "translate_texts"]

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


def translate_texts(
    state: AppState, texts: list[str], target: str, source: str, fmt: str
) -> list[TranslationResult]:
    """Translate plain texts, or the text nodes of HTML documents, as one batch."""
    state.limits.check_texts(texts)
    if fmt == "text":
        return state.translate(texts, target, source)
    docs = list(texts)
    detections = [
        state.service.detect(features.visible_text(d)) if source == "auto" else None for d in docs
    ]
    sources = [d.lang if d is not None else source for d in detections]

    def run(nodes: list[str], owners: list[int]) -> list[str]:
        out = [""] * len(nodes)
        for lang in dict.fromkeys(sources[o] for o in owners):
            picked = [i for i, o in enumerate(owners) if sources[o] == lang]
            src = "auto" if lang == "und" else lang
            results = state.translate([nodes[i] for i in picked], target, src)
            for i, result in zip(picked, results, strict=True):
                out[i] = result.translation
        return out

    translated = translate_html(docs, run)
    target_code = state.service.normalize_lang(target)
    results = []
    for doc, out, detection, src in zip(docs, translated, detections, sources, strict=True):
        engine = state.service.settings.engine
        result = TranslationResult(doc, out, src, target_code, engine, unchanged=doc == out)
        result.detected = detection
        results.append(result)
    return results


@router.post("/translate", summary="Translate one text or a list")
def translate(body: TranslateIn, state: Guarded) -> Any:
    """Translate; slang terms come back with offsets, meanings and renderings."""
    texts = [body.text] if isinstance(body.text, str) else body.text
    if not texts:
        raise ApiError(400, "Invalid request: text is an empty list")
    if body.stream:
        if not isinstance(body.text, str):
            raise ApiError(400, "streaming takes one text, not a list")
        if body.format != "text":
            raise ApiError(400, "streaming takes format text")
        state.limits.check_texts(texts)
        return _stream(state, body.text, body.target, body.source, body.stream)
    results = translate_texts(state, texts, body.target, body.source, body.format)
    if isinstance(body.text, str):
        return results[0].to_json()
    return {"results": [r.to_json() for r in results]}


def _lines(text: str) -> list[tuple[int, str]]:
    """Split into (offset, line) pairs; the newlines stay out of the lines."""
    out = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        out.append((offset, line))
        offset += len(raw)
    return out or [(0, "")]


def _batches(n: int, largest: int) -> Iterator[range]:
    """Yield growing batches (1, 2, 4, ...) so the first line comes back fast."""
    start, size = 0, 1
    while start < n:
        yield range(start, min(n, start + size))
        start += size
        size = min(largest, size * 2)


def _stream(state: AppState, text: str, target: str, source: str, mode: str) -> Response:
    service = state.service
    target = service.normalize_lang(target)
    source = service.normalize_lang(source, allow_auto=True)
    detection = service.detect(text) if source == "auto" else None
    src = detection.lang if detection is not None else source
    src_arg = "auto" if src == "und" else src
    lines = _lines(text)

    def event(kind: str, data: dict[str, Any]) -> bytes:
        data = {"type": kind, **data}
        payload = json.dumps(data, ensure_ascii=False)
        if mode == "sse":
            return f"event: {kind}\ndata: {payload}\n\n".encode()
        return (payload + "\n").encode()

    async def generate() -> AsyncIterator[bytes]:
        start: dict[str, Any] = {"source_lang": src, "target_lang": target, "lines": len(lines)}
        if detection is not None:
            start["detected"] = {"lang": detection.lang, "confidence": detection.confidence}
        yield event("start", start)
        translations: list[str] = []
        terms: list[dict[str, Any]] = []
        engine = model = ""
        try:
            for batch in _batches(len(lines), max(1, int(service.settings.batch_size))):
                chunk = [lines[i][1] for i in batch]
                results = await anyio.to_thread.run_sync(state.translate, chunk, target, src_arg)
                for i, result in zip(batch, results, strict=True):
                    offset = lines[i][0]
                    shifted = [
                        {**t, "start": t["start"] + offset, "end": t["end"] + offset}
                        for t in result.to_json()["terms"]
                    ]
                    terms.extend(shifted)
                    translations.append(result.translation)
                    engine, model = result.engine, result.model
                    yield event(
                        "unit",
                        {
                            "index": i,
                            "offset": offset,
                            "text": lines[i][1],
                            "translation": result.translation,
                            "terms": shifted,
                        },
                    )
        except XxaiError as exc:
            yield event("error", {"error": str(exc), "status": status_for(exc)})
            return
        yield event(
            "done",
            {
                "text": text,
                "translation": "\n".join(translations),
                "source_lang": src,
                "target_lang": target,
                "engine": engine,
                "model": model,
                "terms": terms,
            },
        )

    media = "text/event-stream" if mode == "sse" else "application/x-ndjson"
    return StreamingResponse(generate(), media_type=media, headers={"Cache-Control": "no-cache"})


@router.post("/detect", summary="Detect the language of a text")
def detect(body: TextIn, state: Guarded) -> dict[str, Any]:
    state.limits.check_texts([body.text])
    found = state.service.detect(body.text)
    return {
        "lang": found.lang,
        "confidence": found.confidence,
        "reason": found.reason,
        "alternatives": [
            {"lang": lang, "confidence": round(score, 3)} for lang, score in found.alternatives
        ],
    }


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
    return features.gloss(state, body.text, body.tones)


@router.post("/reply", summary="Write a reply in another language, with pinyin and a check")
def reply(body: ReplyIn, state: Guarded) -> Any:
    state.limits.check_texts([body.text])
    return features.reply(state, body.text, body.target, body.tone, body.source)


@router.get("/search", summary="Search imported posts and the glossary in any language")
def search(
    state: Guarded,
    q: Annotated[str, Query(description="The query, in any language.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    lang: Annotated[str | None, Query(description="Translate results into this language.")] = None,
) -> Any:
    if not q.strip():
        raise InputError("give a query: ?q=...")
    return features.search(state, q, limit, lang)


@router.post("/import", summary="Import posts (JSON records, as in an import file)")
def import_posts(body: ImportIn, state: Guarded) -> dict[str, Any]:
    if len(body.posts) > state.limits.max_batch * 10:
        raise ApiError(
            413,
            f"too many posts: {len(body.posts)} in one request, the limit is "
            f"{state.limits.max_batch * 10} (10 x setting max_batch)",
        )
    return features.import_records(state, body.posts, body.preset, body.source)


@router.get("/posts", summary="Imported posts, newest first")
def posts(
    state: Guarded,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    page = features.feed(state, offset, limit)
    return {
        "total": page.total,
        "offset": offset,
        "posts": [p.to_json() for p in page.posts],
    }


@router.get("/glossary", summary="Browse the slang glossary")
def glossary(
    state: Guarded,
    q: str = "",
    kind: str = "",
    lang: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    found = features.glossary_entries(q, kind, lang)
    return {
        "total": len(found),
        "offset": offset,
        "entries": [e.to_json() for e in found[offset : offset + limit]],
    }


@router.get("/languages", summary="Supported languages and a quality note per pair")
def languages(state: State) -> list[dict[str, Any]]:
    return state.service.languages()
