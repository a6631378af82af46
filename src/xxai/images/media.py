"""Images attached to imported posts: read their references, open files, fetch URLs safely.

A post's record may carry ``images`` (or RedNote's ``image_list``): each a file path, an
http(s) URL, or an object with one of ``path``, ``file``, ``url``, ``url_default``. Files
are read only from inside the media folder (a path that leaves it is refused), and URLs are
fetched only from public addresses, with a size limit and a timeout, never following a
redirect to somewhere else unchecked.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from xxai.errors import ImageError, InputError, LimitError

__all__ = ["MediaRef", "fetch_url", "image_refs", "read_file"]


@dataclass(frozen=True)
class MediaRef:
    """One image of a post: a file path (relative to the media folder) or a URL."""

    kind: str  # file or url
    value: str

    @property
    def label(self) -> str:
        return Path(self.value).name if self.kind == "file" else self.value


def _ref(item: Any) -> MediaRef | None:
    if isinstance(item, dict):
        for key in ("path", "file", "url", "url_default", "src"):
            if isinstance(item.get(key), str) and item[key].strip():
                return _ref(item[key])
        return None
    if not isinstance(item, str) or not item.strip():
        return None
    value = item.strip()
    scheme = urlsplit(value).scheme.lower()
    if scheme in {"http", "https"}:
        return MediaRef("url", value)
    if scheme and len(scheme) > 1:  # javascript:, file:, data: ... (not C:\\ paths)
        return None
    return MediaRef("file", value)


def image_refs(record: dict[str, Any], limit: int = 20) -> list[MediaRef]:
    """Return the images a post's record refers to, in order."""
    raw = record.get("images")
    if raw is None:
        raw = record.get("image_list")
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list):
        return []
    refs = [r for r in (_ref(item) for item in raw) if r is not None]
    return refs[:limit]


def read_file(ref: MediaRef, media_dir: Path, max_bytes: int) -> bytes:
    """Read a post's image file from inside ``media_dir``."""
    root = media_dir.resolve()
    path = (root / ref.value).resolve()
    if not path.is_relative_to(root):
        raise InputError(f"image {ref.value!r} is outside the media folder (setting media_dir)")
    if not path.is_file():
        raise InputError(f"image {ref.value!r} not found in the media folder (setting media_dir)")
    size = path.stat().st_size
    if size > max_bytes:
        raise LimitError(
            f"image {path.name}: {size:,} bytes, over the limit of {max_bytes:,} "
            "(setting max_image_bytes)"
        )
    return path.read_bytes()


def _check_public(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError(f"not an http(s) image URL: {url!r}")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, type=socket.SOCK_STREAM)
    except OSError:
        raise ImageError(f"cannot resolve the image's host {parts.hostname!r}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise InputError(
                f"refusing to fetch {url!r}: {parts.hostname} is a private or local address"
            )


def fetch_url(url: str, max_bytes: int, timeout: float = 10.0) -> bytes:
    """Fetch an image from a public http(s) URL, up to ``max_bytes``."""
    import httpx

    for _hop in range(4):
        _check_public(url)
        try:
            with httpx.stream("GET", url, timeout=timeout, follow_redirects=False) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise ImageError(f"the image URL answered HTTP {response.status_code}")
                data = bytearray()
                for chunk in response.iter_bytes():
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        raise LimitError(
                            f"the image at {url} is over {max_bytes:,} bytes "
                            "(setting max_image_bytes)"
                        )
                return bytes(data)
        except httpx.HTTPError as exc:
            raise ImageError(f"cannot fetch the image: {exc}") from None
    raise ImageError("the image URL redirects too many times")
