"""Uploads on the pipeline page (issue 17): ordinary small exports still forecast, hostile ones give a message;
never an exception box, never a hang (AppTest's timeout bounds each run). Files are generated at test time."""

from __future__ import annotations

import re

import pytest

from tests import hostile_files as H
from tests.app.conftest import no_exceptions

PAGE = "pages/pipeline.py"


@pytest.fixture()
def page(app):
    app.run()
    app.switch_page(PAGE).run()
    app.radio(key="pipeline.source").set_value("Upload a CRM export").run()
    return app


def upload(at, data: bytes, name: str = "export.csv"):
    at.file_uploader(key="pipeline.upload").upload(name, data, "text/csv").run()
    no_exceptions(at)
    return at


def texts(at) -> str:
    """Everything the page says, with markdown escapes (user text shown as text) undone."""
    parts = [e.value for kind in (at.error, at.warning, at.info, at.markdown, at.caption) for e in kind]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def report_table(at):
    return next(d.value for d in at.dataframe if "opportunity_id" in d.value.columns and "reason" in d.value.columns)


def test_small_export_with_few_closed_deals_in_its_first_month_still_forecasts(page):
    at = upload(page, H.small_export())
    assert not at.error
    assert any(m.label == "P50 bookings" for m in at.metric)
    said = texts(at)
    assert "200 rows read = 200 kept + 0 excluded" in said
    at.session_state["pipeline.tab"] = "Calibration and backtest"  # the backtest runs when its tab is opened
    said = texts(at.run())
    assert "left out of the backtest" in said  # the early month-ends without data are skipped, and said so
    assert "origins:" in said  # the backtest ran on the others


def test_messy_export_keeps_the_import_and_forecasts_on_what_is_left(page):
    at = upload(page, H.messy_export())
    said = texts(at)
    assert "200 rows read = 180 kept + 20 excluded" in said
    assert any(m.label == "P50 bookings" for m in at.metric)


def test_open_only_export_shows_the_import_and_says_what_is_missing(page):
    at = upload(page, H.open_only_export())
    said = texts(at)
    assert "Cannot forecast" in said
    assert "0 closed (0 won), 200 open" in said and "export closed (won and lost) opportunities too" in said
    assert "200 rows read = 200 kept" in texts(at)


@pytest.mark.parametrize(
    "make",
    [H.utf16_cut, H.utf16_lone_surrogate, H.utf8_lone_surrogate],
    ids=["utf16-cut", "utf16-surrogate", "utf8-surrogate"],
)
def test_broken_unicode_is_read_with_a_note(page, make):
    at = upload(page, make())
    assert "could not be decoded" in texts(at)
    assert any(m.label == "P50 bookings" for m in at.metric)


@pytest.mark.parametrize(("first", "last"), [("1900-01-01", "2100-12-31"), ("0001-01-01", "9999-12-31")])
def test_extreme_date_spans_are_excluded_and_the_page_finishes(page, first, last):
    at = upload(page, H.date_span_export(first, last))
    said = texts(at)
    assert "200 rows read = 197 kept + 3 excluded" in said
    assert any(m.label == "P50 bookings" for m in at.metric)


def test_random_years_1900_to_2100_finish_with_a_bounded_backtest(page):
    at = upload(page, H.uniform_span_export(1900, 2100))
    reasons = report_table(at)["reason"]
    assert reasons.str.contains("outside the usable range").sum() > 100
    assert "200 rows read = " in texts(at)


def test_a_thousand_columns_forecast_and_more_are_refused_with_the_limit(page):
    at = upload(page, H.wide_export(1000))
    assert any(m.label == "P50 bookings" for m in at.metric)
    at = upload(at, H.wide_export(1001))
    assert "1,001 columns; at most 1,000 can be read" in texts(at)


def test_xlsx_bomb_is_refused_before_unpacking(page):
    at = upload(page, H.xlsx_bomb(400), "bomb.xlsx")
    assert "unpacks to 400 MB, more than the 200 MB" in texts(at)


def test_formula_text_and_line_breaks_count_as_one_row_each(page):
    at = upload(page, H.formula_multiline_export())
    assert "200 rows read = 200 kept + 0 excluded" in texts(at)


def test_empty_lines_are_reported(page):
    at = upload(page, H.blank_lines_export())
    assert "3 empty line(s) skipped" in texts(at)


def test_accounting_negative_is_excluded_and_the_report_download_is_neutralised(page):
    at = upload(page, H.accounting_export())
    report = report_table(at)
    assert "negative amount -7,379,000.00" in set(report["reason"])


def test_a_bad_upload_keeps_the_last_good_export_on_screen(page):
    at = upload(page, H.small_export(), "good.csv")
    at = upload(at, H.wide_export(1001), "wide.csv")
    said = texts(at)
    assert "wide.csv:** The file has 1,001 columns" in said or "wide.csv: The file has 1,001 columns" in said
    assert "Still showing the last export that could be read: good.csv" in said
    assert any(m.label == "P50 bookings" for m in at.metric)
