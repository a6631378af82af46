"""The learner's API: speech (``/api/v1/say``) and the word list (``/api/v1/words``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from xxai.api.errors import ApiError
from xxai.api.native import Guarded

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["learning"])


class SayIn(BaseModel):
    """Text to speak."""

    text: str = Field(description="A word, a sentence or a reply (at most 2,000 characters).")
    lang: str = Field("auto", description="zh, zh-Hant, en, de, or auto to detect it.")


class WordIn(BaseModel):
    """A word to save; what is left out is filled in from the dictionary and glossary."""

    word: str = Field(description="The word or term, e.g. 躺平 or no cap.")
    pinyin: str = ""
    meaning: str = ""
    sentence: str = Field("", description="The sentence the word came from.")
    translation: str = Field("", description="The sentence's translation.")
    source: str = Field("", description="Where it was saved from: gloss, card, translation.")


@router.post(
    "/say",
    summary="Speak a text (WAV, offline espeak-ng)",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}}}},
)
async def say(body: SayIn, state: Guarded) -> Response:
    """Return ``audio/wav`` of the text read aloud (Mandarin voice for Chinese)."""
    state.limits.check_texts([body.text])
    clip = await anyio.to_thread.run_sync(state.service.say, body.text, body.lang)
    data = await anyio.to_thread.run_sync(clip.read)
    return Response(
        data,
        media_type="audio/wav",
        headers={"Cache-Control": "private, max-age=86400", "X-Voice": clip.voice},
    )


@router.get("/words", summary="List or search the word list")
async def list_words(
    state: Guarded,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> dict[str, Any]:
    """Return ``{"words": [...]}``, newest first, filtered by ``q`` when given."""
    found, total = await anyio.to_thread.run_sync(state.service.find_words, q, limit)
    return {"count": total, "words": [w.to_json() for w in found]}


@router.post("/words", summary="Save a word to the word list", status_code=201)
async def add_word(body: WordIn, state: Guarded) -> dict[str, Any]:
    """Save (or update) a word with its pinyin, meaning and sentence; return it."""
    fields = body.model_dump()
    word = fields.pop("word")
    saved = await anyio.to_thread.run_sync(lambda: state.service.save_word(word, **fields))
    return saved.to_json()


@router.delete("/words/{word}", summary="Delete a word (by spelling or id)")
async def delete_word(word: str, state: Guarded) -> dict[str, Any]:
    """Delete a saved word; 404 when it is not in the list."""
    removed = await anyio.to_thread.run_sync(state.service.delete_word, word)
    if not removed:
        raise ApiError(404, f"{word!r} is not in the word list")
    return {"deleted": removed}


@router.get(
    "/words/export",
    summary="Download the word list as an Anki deck (.apkg) or CSV",
    response_class=Response,
)
async def export_words(state: Guarded, format: Literal["apkg", "csv"] = "apkg") -> Response:
    """Return the word list as a file to download."""
    home = state.service.settings.home
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home / "tmp") as folder:
        path = Path(folder) / f"xxai-words.{format}"
        await anyio.to_thread.run_sync(state.service.export_words, path, format)
        data = path.read_bytes()
    media = "application/octet-stream" if format == "apkg" else "text/csv; charset=utf-8"
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="xxai-words.{format}"'},
    )
