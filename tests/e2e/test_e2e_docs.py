"""The API's documentation pages in real headless Chromium, offline: Swagger UI and ReDoc
come from the package, not a CDN, and run under a CSP with no inline scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from live_server import LiveServer


def _open(browser: Any, url: str) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context()
    page = context.new_page()
    hosts: list[str] = []
    problems: list[str] = []
    # Hosts that answered: ReDoc asks cdn.redoc.ly for its logo, which the CSP blocks
    # before it leaves the browser (and the logo hides itself).
    # (A blob: worker has no host.)
    page.on("response", lambda res: hosts.append(urlsplit(res.url).netloc or "blob"))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(url)
    return context, page, hosts, problems


def test_swagger_ui_lists_the_endpoints_offline(
    server: LiveServer, browser: Any, artifacts: Path
) -> None:
    context, page, hosts, problems = _open(browser, server.url + "/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/translate" in p for p in paths), paths
    # Try it out reaches the server itself: expand one endpoint.
    page.locator(".opblock-summary-path", has_text="/health").first.click()
    page.wait_for_selector(".try-out__btn", timeout=10_000)
    page.screenshot(path=str(artifacts / "api-docs-swagger.png"))
    assert set(hosts) == {urlsplit(server.url).netloc}, hosts
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()


def test_redoc_renders_the_reference_offline(
    server: LiveServer, browser: Any, artifacts: Path
) -> None:
    context, page, hosts, problems = _open(browser, server.url + "/redoc")
    page.get_by_text("/api/v1/translate", exact=True).first.wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "api-docs-redoc.png"))
    assert set(hosts) <= {urlsplit(server.url).netloc, "blob"}, hosts
    # The only thing the CSP refuses is ReDoc's logo from its CDN (it hides itself).
    refused = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert all("cdn.redoc.ly" in p for p in refused), refused
    context.close()
