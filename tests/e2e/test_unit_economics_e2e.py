"""The unit-economics page in a real browser: it renders its charts, an input moves the headline, the link keeps it."""

from __future__ import annotations

from tests.e2e.conftest import wait_for_app

HEADLINE = ".st-key-economics-headline h3"
METRICS = '.st-key-economics-headline [data-testid="stMetricValue"]'


def read_headline(page) -> tuple[str, list[str]]:
    return page.locator(HEADLINE).inner_text(), page.locator(METRICS).all_inner_texts()


def open_page(page, app_url) -> None:
    """Start at the app's root (as a user does) and follow the navigation link to the page."""
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Unit economics").click()
    page.wait_for_selector(HEADLINE)
    wait_for_app(page)


def test_arpa_change_moves_ltv_to_cac_and_the_link_reopens_it(page, app_url, browser):
    open_page(page, app_url)
    before = read_headline(page)
    assert "worth" in before[0]
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 5

    box = page.locator(".st-key-economics-arpa_high input")
    box.fill("3000")
    box.press("Enter")
    page.wait_for_function(
        "(old) => { const h = document.querySelector('.st-key-economics-headline h3'); return h && h.innerText !== old; }",
        arg=before[0],
    )
    wait_for_app(page)
    after = read_headline(page)
    assert after != before
    assert float(after[1][0].rstrip("x")) > float(before[1][0].rstrip("x"))
    assert "s=" in page.url and "/unit_economics" in page.url

    other = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    other.goto(page.url)
    wait_for_app(other)
    assert read_headline(other) == after
    other.context.close()
    assert not page.page_errors


def test_impossible_arpa_shows_a_message_not_a_traceback(page, app_url):
    open_page(page, app_url)
    box = page.locator(".st-key-economics-arpa_low input")
    box.fill("9000")
    box.press("Enter")
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    wait_for_app(page)
    assert (
        "ARPA high must be at least ARPA low" in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    )


def test_transaction_log_upload_reports_returns_and_fits(page, app_url, tmp_path):
    # 30 customers, each buying three times; one return row that must be reported, not used.
    lines = ["customer,date,amount"]
    for c in range(30):
        for month in (1, 2 + c % 5, 6 + c % 4):
            lines.append(f"C{c},2024-{month:02d}-{1 + c % 27:02d},{10 + c}")
    lines.append("C1,2024-03-15,-25")
    upload = tmp_path / "log.csv"
    upload.write_text("\n".join(lines))

    open_page(page, app_url)
    page.locator(".st-key-economics-method").get_by_text("Repeat purchase").click()
    wait_for_app(page)
    page.get_by_text("Repeat-purchase model").click()
    page.locator(".st-key-economics-cal_end input").fill("2024-12-31")
    page.locator(".st-key-economics-cal_end input").press("Enter")
    wait_for_app(page)
    page.locator('.st-key-economics-upload [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_text("negative amount (a return or refund)").first.wait_for()
    wait_for_app(page)
    assert page.get_by_text("1 returns totalling 25.00").count() >= 1
    assert page.get_by_role("button", name="Use these estimates").count() == 1
