"""LibreTranslate-compatible endpoints, so existing clients and browser extensions just work.

``POST /translate``, ``POST /detect``, ``GET /languages`` and ``GET /frontend/settings``
take the same parameters (JSON, url-encoded or multipart form bodies), answer the same
shapes and use the same error messages as LibreTranslate. Language codes go out in
LibreTranslate's spelling (``zh-Hans``, ``zh-Hant``); every spelling we know comes in.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request

from xxai.api.errors import ApiError
from xxai.api.state import AppState, app_state
from xxai.errors import LanguageError
from xxai.languages import LANGUAGES
from xxai.text.langid import Detection

__all__ = ["lt_code", "router"]

router = APIRouter(tags=["LibreTranslate compatible"])
MAX_ALTERNATIVES = 10
State = Annotated[AppState, Depends(app_state)]


def lt_code(code: str) -> str:
    """Spell a language code the way LibreTranslate does."""
    return "zh-Hans" if code == "zh" else code


def _body_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                "application/x-www-form-urlencoded": {"schema": schema},
                "multipart/form-data": {"schema": schema},
            },
        }
    }


_STRING = {"type": "string"}
_TRANSLATE_BODY = _body_schema(
    {
        "q": {
            "oneOf": [_STRING, {"type": "array", "items": _STRING}],
            "description": "Text to translate, or a list of texts.",
        },
        "source": {"type": "string", "description": "Source language code, or auto."},
        "target": {"type": "string", "description": "Target language code."},
        "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
        "alternatives": {"type": "integer", "default": 0},
        "api_key": _STRING,
    },
    ["q", "source", "target"],
)
_DETECT_BODY = _body_schema(
    {"q": {"type": "string", "description": "Text to detect."}, "api_key": _STRING}, ["q"]
)


async def _params(request: Request) -> dict[str, Any]:
    """Read the parameters from a JSON body, or a form body plus the query string."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            data = json.loads(await request.body(), parse_constant=_no_constant)
        except (ValueError, RecursionError):
            # ValueError covers bad JSON, bad UTF-8 and NaN/Infinity; RecursionError a body
            # nested deeper than the parser can follow ([[[[...).
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return data
    out: dict[str, Any] = dict(request.query_params)
    if ctype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        form = await request.form()
        for key in form:
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            if values:
                out[key] = values if len(values) > 1 else values[0]
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _alternatives(raw: Any) -> int:
    """Read ``alternatives``: a whole number from 0 to 10 (1e400 and "inf" are refused)."""
    if raw in (None, ""):
        return 0
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ApiError(400, "Invalid request: alternatives parameter is not a number")
    try:
        number = float(raw)
    except ValueError:
        raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None
    if not math.isfinite(number) or not 0 <= number <= MAX_ALTERNATIVES:
        raise ApiError(400, f"Invalid request: alternatives must be from 0 to {MAX_ALTERNATIVES}")
    return int(number)


def _detected(detection: Detection | None) -> dict[str, Any]:
    if detection is None:
        return {"confidence": 0.0, "language": "und"}
    return {
        "confidence": round(detection.confidence * 100, 1),
        "language": lt_code(detection.lang),
    }


def _lang(state: AppState, code: Any, allow_auto: bool) -> str:
    try:
        return state.service.normalize_lang(str(code), allow_auto=allow_auto)
    except LanguageError:
        raise ApiError(400, f"{code} is not supported") from None


@router.post("/translate", openapi_extra=_TRANSLATE_BODY, summary="Translate (LibreTranslate)")
async def translate(request: Request, state: State) -> dict[str, Any]:
    """Translate ``q`` (a string or a list) from ``source`` (or auto) into ``target``."""
    params = await _params(request)
    key = params.get("api_key")
    state.guard.check(request, key if isinstance(key, str) else None)
    q = params.get("q")
    for name in ("q", "source", "target"):
        if params.get(name) in (None, "", []):
            raise ApiError(400, f"Invalid request: missing {name} parameter")
    batch = isinstance(q, list)
    items: list[Any] = q if isinstance(q, list) else [q]
    if not all(isinstance(t, str) for t in items):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    texts = [str(t) for t in items]
    source = _lang(state, params["source"], allow_auto=True)
    target = _lang(state, params["target"], allow_auto=False)
    fmt = str(params.get("format") or "text")
    if fmt not in {"text", "html"}:
        raise ApiError(400, f"{fmt} format is not supported")
    alternatives = _alternatives(params.get("alternatives"))
    results = await anyio.to_thread.run_sync(state.translate, texts, target, source, fmt)
    translated = [r.translation for r in results]
    out: dict[str, Any] = {"translatedText": translated if batch else translated[0]}
    if source == "auto":
        detected = [_detected(r.detected) for r in results]
        out["detectedLanguage"] = detected if batch else detected[0]
    if alternatives > 0:
        # One engine pass gives one translation; we do not invent others.
        out["alternatives"] = [[] for _ in results] if batch else []
    return out


@router.post("/detect", openapi_extra=_DETECT_BODY, summary="Detect (LibreTranslate)")
async def detect(request: Request, state: State) -> list[dict[str, Any]]:
    """Detect the language of ``q``: candidates with confidences from 0 to 100."""
    params = await _params(request)
    key = params.get("api_key")
    state.guard.check(request, key if isinstance(key, str) else None)
    q = params.get("q")
    if q in (None, "", []):
        raise ApiError(400, "Invalid request: missing q parameter")
    text = "\n".join(str(t) for t in q) if isinstance(q, list) else str(q)
    state.limits.check_texts([text])
    found = await anyio.to_thread.run_sync(state.service.detect, text)
    out = [_detected(found)]
    for lang, score in found.alternatives:
        if lang != found.lang:
            out.append({"confidence": round(score * 100, 1), "language": lt_code(lang)})
    return out


@router.get("/languages", summary="Supported languages (LibreTranslate)")
def languages() -> list[dict[str, Any]]:
    """List languages with the targets each can be translated into."""
    return [
        {
            "code": lt_code(code),
            "name": lang.name,
            "targets": [lt_code(other) for other in LANGUAGES if other != code],
        }
        for code, lang in LANGUAGES.items()
    ]


@router.get("/frontend/settings", summary="Frontend settings (LibreTranslate)")
def frontend_settings(state: State) -> dict[str, Any]:
    """Describe limits and defaults the way LibreTranslate's frontend expects."""
    return {
        "charLimit": state.limits.max_request_chars,
        "frontendTimeout": 500,
        "apiKeys": bool(state.guard.keys),
        "keyRequired": state.guard.require_key,
        "suggestions": False,
        "filesTranslation": False,
        "supportedFilesFormat": [],
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": "en", "name": "English"},
        },
    }
