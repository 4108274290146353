"""Uploads on the scorecard page (issues 17 and 18): open-only exports, ambiguous dates (with the date-format
control the message points to), control characters in rep names; never an exception box."""

from __future__ import annotations

import pytest

from tests import hostile_files as H
from tests.app.upload_helpers import texts, upload

KEY = "scorecard.crm_file"


@pytest.fixture()
def page(app):
    app.run()
    app.switch_page("pages/scorecard.py").run()
    app.radio(key="scorecard.source").set_value("Upload my data").run()
    return app


def test_ordinary_small_export_is_scored_and_rows_accounted(page):
    at = upload(page, KEY, H.small_export(), "crm.csv")
    assert not at.error and "200 rows read = 200 kept + 0 excluded" in texts(at)


def test_open_deals_only_says_what_cannot_be_measured(page):
    at = upload(page, KEY, H.open_only_export(), "crm.csv")
    assert not at.error and "needs: opportunities.close_date" in texts(at)


def test_ambiguous_dates_ask_for_the_format_and_the_control_is_there(page):
    rows = H.crm_rows(40)
    for r in rows:  # every day <= 12: 3/4/2023 could be March 4 or April 3
        for k in (4, 5):
            if r[k]:
                m, d, y = r[k].split("/")
                r[k] = f"{m}/{min(int(d), 12)}/{y}"
    at = upload(page, KEY, H.to_csv(rows), "crm.csv")
    assert "please choose the date format" in texts(at) and "CRM date format" in texts(at)
    at.selectbox(key="scorecard.date_format").set_value("M/D/YYYY").run()
    assert not at.exception and "please choose the date format" not in texts(at)
    assert "40 rows read = " in texts(at)


def test_rep_names_with_control_characters_are_cleaned(page):
    at = upload(page, KEY, H.control_char_export(), "crm.csv")
    assert not at.error
    reps = next((d.value for d in at.dataframe if "Rep" in d.value.columns or "rep" in d.value.columns), None)
    assert reps is not None
    names = reps.iloc[:, 0].astype(str)
    assert not names.str.contains("\x07|\x1b", regex=True).any()


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"attainable_share": Infinity, "standards": []}',
        b'{"attainable_share": 1e999, "standards": []}',
        b'{"attainable_share": ' + b"9" * 5000 + b', "standards": []}',
        b'{"attainable_share": 0.7, "standards": [{"kpi": "win_rate", "scope": "rep\\ud800", "target": 0.3}]}',
        b"PK\x03\x04 not a workbook",
    ],
    ids=["nested", "infinity", "1e999", "5000-digits", "lone-surrogate", "fake-xlsx"],
)
def test_hostile_standards_imports_give_a_message(app, data):
    app.run()
    at = app.switch_page("pages/scorecard.py").run()
    name = "standards.xlsx" if data.startswith(b"PK") else "standards.json"
    at = upload(at, "scorecard.import", data, name, "application/json")
    assert "These standards cannot be imported" in texts(at)


def test_a_bad_upload_keeps_scoring_the_last_good_files(page):
    at = upload(page, KEY, H.small_export(), "crm.csv")
    at = upload(at, KEY, H.xlsx_bomb(400), "bomb.xlsx", "application/octet-stream")
    said = texts(at)
    assert "unpacks to 400 MB" in said and "Still scoring the last files that could be read" in said
    assert "200 rows read = 200 kept" in said


def test_random_years_are_scored_without_an_exception(page):
    at = upload(page, KEY, H.uniform_span_export(1900, 2100), "crm.csv")
    assert "200 rows read = 23 kept + 177 excluded" in texts(at)
