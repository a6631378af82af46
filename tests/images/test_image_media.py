"""Images attached to imported posts: references, the media folder, URL safety (no network:
local servers stand in for image hosts)."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from xxai.errors import ImageError, InputError, LimitError
from xxai.images import media
from xxai.images.media import MediaRef, fetch_url, image_refs, read_file


def test_image_references_in_the_shapes_exports_use() -> None:
    record = {
        "images": [
            "a.png",
            "https://example.com/b.jpg",
            {"url_default": "http://example.com/c.webp"},
            {"path": "sub/d.gif"},
            "javascript:alert(1)",
            "file:///etc/passwd",
            "",
            42,
        ]
    }
    assert image_refs(record) == [
        MediaRef("file", "a.png"),
        MediaRef("url", "https://example.com/b.jpg"),
        MediaRef("url", "http://example.com/c.webp"),
        MediaRef("file", "sub/d.gif"),
    ]
    assert image_refs({"image_list": "x.png, y.png"}) == [
        MediaRef("file", "x.png"),
        MediaRef("file", "y.png"),
    ]
    assert image_refs({"text": "no images"}) == []


def test_files_are_read_only_from_inside_the_media_folder(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "ok.png").write_bytes(b"12345")
    (tmp_path / "secret.png").write_bytes(b"secret")
    assert read_file(MediaRef("file", "ok.png"), media, 100) == b"12345"
    with pytest.raises(InputError, match="outside the media folder"):
        read_file(MediaRef("file", "../secret.png"), media, 100)
    with pytest.raises(InputError, match="outside the media folder"):
        read_file(MediaRef("file", str(tmp_path / "secret.png")), media, 100)
    with pytest.raises(InputError, match="not found"):
        read_file(MediaRef("file", "missing.png"), media, 100)
    with pytest.raises(LimitError, match="setting max_image_bytes"):
        read_file(MediaRef("file", "ok.png"), media, 4)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x.png", "http://localhost/x.png", "http://10.1.2.3/x.png"]
)
def test_urls_to_local_or_private_addresses_are_refused_before_connecting(url: str) -> None:
    with pytest.raises(InputError, match="private or local address"):
        fetch_url(url, 1_000_000)


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(InputError, match="not an http"):
        fetch_url("ftp://example.com/x.png", 1_000_000)


# --- The address checked is the address connected to (DNS rebinding) -------------------
# A local server stands in for a public image host: the test's resolver answers the host's
# name with 127.0.0.1 once (the check passes: the test counts 127.0.0.1 as public), then
# with a private address, as a rebinding attacker's DNS would. A fetch that resolved the
# name again would go to the private address; the image must come from the checked one.

PNG = b"\x89PNG\r\n\x1a\n" + b"image bytes"


class _Handler(http.server.BaseHTTPRequestHandler):
    hosts: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hosts.append(self.headers.get("Host", ""))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/x.png")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[http.server.HTTPServer, list[str]]]:
    hosts: list[str] = []
    handler = type("Handler", (_Handler,), {"hosts": hosts})
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd, hosts
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """images.example resolves to 127.0.0.1 the first time, to 10.0.0.1 after that."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> object:
        if host == "images.example":
            asked.append(str(host))
            address = "127.0.0.1" if len(asked) == 1 else "10.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(media, "_is_public", lambda a: str(a) == "127.0.0.1")
    return asked


def test_the_fetch_connects_to_the_address_it_checked(
    server: tuple[http.server.HTTPServer, list[str]], rebinding_dns: list[str]
) -> None:
    httpd, hosts = server
    port = httpd.server_address[1]
    assert fetch_url(f"http://images.example:{port}/x.png", 1_000_000, timeout=5) == PNG
    # The name was resolved once, and the server was asked for the host by its name.
    assert rebinding_dns == ["images.example"]
    assert hosts == [f"images.example:{port}"]


def test_a_redirect_is_checked_and_pinned_again(
    server: tuple[http.server.HTTPServer, list[str]], rebinding_dns: list[str]
) -> None:
    httpd, hosts = server
    port = httpd.server_address[1]
    # The redirect's host resolves again (now to the private address): refused.
    with pytest.raises(InputError, match="private or local address"):
        fetch_url(f"http://images.example:{port}/moved", 1_000_000, timeout=5)
    assert len(hosts) == 1


def test_a_name_that_resolves_to_a_private_address_too_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> object:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.1", 80)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(InputError, match="private or local address"):
        fetch_url("http://mixed.example/x.png", 1_000_000)


def test_a_url_with_a_bad_port_is_a_clear_error() -> None:
    with pytest.raises(ImageError, match="cannot resolve"):
        fetch_url("http://example.com:99999999/x.png", 1_000_000)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_checks_the_certificate_against_the_host_name_not_the_address(
    tmp_path: Path, rebinding_dns: list[str]
) -> None:
    def certificate(name: str) -> tuple[Path, Path]:
        key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
             "-addext", f"subjectAltName=DNS:{name}"],
            check=True, capture_output=True,
        )  # fmt: skip
        return key, cert

    for name, works in (("images.example", True), ("other.example", False)):
        rebinding_dns.clear()
        key, cert = certificate(name)
        hosts: list[str] = []
        httpd = http.server.HTTPServer(
            ("127.0.0.1", 0), type("Handler", (_Handler,), {"hosts": hosts})
        )
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            trust = ssl.create_default_context(cafile=str(cert))
            url = f"https://images.example:{httpd.server_address[1]}/x.png"
            if works:
                assert fetch_url(url, 1_000_000, timeout=5, verify=trust) == PNG
                assert hosts == [f"images.example:{httpd.server_address[1]}"]
            else:
                with pytest.raises(ImageError, match="cannot fetch the image"):
                    fetch_url(url, 1_000_000, timeout=5, verify=trust)
        finally:
            httpd.shutdown()
            httpd.server_close()
