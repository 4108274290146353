"""The forecast page in a real browser: upload a 60-month CSV, see the forecast chart and the verdict."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.conftest import wait_for_app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_monthly_history.csv"


def test_upload_csv_shows_forecast_chart_and_backtest(page, app_url, tmp_path):
    page.goto(f"{app_url}/forecast")
    wait_for_app(page, timeout=60_000)
    before = page.locator(".st-key-forecast-verdict").inner_text()
    assert "range held" in before

    upload = tmp_path / "my_history.csv"
    upload.write_text(SAMPLE.read_text().replace("visitors", "site_visits"))  # a file the app has never seen
    started = time.perf_counter()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.wait_for_function(
        "(old) => { const v = document.querySelector('.st-key-forecast-verdict');"
        " return v && v.innerText.includes('range held') && v.innerText !== old; }",
        arg=before,
        timeout=60_000,
    )
    wait_for_app(page, timeout=60_000)
    elapsed = time.perf_counter() - started
    assert page.locator(".st-key-forecast-chart [data-testid='stVegaLiteChart']").count() == 1
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    assert "from my_history.csv" in page.locator(".st-key-forecast-verdict").inner_text()
    print(f"upload to forecast on screen: {elapsed:.2f} s")
    assert not page.page_errors
