"""Scorecard: attainability against closed forms, the inverse standard, fairness, the chance next period."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kpi.compute import Tables
from simulate.funnel import engine
from simulate.scenario import LeadVolume, Rate, Scenario, Stage, Standard, StandardSet, default_standards
from simulate.standards.attainability import attainability, fairness, lead_value
from simulate.standards.next_period import chance_next_period
from simulate.standards.scorecard import build_scorecard, bundled_tables

TRIALS = 20_000


def rep_rows(per_rep: dict[str, list[tuple[float, float]]], ratio: bool = True) -> pd.DataFrame:
    """Rows rep, period, value, numerator, denominator from {rep: [(numerator, denominator), ...]}."""
    rows = []
    for rep, items in per_rep.items():
        for k, (num, den) in enumerate(items):
            value = num / den if ratio and den else (num if not ratio else np.nan)
            rows.append((rep, f"2017-{k + 1:02d}", value, num, den if ratio else np.nan))
    return pd.DataFrame(rows, columns=["rep", "period", "value", "numerator", "denominator"])


def test_win_rate_attainability_matches_the_beta_binomial_poisson_closed_form():
    # one rep: 30 won of 50 closed over 5 months (10 closed a month); standard 55%
    rows = rep_rows({"Ann": [(6, 10)] * 5})
    std = Standard("win_rate", 0.55, amber=0.45)
    a = attainability(rows, std, trials=TRIALS, seed=3)
    alpha, beta, lam = 1 + 30, 1 + 20, 10.0
    n = np.arange(1, 80)
    need = np.ceil(0.55 * n - 1e-12)  # won >= 55% of n
    p_n = stats.poisson.pmf(n, lam) / (1 - stats.poisson.pmf(0, lam))
    exact = float(np.sum(p_n * stats.betabinom.sf(need - 1, n, alpha, beta)))
    se = math.sqrt(exact * (1 - exact) / TRIALS)
    assert a.expected_share == pytest.approx(exact, abs=4 * se)
    assert a.historical_share == 1.0  # every month was 60% >= 55%


def test_level_kpi_attainability_matches_the_normal_model():
    # bookings 10k, 12k, 14k: mean 12k, sd 2k; P(next >= 13k) = 1 - Phi(0.5)
    rows = rep_rows({"Ann": [(10_000, 1), (12_000, 1), (14_000, 1)]}, ratio=False)
    a = attainability(rows, Standard("bookings", 13_000), trials=TRIALS, seed=5)
    exact = 1 - stats.norm.cdf(0.5)
    assert a.expected_share == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / TRIALS))
    assert a.historical_share == pytest.approx(1 / 3)


def test_historical_share_and_inverse_standard_on_a_hand_table():
    # 4 reps x 1 month: win rates 20%, 40%, 60%, 80%
    rows = rep_rows({"A": [(2, 10)], "B": [(4, 10)], "C": [(6, 10)], "D": [(8, 10)]})
    a = attainability(rows, Standard("win_rate", 0.5, amber=0.4), share_goal=0.75, trials=TRIALS, seed=1)
    assert a.historical_share == 0.5
    # the level 3 of 4 reps met: the 25th percentile of (0.2, 0.4, 0.6, 0.8) by linear interpolation = 0.35
    assert a.standard_for_share_historical == pytest.approx(0.35)


def test_inverse_standard_is_met_by_the_chosen_share_when_proposed():
    rng = np.random.default_rng(11)
    per_rep = {
        f"R{r}": [(int(rng.binomial(20, p)), 20) for _ in range(6)] for r, p in enumerate(rng.uniform(0.3, 0.7, 25))
    }
    rows = rep_rows(per_rep)
    first = attainability(rows, Standard("win_rate", 0.5, amber=0.4), share_goal=0.65, trials=TRIALS, seed=2)
    level = first.standard_for_share_expected
    again = attainability(rows, Standard("win_rate", level, amber=level - 0.1), share_goal=0.65, trials=TRIALS, seed=2)
    # rates on n ~ 20 deals are discrete: a level exactly on an atom is met by at least the share
    assert 0.65 - 0.01 <= again.expected_share <= 0.65 + 0.06
    hist_met = (rows["value"] >= first.standard_for_share_historical).mean()
    assert hist_met >= 0.65 - 1 / len(rows)


def test_lower_is_better_kpis_use_the_other_tail():
    rows = rep_rows({"A": [(10, 1)], "B": [(20, 1)], "C": [(30, 1)], "D": [(40, 1)]})  # mean response minutes
    a = attainability(rows, Standard("lead_response_minutes", 25, amber=35), share_goal=0.75, trials=2_000, seed=1)
    assert a.historical_share == 0.5
    assert a.standard_for_share_historical == pytest.approx(32.5)  # 75th percentile: 3 of 4 reps at or under


def test_fairness_flags_a_rep_who_gets_far_fewer_leads():
    reps = ["A", "B", "C", "D", "E"]
    equal = pd.DataFrame(
        {"rep": reps * 6, "period": np.repeat([f"2017-{m:02d}" for m in range(1, 7)], 5), "value": 50.0}
    )
    fair = fairness(equal)
    assert not fair.unequal and fair.cv == 0.0 and (fair.per_rep["flag"] == "").all()
    unequal = equal.assign(value=np.where(equal["rep"] == "E", 10.0, 50.0))
    fair = fairness(unequal)
    totals = np.array([300.0, 300.0, 300.0, 300.0, 60.0])  # average 252: A-D at 119%, E at 24%
    chi2 = ((totals - totals.mean()) ** 2 / totals.mean()).sum()
    assert fair.p_equal == pytest.approx(stats.chi2.sf(chi2, df=4))
    assert fair.unequal and "unequal shares" in fair.message
    flags = dict(zip(fair.per_rep["rep"], fair.per_rep["flag"], strict=True))
    assert flags == {"A": "", "B": "", "C": "", "D": "", "E": "fewer leads"}
    assert fair.mean_per_rep == pytest.approx(252 / 6)


def test_lead_quality_is_the_product_expected_value_of_the_leads_received():
    # product P: 2 closed, one won for 1,000 -> 500 per closed deal; product Q: 2 closed, one won for 100 -> 50
    history = pd.DataFrame(
        {
            "owner": ["A", "A", "B", "B", "A", "B", "B"],
            "product": ["P", "P", "Q", "Q", "P", "Q", "Q"],
            "status": ["won", "lost", "won", "lost", "open", "open", "open"],
            "amount": [1000.0, 0.0, 100.0, 0.0, np.nan, np.nan, np.nan],
            "created_date": pd.to_datetime(["2016-12-01"] * 4 + ["2017-01-05", "2017-01-06", "2017-01-07"]),
        }
    )
    quality = lead_value(history, None, ["2017-01"], lambda d: d.dt.strftime("%Y-%m"))
    assert quality.to_dict() == {"A": 500.0, "B": 50.0}
    leads = pd.DataFrame({"rep": ["A", "B"], "period": ["2017-01"] * 2, "value": [1.0, 2.0]})
    fair = fairness(leads, quality=quality)
    team = (500 * 1 + 50 * 2) / 3  # expected value per lead over all leads
    by_rep = fair.per_rep.set_index("rep")
    assert by_rep.loc["B", "lead_value_of_team"] == pytest.approx(50 / team)
    assert "weaker lead mix" in by_rep.loc["B", "flag"] and "weaker" not in by_rep.loc["A", "flag"]
    assert "weaker lead mix" in fair.message


def point_scenario() -> Scenario:
    stages = (
        Stage("Visitors"),
        Stage("Leads", Rate.point(0.03)),
        Stage("MQL", Rate.point(0.4)),
        Stage("SQL", Rate.point(0.3)),
        Stage("Opportunity", Rate.point(0.6)),
        Stage("Won", Rate.point(0.25)),
    )
    return Scenario(stages=stages, volume=LeadVolume(level=20_000, growth=0.0, overdispersion=0.0), trials=10_000)


def test_chance_of_won_deals_next_month_is_the_poisson_tail():
    scenario = point_scenario()
    result = engine.run(scenario, trials=TRIALS, seed=9)
    mean = float(result.expected_won[0])  # fixed rates and volume: won deals in month 1 ~ Poisson(mean)
    target = round(mean)
    chance = chance_next_period(result, Standard("won_deals", target, scope="team"))
    exact = float(stats.poisson.sf(target - 1, mean))
    assert chance.p == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / TRIALS))
    assert chance.mc_se == pytest.approx(math.sqrt(chance.p * (1 - chance.p) / TRIALS))


def test_chance_of_a_conversion_standard_matches_binomial_thinning():
    scenario = point_scenario()
    result = engine.run(scenario, trials=2_000, seed=4)
    chance = chance_next_period(result, Standard("mql_to_sql", 0.31, amber=0.25, scope="team"))
    lam = 20_000 * 0.03 * 0.4  # MQLs in month 1 ~ Poisson(240); SQLs | MQLs ~ Binomial(MQLs, 0.3)
    m = np.arange(1, 600)
    weights = stats.poisson.pmf(m, lam)
    exact = float(np.sum(weights * stats.binom.sf(np.ceil(0.31 * m - 1e-12) - 1, m, 0.3)) / weights.sum())
    assert chance.p == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / 2_000))


def test_chance_is_not_invented_for_kpis_outside_the_funnel_model():
    result = engine.run(point_scenario(), trials=500, seed=1)
    assert chance_next_period(result, Standard("cac", 500, scope="team")).p is None
    assert (
        "per month or quarter"
        in chance_next_period(result, Standard("won_deals", 5, scope="team", period="week")).reason
    )
    assert "per rep" in chance_next_period(result, Standard("win_rate", 0.5, scope="rep")).reason


@pytest.fixture(scope="module")
def bundled_card():
    tables, _ = bundled_tables()
    result = engine.run(point_scenario(), trials=2_000, seed=1)
    return build_scorecard(tables, default_standards(), result=result)


def test_bundled_scorecard_covers_35_reps_and_names_the_5_missing_from_the_crm(bundled_card):
    assert len(bundled_card.reps) == 35
    assert any("5 rep(s)" in m and "missing from the CRM export" in m for m in bundled_card.messages)
    win = bundled_card.rows[(bundled_card.rows["kpi"] == "win_rate")].iloc[0]
    assert win["reps_measured"] == 30  # five reps have no closed deals at all
    assert set(bundled_card.rows["status"]) <= {"green", "amber", "red", "no data"}


def test_bundled_rep_statuses_follow_the_standard(bundled_card):
    std = default_standards().get("win_rate", "rep")
    for value, status in zip(bundled_card.reps["win_rate"], bundled_card.reps["win_rate__status"], strict=True):
        assert status == std.status(value)


def test_a_standard_without_its_data_shows_needs_not_a_number():
    from tests.unit.test_kpi_compute import small_opportunities

    standards = StandardSet((Standard("lead_response_minutes", 30, amber=60), Standard("win_rate", 0.5, amber=0.4)))
    card = build_scorecard(Tables(opportunities=small_opportunities()), standards)
    row = card.rows.set_index("kpi").loc["lead_response_minutes"]
    assert row["status"] == "no data" and math.isnan(row["actual"])
    assert row["note"].startswith("needs: ") and "response_minutes" in row["note"]
    assert "lead_response_minutes" not in card.reps.columns


def test_a_partial_last_period_is_not_scored_as_a_miss():
    from tests.unit.test_kpi_compute import small_opportunities

    opps = small_opportunities()
    late = pd.DataFrame(
        {
            "opportunity_id": ["8"],
            "owner": ["Ann"],
            "status": ["won"],
            "amount": [10.0],
            "created_date": pd.to_datetime(["2017-03-01"]),
            "close_date": pd.to_datetime(["2017-03-03"]),
        }
    )
    opps = pd.concat([opps, late], ignore_index=True)  # the export ends on 3 March: March has barely started
    card = build_scorecard(
        Tables(opportunities=opps), StandardSet((Standard("bookings", 4000, amber=800, scope="team"),))
    )
    row = card.rows.iloc[0]
    assert row["latest_period"] == "2017-02" and row["actual"] == 5000.0 and row["status"] == "green"


def test_weekly_activity_standard_is_judged_in_activities_per_week():
    from kpi.compute import compute
    from tests.unit.test_kpi_compute import small_activities

    rows = compute(Tables(activities=small_activities()), "month", ["activities_per_week"]).of("activities_per_week")
    rep_rows = rows[rows["rep"] != ""]
    a = attainability(rep_rows, Standard("activities_per_week", 1.0, amber=0.5), trials=2_000, seed=1)
    ann = a.per_rep.set_index("rep").loc["Ann", "value"]
    assert ann == pytest.approx(3 / (11 / 5))  # 3 activities in 11 working days = 2.2 working weeks


def test_suggested_target_is_todays_team_value_or_median_rep():
    from simulate.standards.scorecard import suggested_target
    from tests.unit.test_kpi_compute import small_opportunities

    tables = Tables(opportunities=small_opportunities())  # export ends 10 Feb: January is the latest complete month
    assert suggested_target(tables, "bookings", "team") == 1000.0
    assert suggested_target(tables, "win_rate", "rep") == pytest.approx(0.25)  # Ann 1/2, Bob 0/2
    assert suggested_target(tables, "lead_response_minutes", "rep") is None  # no activity log
