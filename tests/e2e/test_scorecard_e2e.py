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


def test_export_to_excel_and_import_the_standards_again(page, app_url, tmp_path):
    from openpyxl import load_workbook

    from report.scorecard_xlsx import FILLS, read_standards_xlsx

    page.goto(f"{app_url}/scorecard")
    wait_for_app(page)
    set_number(page, "amber", "85")
    wait_for_app(page)
    set_number(page, "target", "95")
    page.wait_for_function("(sel) => document.querySelector(sel).innerText.includes('RED')", arg=STATUS)
    wait_for_app(page)
    with page.expect_download() as download:
        page.locator(".st-key-scorecard-dl_xlsx button").click()
    path = tmp_path / "scorecard.xlsx"
    download.value.save_as(path)
    ws = load_workbook(path)["Scorecard"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Win rate (opportunity -> customer)")
    assert ws.cell(row, 9).value == "red" and ws.cell(row, 9).fill.start_color.rgb.endswith(FILLS["red"])
    assert read_standards_xlsx(path).get("win_rate", "rep").target == 0.95

    # a fresh session starts from the defaults (65%: green) and imports the exported standards (95%: red)
    fresh = page.context.browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    fresh.goto(f"{app_url}/scorecard")
    wait_for_app(fresh)
    assert "GREEN" in fresh.locator(STATUS).inner_text()
    fresh.locator('.st-key-scorecard-import input[type="file"]').set_input_files(str(path))
    fresh.wait_for_function("(sel) => document.querySelector(sel).innerText.includes('RED')", arg=STATUS)
    wait_for_app(fresh)
    assert fresh.locator(".st-key-scorecard-target input").input_value().startswith("95")
    fresh.context.close()


def test_uploaded_crm_export_is_scored_and_a_bad_activity_log_gets_a_message(page, app_url, tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    lines = (root / "data" / "crm" / "sales_pipeline.csv").read_text().splitlines()
    crm_file = tmp_path / "my_crm.csv"
    crm_file.write_text("\n".join(lines[:2001]) + "\n")  # the first 2,000 opportunities
    page.goto(f"{app_url}/scorecard")
    wait_for_app(page)
    page.get_by_text("Upload my data").click()
    wait_for_app(page)
    page.locator('.st-key-scorecard-crm_file input[type="file"]').set_input_files(str(crm_file))
    page.wait_for_selector(STATUS)
    wait_for_app(page)
    assert "Win rate" in page.locator(STATUS).inner_text()
    assert "synthetic" not in page.locator('[data-testid="stMain"]').inner_text()

    bad = tmp_path / "activities.csv"
    bad.write_bytes(b"PK\x03\x04\x00\x00 not a csv")
    page.locator('.st-key-scorecard-act_file input[type="file"]').set_input_files(str(bad))
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    wait_for_app(page)
    message = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "cannot be used" in message and "damaged" in message  # a zip signature: a broken Excel file, said so
