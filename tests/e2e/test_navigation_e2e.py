"""Every page through a fresh server: deep links land inside the app, and no page shows a traceback."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_chromium, streamlit_server, wait_for_app

PAGES = [
    "funnel",
    "capacity",
    "unit_economics",
    "forecast",
    "pipeline",
    "scorecard",
    "scenarios",
    "sensitivity",
    "present",
]


@pytest.fixture(scope="module")
def fresh_url():
    require_chromium()
    with streamlit_server() as url:
        yield url


def test_deep_link_to_a_page_on_a_fresh_server_shows_the_app_navigation(browser, fresh_url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{fresh_url}/pipeline")  # the very first request this server sees
    wait_for_app(page, timeout=90_000)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Plan" in nav and "Will we make the quarter?" in nav
    assert not nav.strip().startswith("app"), "Streamlit's file-name page list must not appear"
    assert page.locator("h1").first.inner_text().strip() != ""
    assert "s=" in page.url  # the shared scenario state ran
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_without_an_error(browser, fresh_url, name):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{fresh_url}/{name}" if name != "funnel" else fresh_url)
    wait_for_app(page, timeout=90_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").count() >= 1
    assert not errors, errors
    page.close()
