"""Uploads on the forecast page (issues 17 and 18): histories read exactly as written, limits said, never an
exception box; a failed upload keeps the last good history on screen."""

from __future__ import annotations

import pytest

from tests import hostile_files as H
from tests.app.upload_helpers import texts, upload

KEY = "forecast.upload"


@pytest.fixture()
def page(app):
    app.run()
    app.switch_page("pages/forecast.py").run()
    return app


def test_decimal_comma_history_is_read_exactly(page):
    at = upload(page, KEY, H.history_decimal_comma(), "history.csv")
    said = texts(at)
    assert "decimal comma" in said and "48 rows read = 48 used + 0 excluded" in said
    assert not at.error and "range held" in said  # forecast and backtest shown


def test_pk_header_csv_is_not_taken_for_excel(page):
    at = upload(page, KEY, H.history_pk_header(), "history.csv")
    assert not at.error and "range held" in texts(at)


def test_dates_in_year_1_and_9999_are_excluded_and_the_rest_forecast(page):
    at = upload(page, KEY, H.history_span(), "history.csv")
    said = texts(at)
    assert "outside 1900 to 2099" in said and "range held" in said


def test_six_months_is_too_short_and_says_so(page):
    at = upload(page, KEY, H.history(6), "history.csv")
    assert "too short to forecast: at least 9" in texts(at)


def test_a_bad_upload_keeps_the_last_good_history(page):
    at = upload(page, KEY, H.history(), "good.csv")
    at = upload(at, KEY, b"\x00\x01\x02binary", "bad.csv")
    said = texts(at)
    assert "bad.csv cannot be used" in said and "Still showing the last history that could be read: good.csv" in said
    assert "range held" in said


def test_xlsx_bomb_is_refused(page):
    at = upload(page, KEY, H.xlsx_bomb(400), "bomb.xlsx", "application/octet-stream")
    assert "unpacks to 400 MB" in texts(at)


@pytest.mark.slow
def test_million_row_daily_history_is_summed_and_forecast(page):
    at = upload(page, KEY, H.history_daily_million(), "daily.csv")
    said = texts(at)
    assert "1000000 rows summed into 48 months" in said and "range held" in said
