"""The funnel page in a real browser: change an input, see the answer move, reopen the link."""

from __future__ import annotations

from tests.e2e.conftest import wait_for_app

HEADLINE = ".st-key-funnel-headline h3"
METRICS = '.st-key-funnel-headline [data-testid="stMetricValue"]'


def read_headline(page) -> tuple[str, list[str]]:
    return page.locator(HEADLINE).inner_text(), page.locator(METRICS).all_inner_texts()


def test_change_input_updates_headline_and_link_reopens_same_numbers(page, app_url, browser):
    page.goto(app_url)
    wait_for_app(page)
    before = read_headline(page)
    assert "chance of reaching" in before[0]
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3

    box = page.locator(".st-key-funnel-level input")
    box.fill("90000")
    box.press("Enter")
    page.wait_for_function(
        "(old) => { const h = document.querySelector('.st-key-funnel-headline h3'); return h && h.innerText !== old; }",
        arg=before[0],
    )
    wait_for_app(page)
    after = read_headline(page)
    assert after != before
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    assert "s=" in page.url

    other = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    other.goto(page.url)
    wait_for_app(other)
    assert read_headline(other) == after
    assert other.locator(".st-key-funnel-level input").input_value() in ("90000", "90000.00", "90,000")
    other.context.close()
    assert not page.page_errors


def test_bad_input_shows_a_message_not_a_traceback(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    before = read_headline(page)
    box = page.locator(".st-key-funnel-level input")
    box.fill("-5")
    box.press("Enter")
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    wait_for_app(page)
    assert "Monthly volume must be between 0" in page.locator('[data-testid="stAlertContentError"]').inner_text()
    assert read_headline(page) == before
