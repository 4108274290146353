"""End-to-end fixtures: a real `streamlit run app.py` server and headless Debian Chromium (Playwright).

`app_url` starts one server per test session on a free port; `page` gives a fresh browser page.
Helpers `wait_for_app(page)` (script finished, no skeletons) are shared by every e2e test.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

import pytest

from tests.e2e.servers import streamlit_at

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests are required in CI")
        pytest.skip(f"Chromium not found at {CHROMIUM}")


@contextlib.contextmanager
def streamlit_server():
    """`streamlit run app.py` on a free port with a throwaway data directory; yields its URL."""
    with streamlit_at(_free_port()) as url:
        yield url


@pytest.fixture(scope="session")
def app_url():
    require_chromium()
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.page_errors = errors  # type: ignore[attr-defined]
    yield tab
    context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the script run has finished and nothing is still loading."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=timeout
    )
    assert page.locator('[data-testid="stException"]').count() == 0, "a traceback reached the user"


def open_saved_in_sidebar(page, label: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    if sidebar.locator('[data-testid="stExpander"] details[open]').count() == 0:
        sidebar.locator('[data-testid="stExpander"] summary').filter(has_text="Saved scenarios").click()
    for attempt in range(3):  # a rerun that lands while the list is open closes it: open it again
        wait_for_app(page)
        page.locator(".st-key-store_panel-pick").click()
        try:
            page.get_by_role("option", name=label, exact=True).click(timeout=8_000)
            break
        except Exception:
            if attempt == 2:
                page.screenshot(path="/tmp/funnelcast-open-saved-failure.png")
                raise
            page.keyboard.press("Escape")
    page.locator(".st-key-store_panel-open").get_by_role("button").click()
    wait_for_app(page)
