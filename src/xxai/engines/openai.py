"""The ``openai`` engine: any OpenAI-compatible chat endpoint, through the official SDK.

OpenAI, DeepSeek, Qwen, Ollama, vLLM or llama.cpp's server: base URL, key and model are
settings. Requests are retried with exponential backoff on 429 and 5xx and on connection
errors. Up to ``concurrency`` requests (setting ``openai_concurrency``) are in flight at once
across every caller of one engine: a vLLM server or a fleet behind a load balancer answers
dozens in parallel, llama.cpp's ``llama-server`` as many as its ``--parallel`` slots.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
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
        # One pool per engine, so concurrent translate calls share the limit.
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
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
            concurrency=settings.openai_concurrency,
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
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="openai")
            pool = self._pool
        results: list[str] = [""] * len(requests)
        futures: dict[Future[str], int] = {
            pool.submit(self._complete, r): i for i, r in enumerate(requests)
        }
        try:
            # Progress as each answer arrives, so a stream shows texts as they finish.
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(1)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        self._client.close()
