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
import ssl
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


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global


def _public_address(url: str) -> str:
    """Resolve ``url``'s host once and return the address to connect to.

    Every address the name resolves to must be public; the fetch then connects to the
    first one, so a name that resolves again to a private address (DNS rebinding) never
    gets a second say.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError(f"not an http(s) image URL: {url!r}")
    try:
        port = parts.port  # a port that is not a number raises ValueError
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):
        raise ImageError(f"cannot resolve the image's host {parts.hostname!r}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise ImageError(f"cannot resolve the image's host {parts.hostname!r}")
    for address in addresses:
        if not _is_public(address):
            raise InputError(
                f"refusing to fetch {url!r}: {parts.hostname} is a private or local address"
            )
    return str(addresses[0])


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """Return ``url`` with its host replaced by ``address``, the Host header to send, and
    the TLS name to verify the certificate against (the original host name)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if ":" in address else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    target = parts._replace(netloc=netloc).geturl()
    shown = f"[{host}]" if ":" in host else host
    headers = {"Host": shown if parts.port is None else f"{shown}:{parts.port}"}
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return target, headers, extensions


def fetch_url(
    url: str, max_bytes: int, timeout: float = 10.0, verify: ssl.SSLContext | bool = True
) -> bytes:
    """Fetch an image from a public http(s) URL, up to ``max_bytes``.

    The host is resolved once per hop and checked, and the request goes to that address
    (the certificate is still checked against the host's name). Proxies from the
    environment are not used: a proxy would resolve the name again, out of our sight.
    ``verify``: the TLS context to trust (tests pass one for their own certificate).
    """
    import httpx

    with httpx.Client(
        timeout=timeout, follow_redirects=False, trust_env=False, verify=verify
    ) as client:
        for _hop in range(4):
            target, headers, extensions = _pinned(url, _public_address(url))
            try:
                with client.stream(
                    "GET", target, headers=headers, extensions=extensions
                ) as response:
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
