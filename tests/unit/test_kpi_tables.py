"""Untrusted activity logs and monthly tables: explicit schemas, every excluded row reported, clear errors."""

from __future__ import annotations

import math

import pytest

from kpi.tables import TableError, bundled_activities, bundled_monthly, read_activities, read_monthly


def test_activity_rows_without_rep_or_with_bad_dates_are_excluded_and_reported():
    text = (
        b"Rep,Date,Type,Response Minutes,Prospect\n"
        b"Ann,2017-01-02,call,,P1\n"
        b",2017-01-02,call,,P1\n"
        b"Bob,02/01/2017,email,,P2\n"
        b"Bob,2017-01-03,lead_response,-5,P2\n"
        b"Bob,2017-01-03,lead_response,12.5,P2\n"
    )
    read = read_activities(text)
    assert read.frame["rep"].tolist() == ["Ann", "Bob", "Bob"]
    report = read.report.set_index("row")
    assert report.loc[3, "reason"] == "no rep" and report.loc[3, "action"] == "excluded"
    assert "YYYY-MM-DD" in report.loc[4, "reason"]
    assert report.loc[5, "action"] == "repaired" and "-5" in report.loc[5, "reason"]
    assert math.isnan(read.frame["response_minutes"].iloc[1]) and read.frame["response_minutes"].iloc[2] == 12.5
    assert read.excluded == 2


def test_activity_log_missing_columns_names_them():
    with pytest.raises(TableError, match="no column\\(s\\) date, type"):
        read_activities(b"rep,when\nAnn,2017-01-01\n")


def test_binary_and_empty_files_are_refused_with_a_reason():
    with pytest.raises(TableError, match="binary"):
        read_activities(b"PK\x03\x04\x00\x00")
    with pytest.raises(TableError, match="not a readable CSV"):
        read_activities(b"")


def test_formula_text_is_kept_as_plain_text_never_evaluated():
    read = read_activities(b"rep,date,type\n=cmd|'/c calc'!A1,2017-01-02,call\n")
    assert read.frame["rep"].iloc[0] == "=cmd|'/c calc'!A1"


def test_monthly_table_reports_bad_months_duplicates_and_out_of_range_values():
    text = b"month,leads,gross_margin\n2017-01,100,0.6\n2017-13,90,0.6\n2017-01,80,0.6\n2017-02,-3,1.7\n"
    read = read_monthly(text)
    assert read.frame["month"].tolist() == ["2017-01", "2017-02"]
    reasons = dict(zip(read.report["row"], read.report["reason"], strict=False))
    assert "not YYYY-MM" in reasons[3] and "appears twice" in reasons[4]
    assert sum(read.report["action"] == "repaired") == 2
    assert math.isnan(read.frame["leads"].iloc[1]) and math.isnan(read.frame["gross_margin"].iloc[1])


def test_monthly_table_needs_a_month_and_known_columns():
    with pytest.raises(TableError, match="'month' column"):
        read_monthly(b"leads\n3\n")
    with pytest.raises(TableError, match="none of the columns"):
        read_monthly(b"month,apples\n2017-01,3\n")


def test_bundled_synthetic_tables_read_cleanly_for_35_reps():
    activities = bundled_activities()
    assert activities.excluded == 0 and activities.frame["rep"].nunique() == 35
    monthly = bundled_monthly()
    assert len(monthly.frame) == 15 and len(monthly.report) == 0
