"""History import: every bad-input case gets a message with its row, and nothing is dropped silently."""

import io

import numpy as np
import pandas as pd
import pytest

from forecast.crm_history import CRM_PIPELINE, crm_monthly_history
from forecast.history import HistoryError, prepare_series, read_history


def _read(text: str, filename: str = "history.csv"):
    return read_history(text.encode(), filename=filename)


def _messages(issues):
    return " | ".join(str(i) for i in issues)


def _monthly_csv(n: int, start: str = "2022-01", fmt: str = "%Y-%m", values=None) -> str:
    months = pd.period_range(start, periods=n, freq="M")
    values = values if values is not None else np.arange(10, 10 + n)
    lines = ["month,leads"] + [f"{m.to_timestamp().strftime(fmt)},{v}" for m, v in zip(months, values, strict=True)]
    return "\n".join(lines) + "\n"


def test_clean_monthly_file_reads_without_warnings():
    frame, issues = _read(_monthly_csv(30))
    assert list(frame.columns) == ["leads"] and len(frame) == 30
    assert frame["leads"].iloc[0] == 10 and str(frame.index[0]) == "2022-01"
    assert not [i for i in issues if i.severity != "info"]


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%b %Y", "%Y/%m"])
def test_several_date_formats_give_the_same_months(fmt):
    # end-of-month dates make day/month order unambiguous for the US and European styles
    months = pd.period_range("2022-01", periods=14, freq="M")
    lines = ["date,leads"] + [f"{m.end_time.strftime(fmt)},{i}" for i, m in enumerate(months)]
    frame, _ = _read("\n".join(lines))
    assert [str(p) for p in frame.index] == [str(m) for m in months]
    np.testing.assert_array_equal(frame["leads"], np.arange(14))


def test_missing_months_are_reported_and_filled_when_forecasting():
    text = _monthly_csv(30).replace("2022-05,14\n", "").replace("2022-06,15\n", "")
    frame, issues = _read(text)
    assert "2 missing month(s): 2022-05, 2022-06" in _messages(issues)
    assert frame.loc[pd.Period("2022-05", "M"), "leads"] != frame.loc[pd.Period("2022-05", "M"), "leads"]
    series, more = prepare_series(frame, "leads")
    # straight line between April (13) and July (16)
    assert series[pd.Period("2022-05", "M")] == pytest.approx(14.0)
    assert "filled by straight-line interpolation" in _messages(more)


def test_duplicate_month_keeps_the_first_and_names_the_excluded_row():
    text = _monthly_csv(5) + "2022-03,99\n"
    frame, issues = _read(text)
    dup = [i for i in issues if "duplicate month 2022-03" in i.message]
    assert dup and dup[0].row == 7 and "already in row 4" in dup[0].message
    assert frame.loc[pd.Period("2022-03", "M"), "leads"] == 12


def test_non_numeric_cells_are_reported_with_row_and_column():
    text = 'month,leads,spend\n2022-01,10,"1,200"\n2022-02,abc,$900\n2022-03,12,800\n2022-04,13,700\n'
    frame, issues = _read(text)
    bad = [i for i in issues if "is not a number" in i.message]
    assert len(bad) == 1 and bad[0].row == 3 and bad[0].column == "leads"
    assert np.isnan(frame["leads"].iloc[1])
    np.testing.assert_array_equal(frame["spend"], [1200, 900, 800, 700])


def test_negative_values_are_kept_and_flagged():
    frame, issues = _read(_monthly_csv(6, values=[5, 6, -3, 7, 8, 9]))
    neg = [i for i in issues if "negative value -3" in i.message]
    assert neg and neg[0].row == 4
    assert frame["leads"].iloc[2] == -3


def test_single_data_point_cannot_be_forecast():
    frame, _ = _read(_monthly_csv(1))
    with pytest.raises(HistoryError, match="1 month of history, too short to forecast: at least 9"):
        prepare_series(frame, "leads")


def test_history_shorter_than_two_seasons_warns_that_seasonal_models_are_skipped():
    frame, _ = _read(_monthly_csv(18))
    _, issues = prepare_series(frame, "leads")
    assert "seasonal models skipped" in _messages(issues)


def test_all_zero_history_is_flagged():
    frame, _ = _read(_monthly_csv(26, values=[0] * 26))
    _, issues = prepare_series(frame, "leads")
    assert "zero in every month" in _messages(issues)


def test_daily_file_is_summed_into_months_and_partial_months_reported():
    days = pd.date_range("2023-01-01", "2023-04-15", freq="D")
    text = "day,visits\n" + "\n".join(f"{d:%Y-%m-%d},2" for d in days) + "\n"
    frame, issues = _read(text)
    said = _messages(issues)
    assert "Daily data" in said and f"{len(days)} rows summed" in said
    assert "2023-04 is only partly covered" in said
    assert [str(p) for p in frame.index] == ["2023-01", "2023-02", "2023-03"]
    np.testing.assert_array_equal(frame["visits"], [62, 56, 62])


def test_weekly_file_is_summed_into_months():
    weeks = pd.date_range("2023-01-02", periods=30, freq="W-MON")
    text = "week,leads\n" + "\n".join(f"{d:%Y-%m-%d},1" for d in weeks) + "\n"
    frame, issues = _read(text)
    assert "Weekly data" in _messages(issues)
    # January 2023 has Mondays on the 2nd, 9th, 16th, 23rd and 30th
    assert frame.loc[pd.Period("2023-01", "M"), "leads"] == 5


def test_unreadable_dates_are_excluded_with_their_rows():
    frame, issues = _read(_monthly_csv(6) + "soon,4\n")
    bad = [i for i in issues if "not understood" in i.message]
    assert bad and bad[0].row == 8 and len(frame) == 6


def test_excel_file_is_read():
    months = pd.period_range("2021-01", periods=26, freq="M").to_timestamp()
    buffer = io.BytesIO()
    pd.DataFrame({"Month": months, "Leads": np.arange(26), "MQLs": np.arange(26) * 2}).to_excel(buffer, index=False)
    frame, _ = read_history(buffer.getvalue(), filename="history.xlsx")
    assert list(frame.columns) == ["Leads", "MQLs"] and len(frame) == 26
    assert frame["MQLs"].iloc[-1] == 50


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "empty"),
        ("month,leads\n", "header row but no monthly history"),
        ("leads\n1\n2\n", "date column and at least one metric"),
        ("name,city\nann,paris\nbob,rome\n", "No date column"),
    ],
)
def test_unusable_files_raise_one_clear_message(text, fragment):
    with pytest.raises(HistoryError, match=fragment):
        _read(text)


def test_crm_history_counts_match_the_raw_export():
    raw = pd.read_csv(CRM_PIPELINE)
    frame, issues = crm_monthly_history()
    won = raw[raw["deal_stage"] == "Won"]
    assert frame["won_deals"].sum() == len(won)
    assert frame["bookings"].sum() == pytest.approx(won["close_value"].sum())
    assert frame["opportunities_created"].sum() == raw["engage_date"].notna().sum()
    assert "500 deals have no engage date" in _messages(issues)
