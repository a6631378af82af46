"""Web search through a SearXNG instance's JSON API.

``GET {url}/search?q=...&format=json`` answers ``{"results": [{"url", "title", "content",
"engine", ...}], ...}``. The instance must allow the JSON format (``search.formats`` in its
settings.yml); when it does not, it answers 403 and we say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from xxai.errors import WebSearchError

__all__ = ["WebHit", "WebSearchError", "searxng_search"]


@dataclass(frozen=True)
class WebHit:
    """One web result."""

    url: str
    title: str
    content: str
    engine: str
    query: str  # which query (as typed, or a translation) found it
    rank: int  # position in that query's results, from 0


def _one(client: httpx.Client, base_url: str, query: str, language: str | None) -> list[WebHit]:
    params = {"q": query, "format": "json"}
    if language:
        params["language"] = language
    try:
        response = client.get(base_url.rstrip("/") + "/search", params=params)
    except httpx.TimeoutException:
        raise WebSearchError(f"SearXNG at {base_url} did not answer in time") from None
    except httpx.HTTPError as exc:
        raise WebSearchError(f"SearXNG at {base_url} cannot be reached ({exc})") from None
    if response.status_code == 403:
        raise WebSearchError(
            f"SearXNG at {base_url} refused the JSON format (403); enable it under "
            "search.formats in its settings.yml"
        )
    if response.status_code != 200:
        raise WebSearchError(f"SearXNG at {base_url} answered HTTP {response.status_code}")
    try:
        data: Any = response.json()
    except ValueError:
        raise WebSearchError(f"SearXNG at {base_url} did not answer JSON") from None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise WebSearchError(f"SearXNG at {base_url} answered JSON without a results list")
    hits: list[WebHit] = []
    for item in results:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        hits.append(
            WebHit(
                url=item["url"],
                title=str(item.get("title") or ""),
                content=str(item.get("content") or ""),
                engine=str(item.get("engine") or ""),
                query=query,
                rank=len(hits),
            )
        )
    return hits


def searxng_search(
    base_url: str,
    queries: Sequence[tuple[str, str | None]],
    timeout: float = 5.0,
    limit: int = 10,
) -> list[list[WebHit]]:
    """Run each (query, language) on SearXNG at once; return each query's hits, best first.

    Raises :class:`WebSearchError` when any query fails, so the caller can fall back.
    """
    if not queries:
        return []
    with (
        httpx.Client(timeout=timeout, follow_redirects=True) as client,
        ThreadPoolExecutor(max_workers=len(queries)) as pool,
    ):
        futures = [pool.submit(_one, client, base_url, q, lang) for q, lang in queries]
        return [future.result()[:limit] for future in futures]
