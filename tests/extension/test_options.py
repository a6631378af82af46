"""The options page: settings are kept, and "Test connection" says plainly what is wrong."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from harness import Browser, Xxai, closed_port


def options(browser: Browser) -> Any:
    page = browser.context.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/options/options.html")
    expect(page.locator("#target option").first).to_be_attached()
    return page


def check_connection(page: Any, url: str, key: str = "") -> str:
    """Press "Test connection" for url and key; return what the page says."""
    page.fill("#serverUrl", url)
    page.fill("#apiKey", key)
    page.evaluate("document.getElementById('status').textContent = ''")
    page.click("#test")
    # Extension pages forbid eval, so poll through a locator instead of wait_for_function.
    expect(page.locator("#status")).not_to_have_text(re.compile(r"^(|Testing…)$"), timeout=15000)
    return str(page.inner_text("#status"))


def test_defaults_and_save(browser: Browser) -> None:
    browser.worker.evaluate("chrome.storage.local.clear()")
    page = options(browser)
    assert page.input_value("#serverUrl") == "http://127.0.0.1:5000"  # xxai serve's default
    assert page.input_value("#target") == "en"
    page.fill("#serverUrl", "http://127.0.0.1:5123/")
    page.select_option("#target", "de")
    page.uncheck("#site-generic")
    page.click("#save")
    expect(page.locator("#status")).to_have_text(re.compile("^Saved"))
    stored = browser.worker.evaluate("chrome.storage.local.get('settings')")["settings"]
    assert stored["serverUrl"] == "http://127.0.0.1:5123"
    assert stored["target"] == "de"
    assert stored["sites"] == {"rednote": True, "generic": False}
    page.fill("#serverUrl", "ftp://example")
    page.click("#save")
    assert "must start with http://" in page.inner_text("#status")
    page.close()


def test_test_connection_explains_each_failure(
    browser: Browser, xxai_server: Xxai, start_xxai: Callable[..., Xxai], artifacts: Path
) -> None:
    page = options(browser)
    port = closed_port()
    said = check_connection(page, f"http://127.0.0.1:{port}")
    assert said == (
        f"Cannot reach the xxai server at http://127.0.0.1:{port}. "
        f"Start it with: xxai serve --port {port}"
    )
    page.screenshot(path=str(artifacts / "options-server-down.png"))
    keyed = start_xxai(api_keys="right-key", require_api_key=True)
    assert "refused the API key" in check_connection(page, keyed.url, "nope")
    assert check_connection(page, keyed.url, "right-key").startswith("Connected: xxai ")
    said = check_connection(page, xxai_server.url)
    assert said.startswith("Connected: xxai ") and "engine fake" in said
    # An address the extension has no access to: the browser applies CORS and refuses.
    port = xxai_server.url.rsplit(":", 1)[1]
    said = check_connection(page, f"http://127.0.0.2:{port}")
    assert "(CORS)" in said
    assert f"XXAI_CORS_ORIGINS=chrome-extension://{browser.extension_id}" in said
    page.close()
