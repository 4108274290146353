"""The transaction-log importer rebuilds the published CDNOW summary and reports every row it does not use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast.clv.bgnbd import fit_bgnbd
from forecast.clv.errors import ClvInputError
from forecast.clv.transactions import read_cdnow, read_transactions_csv, summarise_transactions

DATA = Path(__file__).resolve().parents[2] / "data" / "cdnow"


@pytest.fixture(scope="module")
def rebuilt():
    return summarise_transactions(read_cdnow(DATA / "CDNOW_sample.txt"), "1997-09-30", holdout_end="1998-06-30")


def test_importer_rebuilds_the_published_cdnow_summary_exactly(rebuilt):
    published = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    ours = rebuilt.frame
    assert len(ours) == len(published) == 2357
    assert (ours["customer"].astype(int).to_numpy() == published["ID"].to_numpy()).all()
    assert (ours["x"].to_numpy() == published["x"].to_numpy()).all()
    # The published file has two decimals: exact means within half a unit of the last digit.
    for column in ("t_x", "T", "zbar"):
        gap = np.abs(ours[column].to_numpy() - published[column].to_numpy())
        assert gap.max() <= 0.005 + 1e-9, column


def test_the_first_published_customer_by_hand(rebuilt):
    # Customer 1 bought on 1997-01-01, 01-18, 08-02 (and 12-12, after calibration):
    # x = 2, t_x = 213 days / 7, T = 272 days / 7, zbar = (29.73 + 14.96) / 2.
    first = rebuilt.frame.iloc[0]
    assert (first["x"], first["t_x"], first["T"]) == (2, 213 / 7, 272 / 7)
    assert first["zbar"] == pytest.approx((29.73 + 14.96) / 2)


def test_holdout_weeks_40_to_78_hold_1882_repeat_purchases(rebuilt):
    assert rebuilt.frame["x_holdout"].sum() == 1882


def test_report_accounts_for_every_row(rebuilt):
    report = rebuilt.report
    assert report.n_rows == 6919 and report.n_used_rows + len(report.excluded) == report.n_rows
    text = "\n".join(report.lines())
    assert "21 rows are exact duplicates" in text
    assert "merged into same-day transactions" in text


def _log(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer", "date", "amount"])


BASE = [("a", "2024-01-01", "10"), ("a", "2024-02-01", "20"), ("b", "2024-01-05", "5"), ("b", "2024-03-01", "7")]


def test_negative_amounts_are_returns_listed_and_not_counted():
    imported = summarise_transactions(_log(BASE + [("a", "2024-02-10", "-20")]), "2024-06-30")
    assert imported.frame.set_index("customer").loc["a", "x"] == 1
    excluded = imported.report.excluded
    assert list(excluded["row"]) == [5] and "return" in excluded["reason"].iloc[0]
    assert any("returns totalling 20.00" in n for n in imported.report.notes)


def test_duplicates_are_kept_by_default_and_dropped_on_request_but_never_silently():
    rows = BASE + [BASE[1]]
    kept = summarise_transactions(_log(rows), "2024-06-30")
    assert kept.frame.set_index("customer").loc["a", "zbar"] == 40.0  # same-day merge: 20 + 20
    assert any("1 rows are exact duplicates" in n for n in kept.report.notes)
    dropped = summarise_transactions(_log(rows), "2024-06-30", drop_duplicates=True)
    assert dropped.frame.set_index("customer").loc["a", "zbar"] == 20.0
    assert list(dropped.report.excluded["row"]) == [5]


def test_unparseable_dates_and_amounts_and_missing_ids_are_excluded_with_their_row():
    rows = BASE + [("a", "next tuesday", "3"), ("b", "2024-04-01", "abc"), ("", "2024-04-02", "4")]
    report = summarise_transactions(_log(rows), "2024-06-30").report
    reasons = dict(zip(report.excluded["row"], report.excluded["reason"], strict=False))
    assert reasons == {5: "date not understood", 6: "amount is not a number", 7: "missing customer id"}


def test_a_single_customer_and_no_repeat_purchases_are_reported():
    single = summarise_transactions(_log(BASE[:2]), "2024-06-30")
    assert any("only one customer" in w for w in single.report.warnings)
    with pytest.raises(ClvInputError, match="at least 10 customers"):
        fit_bgnbd(single.customer_summary())
    first_only = summarise_transactions(_log([(c, "2024-01-01", "1") for c in "abcdefghijkl"]), "2024-06-30")
    assert any("no repeat purchases" in w for w in first_only.report.warnings)
    with pytest.raises(ClvInputError, match="no customer made a repeat purchase"):
        fit_bgnbd(first_only.customer_summary())


def test_customers_acquired_after_calibration_are_counted_not_lost():
    imported = summarise_transactions(_log(BASE + [("c", "2024-08-01", "9")]), "2024-06-30")
    assert "c" not in set(imported.frame["customer"])
    assert any("1 customers first bought after the calibration end" in n for n in imported.report.notes)


def test_all_rows_unusable_is_an_error_naming_the_reason():
    with pytest.raises(ClvInputError, match="no usable rows.*date not understood"):
        summarise_transactions(_log([("a", "soon", "1")]), "2024-06-30")


def test_csv_reader_recognises_common_headers_and_says_what_is_missing():
    frame = read_transactions_csv(b"Customer_ID,Order_Date,Revenue\n1,2024-01-01,3.5\n")
    assert list(frame.columns) == ["customer", "date", "amount"]
    with pytest.raises(ClvInputError, match="needs a amount column|needs a date column"):
        read_transactions_csv(b"customer,when\n1,2024-01-01\n")


def test_us_style_dates_are_recognised():
    rows = [("a", "1/15/2024", "1"), ("a", "2/20/2024", "2"), ("b", "1/3/2024", "3")]
    imported = summarise_transactions(_log(rows), "2024-06-30")
    assert imported.frame.set_index("customer").loc["a", "t_x"] == pytest.approx(36 / 7)
