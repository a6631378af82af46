"""``POST /api/v1/translate/image``: translate the text in an uploaded image.

Takes ``multipart/form-data`` (field ``image``: the file) or JSON (``image``: base64 or a
``data:`` URL), with ``target``, ``source`` and ``render``. Answers the JSON of
:meth:`ImageTranslation.to_json`, plus ``rendered_png`` (base64) when ``render`` is true,
or the PNG itself with ``response=png``. Same API keys, rate limits and error shape as the
other routes; the body may be larger (setting ``max_image_bytes``).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response

from xxai.api.errors import ApiError
from xxai.api.state import AppState, app_state
from xxai.images import ImageTranslation, to_png

__all__ = ["IMAGE_PATH", "router"]

IMAGE_PATH = "/api/v1/translate/image"
router = APIRouter(tags=["native"])
State = Annotated[AppState, Depends(app_state)]
_TRUE = {"1", "true", "yes", "on"}


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


async def _read_form(request: Request, state: AppState) -> tuple[bytes, dict[str, str]]:
    form = await request.form(max_files=1, max_fields=20)
    upload = form.get("image")
    if not isinstance(upload, UploadFile):
        raise ApiError(400, "Invalid request: image: missing (a file field named 'image')")
    data = await upload.read(state.limits.max_image_bytes + 1)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    fields.setdefault("name", upload.filename or "upload")
    return data, fields


async def _read_json(request: Request) -> tuple[bytes, dict[str, str]]:
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, "Invalid JSON format") from None
    if not isinstance(body, dict) or not isinstance(body.get("image"), str):
        raise ApiError(400, "Invalid request: image: missing (base64 text or a data: URL)")
    raw = body["image"]
    if raw.startswith("data:"):
        raw = raw.partition(",")[2]
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "Invalid request: image: not valid base64") from None
    fields = {k: str(v) for k, v in body.items() if k != "image" and v is not None}
    return data, fields


def _response(result: ImageTranslation, fields: dict[str, str]) -> Response:
    if fields.get("response") == "png":
        if result.rendered is None:
            raise ApiError(400, "response=png needs render")
        headers = {"X-Xxai-Blocks": str(len(result.blocks))}
        return Response(to_png(result.rendered), media_type="image/png", headers=headers)
    data = result.to_json()
    if result.rendered is not None:
        data["rendered_png"] = base64.b64encode(to_png(result.rendered)).decode("ascii")
    return JSONResponse(data)


@router.post(
    IMAGE_PATH,
    summary="Translate the text in an image (multipart upload or JSON with base64)",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["image", "target"],
                        "properties": {
                            "image": {"type": "string", "format": "binary"},
                            "target": {"type": "string"},
                            "source": {"type": "string", "default": "auto"},
                            "render": {"type": "boolean", "default": False},
                            "response": {"type": "string", "enum": ["json", "png"]},
                        },
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["image", "target"],
                        "properties": {
                            "image": {"type": "string", "description": "base64 or data: URL"},
                            "target": {"type": "string"},
                            "source": {"type": "string", "default": "auto"},
                            "render": {"type": "boolean", "default": False},
                            "response": {"type": "string", "enum": ["json", "png"]},
                        },
                    }
                },
            }
        }
    },
)
async def translate_image(request: Request, state: State) -> Response:
    """Find the text in the image, translate each block, and draw it back when asked."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        data, fields = await _read_form(request, state)
    elif kind == "application/json":
        data, fields = await _read_json(request)
    else:
        raise ApiError(
            415, "send multipart/form-data with a file field 'image', or JSON with base64 'image'"
        )
    state.guard.check(request, fields.get("api_key") or None)
    if len(data) > state.limits.max_image_bytes:
        raise state.limits.image_too_large(len(data))
    target = fields.get("target", "")
    if not target:
        raise ApiError(400, "Invalid request: target: missing")
    render = _flag(fields.get("render", "")) or fields.get("response") == "png"
    result = await anyio.to_thread.run_sync(
        lambda: state.service.translate_image(
            data, target, fields.get("source") or "auto", render=render, name=fields.get("name", "")
        )
    )
    state.metrics.count_translation([b.block.text for b in result.blocks])
    return _response(result, fields)


@router.get("/api/v1/posts/{pk}/images/{index}", summary="An image of an imported post")
async def post_image(pk: int, index: int, request: Request, state: State) -> Response:
    """Serve image ``index`` of post ``pk`` (a file in the media folder, or a fetched URL)."""
    state.guard.check(request)
    data, media_type = await anyio.to_thread.run_sync(state.service.post_image, pk, index)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=300"})
