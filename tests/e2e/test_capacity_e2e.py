"""The capacity page in a real browser: change the ramp, see the share of reps at quota change."""

from __future__ import annotations

from tests.e2e.conftest import wait_for_app

SENTENCE = ".st-key-capacity-headline h3"
SHARE = '.st-key-capacity-headline [data-testid="stMetricValue"]'  # the first metric: reps at quota (expected)


def open_capacity(page, url: str) -> None:
    page.goto(f"{url}/capacity")
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(SENTENCE, timeout=60_000)


def test_slower_ramp_lowers_the_share_of_reps_at_quota(page, app_url):
    open_capacity(page, app_url)
    assert "gives 65% of reps a chance to make it" in page.locator(SENTENCE).inner_text()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    assert "Reps at quota" in page.locator('.st-key-capacity-headline [data-testid="stMetricLabel"]').first.inner_text()
    before = page.locator(SHARE).first.inner_text()

    box = page.locator(".st-key-capacity-ramp input")
    box.fill("5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90")
    box.press("Enter")
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }",
        arg=[SHARE, before],
        timeout=60_000,
    )
    wait_for_app(page, timeout=60_000)
    after = page.locator(SHARE).first.inner_text()
    assert int(after.rstrip("%")) < int(before.rstrip("%"))
    assert "s=" in page.url
    assert not page.page_errors


def test_decreasing_ramp_shows_a_message_not_a_traceback(page, app_url):
    open_capacity(page, app_url)
    box = page.locator(".st-key-capacity-ramp input")
    box.fill("30, 20")
    box.press("Enter")
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=60_000)
    wait_for_app(page, timeout=60_000)
    assert "cannot decrease" in page.locator('[data-testid="stAlertContentError"]').inner_text()
