"""The pipeline page in a real browser: upload the bundled CRM export, map a renamed column, see the forecast."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e.conftest import wait_for_app

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "crm" / "sales_pipeline.csv"
HEADLINE = ".st-key-pipeline-headline h3"
LONG = 120_000  # calibrating + simulating + backtesting on a shared 2-core machine


def open_pipeline_page(page, app_url: str) -> None:
    page.goto(app_url)
    wait_for_app(page, timeout=LONG)
    page.get_by_role("link", name="Will we make the quarter?").click()
    page.wait_for_selector("text=Will we make the quarter?")
    wait_for_app(page, timeout=LONG)


def test_upload_map_a_renamed_column_and_see_the_forecast(page, app_url, tmp_path):
    data = BUNDLED.read_bytes().replace(b"close_value", b"Deal Worth", 1)  # the amount column is no longer recognised
    upload = tmp_path / "my_crm_export.csv"
    upload.write_bytes(data)
    key = hashlib.sha256(data).hexdigest()[:16]

    open_pipeline_page(page, app_url)
    page.locator(".st-key-pipeline-source").get_by_text("Upload a CRM export").click()
    wait_for_app(page, timeout=LONG)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.wait_for_selector("text=Choose the column for: Amount / deal value", timeout=LONG)
    wait_for_app(page, timeout=LONG)

    page.locator(f".st-key-pipeline-map-{key}-amount").click()
    page.get_by_role("option", name="Deal Worth").click()
    page.wait_for_selector(HEADLINE, timeout=LONG)
    wait_for_app(page, timeout=LONG)
    headline = page.locator(HEADLINE).inner_text()
    assert "Q1 2018" in headline and "$" in headline
    assert page.get_by_text("Imported 8,800 of 8,800 rows").count() == 1
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 1

    page.get_by_role("tab", name="Calibration and backtest").click()
    backtest = page.locator(".st-key-pipeline-backtest")
    backtest.wait_for(timeout=LONG)
    assert "held the actual bookings" in backtest.inner_text()
    assert not page.page_errors


def test_binary_upload_gets_a_message_not_a_traceback(page, app_url, tmp_path):
    junk = tmp_path / "export.csv"
    junk.write_bytes(b"\x00\x01\x02\x03binary" * 100)
    open_pipeline_page(page, app_url)
    page.locator(".st-key-pipeline-source").get_by_text("Upload a CRM export").click()
    wait_for_app(page, timeout=LONG)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(junk))
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=LONG)
    wait_for_app(page, timeout=LONG)
    assert "binary file" in page.locator('[data-testid="stAlertContentError"]').inner_text()
