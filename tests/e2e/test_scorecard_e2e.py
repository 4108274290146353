"""The scorecard in a real browser: set a standard, see the status colour and the attainability change."""

from __future__ import annotations

from tests.e2e.conftest import wait_for_app

STATUS = ".st-key-scorecard-status h3"
ATTAIN = '.st-key-scorecard-attain [data-testid="stMetricValue"]'


def badge_colour(page, word: str) -> str:
    """Computed background colour of the status badge showing `word`."""
    badge = page.locator(f"{STATUS} span", has_text=word).last
    return badge.evaluate("el => getComputedStyle(el).backgroundColor")


def set_number(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-scorecard-{key} input")
    box.fill(value)
    box.press("Enter")


def test_setting_a_standard_updates_status_colour_and_attainability(page, app_url):
    page.goto(f"{app_url}/scorecard")
    wait_for_app(page)
    assert "GREEN" in page.locator(STATUS).inner_text()
    green = badge_colour(page, "GREEN")
    before = page.locator(ATTAIN).all_inner_texts()
    assert len(before) == 3 and before[0].endswith("%")
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2

    set_number(page, "amber", "85")
    wait_for_app(page)
    set_number(page, "target", "95")
    page.wait_for_function("(sel) => document.querySelector(sel).innerText.includes('RED')", arg=STATUS)
    wait_for_app(page)
    red = badge_colour(page, "RED")
    assert red != green and red not in ("rgba(0, 0, 0, 0)", "transparent")
    after = page.locator(ATTAIN).all_inner_texts()
    assert float(after[0].rstrip("%")) < float(before[0].rstrip("%"))  # fewer rep-periods met 95% than 65%
    assert float(after[1].rstrip("%")) < float(before[1].rstrip("%"))
    assert "s=" in page.url
    assert not page.page_errors


def test_overlapping_bands_show_a_message_not_a_traceback(page, app_url):
    page.goto(f"{app_url}/scorecard")
    wait_for_app(page)
    set_number(page, "amber", "70")
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    wait_for_app(page)
    assert "overlap" in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "GREEN" in page.locator(STATUS).inner_text()
