"""KPI formulas against values computed by hand on a small table, and against the bundled CRM data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi.catalogue import CATALOGUE
from kpi.compute import TEAM, Tables, compute

ROOT = Path(__file__).resolve().parents[2]
NaT = pd.NaT


def small_opportunities() -> pd.DataFrame:
    rows = [  # id, owner, status, amount, created, close
        ("1", "Ann", "won", 1000.0, "2017-01-05", "2017-01-25"),  # 20 days
        ("2", "Ann", "lost", 0.0, "2017-01-10", "2017-01-30"),
        ("3", "Ann", "won", 3000.0, "2017-01-01", "2017-02-10"),  # 40 days
        ("4", "Bob", "lost", 0.0, "2017-01-03", "2017-01-20"),
        ("5", "Bob", "lost", 0.0, "2017-01-04", "2017-01-21"),
        ("6", "Bob", "won", 2000.0, "2017-01-02", "2017-02-01"),  # 30 days
        ("7", "Bob", "open", np.nan, "2017-02-05", None),
    ]
    frame = pd.DataFrame(rows, columns=["opportunity_id", "owner", "status", "amount", "created_date", "close_date"])
    frame["created_date"] = pd.to_datetime(frame["created_date"])
    frame["close_date"] = pd.to_datetime(frame["close_date"])
    return frame


def small_activities() -> pd.DataFrame:
    rows = [  # rep, date, type, response_minutes, prospect
        ("Ann", "2017-01-02", "call", np.nan, "P1"),
        ("Ann", "2017-01-02", "lead_response", 10.0, "P1"),
        ("Ann", "2017-01-03", "email", np.nan, "P2"),
        ("Bob", "2017-01-03", "lead_response", 30.0, "P3"),
        ("Bob", "2017-01-06", "call", np.nan, "P3"),
        # nothing at all in the week of 9 January
        ("Bob", "2017-01-16", "call", np.nan, None),
    ]
    frame = pd.DataFrame(rows, columns=["rep", "date", "type", "response_minutes", "prospect"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def small_monthly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": ["2017-01", "2017-02"],
            "visitors": [1000, 0],
            "bounced_visits": [500, 0],
            "leads": [30, 0],
            "mqls": [12, 0],
            "sqls": [6, 0],
            "opportunities": [3, 0],
            "new_customers": [2, 1],
            "marketing_spend": [900.0, 300.0],
            "sales_spend": [1100.0, 700.0],
            "marketing_sourced_revenue": [2000.0, 0.0],
            "mrr": [10_000.0, 10_400.0],
            "gross_margin": [0.5, 0.5],
            "customers_start": [100, 104],
            "churned_customers": [4, 0],
        }
    )


def value(result, key: str, period: str, rep: str = TEAM) -> float:
    rows = result.of(key)
    row = rows[(rows["rep"] == rep) & (rows["period"] == period)]
    assert len(row) == 1, (key, period, rep, rows)
    return float(row["value"].iloc[0])


def note(result, key: str, period: str, rep: str = TEAM) -> str:
    rows = result.of(key)
    return str(rows[(rows["rep"] == rep) & (rows["period"] == period)]["note"].iloc[0])


@pytest.fixture()
def small():
    return compute(
        Tables(
            opportunities=small_opportunities(),
            activities=small_activities(),
            monthly=small_monthly(),
            quota_per_month=2000.0,
        ),
        "month",
    )


def test_win_rate_is_won_over_won_plus_lost_by_close_month(small):
    assert value(small, "win_rate", "2017-01", "Ann") == pytest.approx(1 / 2)
    assert value(small, "win_rate", "2017-01", "Bob") == 0.0
    assert value(small, "win_rate", "2017-01") == pytest.approx(1 / 4)  # pooled: 1 won of 4 closed in January
    assert value(small, "win_rate", "2017-02") == 1.0  # the open deal does not count


def test_win_rate_per_quarter_pools_the_months():
    q = compute(Tables(opportunities=small_opportunities()), "quarter", ["win_rate"])
    assert value(q, "win_rate", "2017Q1") == pytest.approx(3 / 6)


def test_deal_size_cycle_bookings_and_counts_match_hand_values(small):
    assert value(small, "bookings", "2017-01") == 1000.0
    assert value(small, "bookings", "2017-02") == 5000.0
    assert value(small, "won_deals", "2017-02") == 2.0
    assert value(small, "avg_deal_size", "2017-02") == 2500.0
    assert value(small, "sales_cycle_days", "2017-01") == 20.0
    assert value(small, "sales_cycle_days", "2017-02") == pytest.approx((40 + 30) / 2)
    assert value(small, "new_opportunities", "2017-01", "Ann") == 3.0
    assert value(small, "new_opportunities", "2017-02", "Bob") == 1.0


def test_deal_size_of_a_rep_without_won_deals_is_no_number_with_a_reason(small):
    assert math.isnan(value(small, "avg_deal_size", "2017-01", "Bob"))
    assert "no won deals" in note(small, "avg_deal_size", "2017-01", "Bob")


def test_revenue_growth_and_its_division_by_zero(small):
    assert value(small, "revenue_growth", "2017-02") == pytest.approx(5000 / 1000 - 1)
    assert math.isnan(value(small, "revenue_growth", "2017-02", "Bob"))  # Bob booked nothing in January
    assert "division by zero" in note(small, "revenue_growth", "2017-02", "Bob")
    assert "first period" in note(small, "revenue_growth", "2017-01")


def test_quota_attainment_and_share_of_reps_at_quota(small):
    assert value(small, "quota_attainment", "2017-01", "Ann") == pytest.approx(1000 / 2000)
    assert value(small, "quota_attainment", "2017-02", "Ann") == pytest.approx(3000 / 2000)
    assert value(small, "quota_attainment", "2017-01") == pytest.approx(1000 / (2 * 2000))
    assert value(small, "share_at_quota", "2017-01") == 0.0
    assert value(small, "share_at_quota", "2017-02") == 1.0  # Ann 150%, Bob exactly 100%


def test_activity_rates_over_working_days_of_the_log(small):
    # the log runs Mon 2 Jan - Mon 16 Jan 2017: 11 working days per rep
    assert value(small, "activities_per_day", "2017-01", "Ann") == pytest.approx(3 / 11)
    assert value(small, "activities_per_day", "2017-01") == pytest.approx(6 / 22)
    assert value(small, "activities_per_week", "2017-01", "Bob") == pytest.approx(3 / (11 / 5))
    assert value(small, "lead_response_minutes", "2017-01") == pytest.approx((10 + 30) / 2)
    assert value(small, "lead_response_minutes", "2017-01", "Ann") == 10.0
    # touchpoints: Ann 3 touches on P1, P2 -> 1.5; Bob 2 touches with a prospect on P3 -> 2
    assert value(small, "touchpoints_per_prospect", "2017-01", "Ann") == pytest.approx(3 / 2)
    assert value(small, "touchpoints_per_prospect", "2017-01") == pytest.approx(5 / 3)


def test_a_week_with_no_activity_is_zero_activities_and_no_response_time():
    weekly = compute(Tables(activities=small_activities()), "week", ["activities_per_day", "lead_response_minutes"])
    assert value(weekly, "activities_per_day", "2017-01-09") == 0.0  # 10 working rep-days, nothing logged
    assert math.isnan(value(weekly, "lead_response_minutes", "2017-01-09"))
    assert "no lead responses logged" in note(weekly, "lead_response_minutes", "2017-01-09")


def test_monthly_table_ratios_and_unit_economics(small):
    assert value(small, "traffic_to_lead", "2017-01") == pytest.approx(30 / 1000)
    assert value(small, "bounce_to_lead", "2017-01") == pytest.approx(500 / 30)
    assert value(small, "lead_to_mql", "2017-01") == pytest.approx(12 / 30)
    assert value(small, "mql_to_sql", "2017-01") == pytest.approx(6 / 12)
    assert value(small, "sql_to_opportunity", "2017-01") == pytest.approx(3 / 6)
    assert value(small, "cost_per_lead", "2017-01") == pytest.approx(900 / 30)
    cac = (900 + 1100) / 2
    assert value(small, "cac", "2017-01") == pytest.approx(cac)
    arpa_margin = 10_000 * 0.5 / 100
    churn = 4 / 100
    assert value(small, "churn_rate", "2017-01") == pytest.approx(churn)
    assert value(small, "clv", "2017-01") == pytest.approx(arpa_margin / churn)
    assert value(small, "ltv_to_cac", "2017-01") == pytest.approx(arpa_margin / churn / cac)
    assert value(small, "cac_payback_months", "2017-01") == pytest.approx(cac / arpa_margin)
    assert value(small, "marketing_roi", "2017-01") == pytest.approx((2000 * 0.5 - 900) / 900)


def test_division_by_zero_in_the_monthly_table_gives_a_reason_not_a_number(small):
    assert math.isnan(value(small, "traffic_to_lead", "2017-02"))
    assert "division by zero" in note(small, "traffic_to_lead", "2017-02")
    assert math.isnan(value(small, "clv", "2017-02"))  # nobody churned: lifetime unbounded
    assert "unbounded" in note(small, "clv", "2017-02")


def test_a_kpi_without_its_data_says_what_it_needs_instead_of_a_number():
    result = compute(Tables(opportunities=small_opportunities()), "month")
    assert result.needs["lead_response_minutes"].startswith("needs: ")
    assert "activities.response_minutes" in result.needs["lead_response_minutes"]
    assert "monthly.visitors" in result.needs["traffic_to_lead"]
    assert "quota" in result.needs["quota_attainment"]
    assert "roster.start_date" in result.needs["ramp_months"]
    assert "amounts on open deals" in result.needs["pipeline_coverage"]
    assert result.of("lead_response_minutes").empty
    assert set(result.needs) | set(result.by_kpi) == set(CATALOGUE)


def test_monthly_data_cannot_be_split_into_weeks():
    result = compute(Tables(monthly=small_monthly()), "week", ["leads"])
    assert "monthly table has one row per month" in result.needs["leads"]


def test_reps_missing_from_one_table_are_named_and_have_no_data_not_zero():
    tables = Tables(
        opportunities=small_opportunities(),
        activities=small_activities().replace({"Bob": "Cy"}),
        roster=("Ann", "Bob", "Cy"),
    )
    result = compute(tables, "month", ["bookings", "activities_per_day"])
    assert any("Cy" in m and "missing from the CRM export" in m for m in result.messages)
    assert any("Bob" in m and "missing from the activity log" in m for m in result.messages)
    assert math.isnan(value(result, "bookings", "2017-01", "Cy"))
    assert "not in this table" in note(result, "bookings", "2017-01", "Cy")
    assert value(result, "bookings", "2017-01") == 1000.0  # the team total ignores the missing rep


# --- against the bundled CRM data, computed independently from the raw CSV --------------------------
@pytest.fixture(scope="module")
def bundled():
    import crm

    return compute(
        Tables(opportunities=crm.bundled_example().opportunities), "month", ["win_rate", "bookings", "sales_cycle_days"]
    )


@pytest.fixture(scope="module")
def raw_crm() -> pd.DataFrame:
    raw = pd.read_csv(ROOT / "data" / "crm" / "sales_pipeline.csv")
    raw["close"] = pd.to_datetime(raw["close_date"], format="%m/%d/%Y")
    raw["engage"] = pd.to_datetime(raw["engage_date"], format="%m/%d/%Y")
    raw["month"] = raw["close"].dt.strftime("%Y-%m")
    return raw


def test_bundled_win_rate_by_rep_and_month_matches_an_independent_count(bundled, raw_crm):
    closed = raw_crm[raw_crm["deal_stage"].isin(["Won", "Lost"])]
    expected = closed.groupby(["sales_agent", "month"])["deal_stage"].apply(lambda s: (s == "Won").sum() / len(s))
    rows = bundled.of("win_rate")
    got = rows[rows["rep"] != TEAM].set_index(["rep", "period"])["value"].dropna()
    assert len(expected) == len(got) > 250
    np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_bundled_overall_win_rate_and_bookings_match_the_raw_file(bundled, raw_crm):
    won = (raw_crm["deal_stage"] == "Won").sum()
    lost = (raw_crm["deal_stage"] == "Lost").sum()
    q = compute(Tables(opportunities=__import__("crm").bundled_example().opportunities), "quarter", ["win_rate"])
    team = q.of("win_rate")
    team = team[team["rep"] == TEAM]
    assert team["numerator"].sum() / team["denominator"].sum() == pytest.approx(won / (won + lost))
    by_month = raw_crm[raw_crm["deal_stage"] == "Won"].groupby("month")["close_value"].sum()
    rows = bundled.of("bookings")
    got = rows[rows["rep"] == TEAM].set_index("period")["value"]
    np.testing.assert_allclose(got.reindex(by_month.index).to_numpy(), by_month.to_numpy())


def test_bundled_sales_cycle_is_engage_to_close_days_of_won_deals(bundled, raw_crm):
    won = raw_crm[raw_crm["deal_stage"] == "Won"]
    expected = (won["close"] - won["engage"]).dt.days.groupby(won["month"]).mean()
    rows = bundled.of("sales_cycle_days")
    got = rows[rows["rep"] == TEAM].set_index("period")["value"]
    np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy())


def test_every_ratio_kpi_keeps_value_equal_to_numerator_over_denominator(small):
    # attainability pools a rep's periods as sum(numerator) / sum(denominator): this must be the KPI itself
    for key, rows in small.by_kpi.items():
        ratio = rows[rows["denominator"].notna() & (rows["denominator"] != 0) & rows["value"].notna()]
        np.testing.assert_allclose(ratio["value"], ratio["numerator"] / ratio["denominator"], rtol=1e-12, err_msg=key)
        totals = rows[rows["denominator"].isna() & rows["value"].notna()]
        np.testing.assert_allclose(totals["value"], totals["numerator"], err_msg=key)
