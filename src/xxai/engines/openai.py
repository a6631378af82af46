"""The ``openai`` engine: any OpenAI-compatible chat endpoint, through the official SDK.

OpenAI, DeepSeek, Qwen, Ollama, vLLM or llama.cpp's server: base URL, key and model are
settings. Requests are retried with exponential backoff on 429 and 5xx and on connection
errors; a batch is sent as concurrent requests (a server fleet answers them in parallel).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai

from xxai.config import Settings
from xxai.engines.base import ProgressFn, TranslationRequest
from xxai.engines.prompts import messages_for
from xxai.errors import EngineError

__all__ = ["OpenAIEngine"]

log = logging.getLogger(__name__)


class OpenAIEngine:
    """Translate through an OpenAI-compatible chat completions endpoint."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        timeout: float = 60.0,
        retries: int = 3,
        max_tokens: int = 512,
        temperature: float = 0.0,
        concurrency: int = 4,
        backoff: float = 0.5,
    ) -> None:
        self._model = model
        self.base_url = base_url
        self.retries = retries
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.concurrency = max(1, concurrency)
        self.backoff = backoff
        # The SDK's own retries are off: ours log, back off with jitter and count.
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=0,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **_: Any) -> OpenAIEngine:
        return cls(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key,
            model=settings.openai_model,
            timeout=settings.openai_timeout,
            retries=settings.openai_retries,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
        )

    @property
    def model_id(self) -> str:
        return f"{self._model}@{self.base_url}"

    def _retryable(self, exc: Exception) -> bool:
        if isinstance(exc, openai.APIStatusError):
            return exc.status_code == 429 or exc.status_code >= 500
        return isinstance(exc, openai.APIConnectionError | openai.APITimeoutError)

    def _complete(self, req: TranslationRequest) -> str:
        attempt = 0
        while True:
            try:
                response = self._client.chat.completions.create(
                    model=self._model,
                    messages=messages_for(req),  # type: ignore[arg-type]
                    max_tokens=self.max_tokens,
                    temperature=self.temperature,
                )
                content = response.choices[0].message.content if response.choices else None
                if content is None:
                    raise EngineError(f"{self.base_url}: the response had no message content")
                return content
            except openai.APIError as exc:
                if attempt >= self.retries or not self._retryable(exc):
                    raise EngineError(f"openai engine ({self.base_url}): {exc}") from None
                delay = self.backoff * (2**attempt) * (1 + random.random() / 2)
                log.warning("openai engine: %s; retry %d in %.1fs", exc, attempt + 1, delay)
                time.sleep(delay)
                attempt += 1

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        """Translate each request, several at once."""
        if not requests:
            return []
        results: list[str] = [""] * len(requests)
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            futures = {pool.submit(self._complete, r): i for i, r in enumerate(requests)}
            for future, index in futures.items():
                results[index] = future.result()
                if progress:
                    progress(1)
        return results

    def close(self) -> None:
        self._client.close()
