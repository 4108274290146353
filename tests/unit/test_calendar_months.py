"""Months are calendar months: deals close by date, with real month lengths and leap years.

The reference (tests/unit/reference_funnel.py) places every deal on a real entry date and a real close
date. With a short cycle, a month's closings are roughly proportional to its length, so February (28 or
29 days) gets clearly fewer than March (31). The engine's exact mean won deals by month
(SimulationResult.won_mean averaged, or expected_won) must match the reference's mean within 4.5 Monte
Carlo standard errors of the reference; the 30.44-day-month model it replaced must not (so the test can fail).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulate.funnel import calendar_close_matrix, close_lag_probabilities, engine, month_boundaries
from simulate.scenario import CycleLength, DealSize, LeadVolume, Rate, Scenario, Stage, Target
from tests.unit.reference_funnel import reference_run

TRIALS = 20_000


def short_cycle(start: str = "2027-11", horizon: int = 6) -> Scenario:
    """Point rates, flat volume, no noise, a 10-day median cycle; Nov 2027 - Apr 2028 spans leap February 2028."""
    return Scenario(
        stages=(Stage("Leads"), Stage("Won", Rate.point(0.1))),
        volume=LeadVolume(level=3_000.0, growth=0.0, overdispersion=0.0),
        cycle=CycleLength(10, 25),
        deal_size=DealSize(10_000, 25_000),
        start_month=start,
        horizon_months=horizon,
        target=Target("won_deals", 100, "quarter", 1),
    )


@pytest.fixture(scope="module")
def runs():
    s = short_cycle()
    return s, engine.run(s, trials=TRIALS, seed=1), reference_run(s, trials=TRIALS, seed=2)


def thirty_day_months_mean(s: Scenario) -> np.ndarray:
    """What the replaced engine computed: lags over 30.44-day months."""
    probs = close_lag_probabilities(s.cycle.median_days, s.cycle.p90_days)
    per_month = s.volume.level * 0.1
    return np.full(s.horizon_months, per_month * probs.sum())


def test_each_calendar_month_matches_the_per_deal_reference(runs):
    s, ours, ref = runs
    won_ref = ref["won"].astype(float)
    se = won_ref.std(axis=0, ddof=1) / np.sqrt(TRIALS)
    assert np.all(np.abs(ours.expected_won - won_ref.mean(axis=0)) < 4.5 * se), (ours.expected_won, won_ref.mean(0))
    # the simulated counts agree too (errors of both samples)
    se_both = np.sqrt(se**2 + ours.won.var(axis=0) / TRIALS)
    assert np.all(np.abs(ours.won.mean(axis=0) - won_ref.mean(axis=0)) < 4.5 * se_both)
    # and the month-average model does not: February would be far too high
    old = thirty_day_months_mean(s)
    feb = ours.months.index("Feb 2028")
    assert abs(old[feb] - won_ref.mean(axis=0)[feb]) > 10 * se[feb]


def test_february_closes_fewer_deals_than_march_and_a_leap_february_more_than_a_common_one(runs):
    s, ours, ref = runs
    months = ours.months
    feb, mar = months.index("Feb 2028"), months.index("Mar 2028")
    won_ref = ref["won"].astype(float)
    ratio_ref = won_ref[:, feb].mean() / won_ref[:, mar].mean()
    ratio_ours = ours.expected_won[feb] / ours.expected_won[mar]
    # delta-method SE of a ratio of two means from the reference (independent months, Poisson counts)
    m_f, m_m = won_ref[:, feb].mean(), won_ref[:, mar].mean()
    se_ratio = ratio_ref * np.sqrt(
        won_ref[:, feb].var() / (TRIALS * m_f**2) + won_ref[:, mar].var() / (TRIALS * m_m**2)
    )
    assert ratio_ours == pytest.approx(ratio_ref, abs=4.5 * se_ratio)
    assert ratio_ours < 0.97  # about 29/31 with a short cycle
    common = engine.run(short_cycle("2026-11"), trials=200, seed=1)  # Feb 2027 has 28 days
    assert ours.expected_won[feb] > common.expected_won[common.months.index("Feb 2027")] * 1.01  # exact means


def test_a_quarter_matches_the_reference(runs):
    s, ours, ref = runs
    q = ours.months.index("Jan 2028"), ours.months.index("Mar 2028") + 1
    ref_q = ref["won"][:, q[0] : q[1]].sum(axis=1).astype(float)
    ours_q = ours.won[:, q[0] : q[1]].sum(axis=1).astype(float)
    se = np.sqrt(ref_q.var() / TRIALS + ours_q.var() / TRIALS)
    assert abs(ours_q.mean() - ref_q.mean()) < 4.5 * se


def test_close_matrix_rows_sum_to_the_chance_of_closing_inside_the_horizon():
    # a deal entering in the last month closes inside it with P(entry moment + cycle < month end)
    m = calendar_close_matrix("2028-02", 1, 0, 10.0, 25.0)
    bounds = month_boundaries("2028-02", 0, 1)
    assert bounds[1] - bounds[0] == 29  # leap year
    assert 0 < m[0, 0] < 1
    # a whole year of monthly entries into a long horizon: everything closes eventually
    long = calendar_close_matrix("2027-01", 36, 0, 10.0, 25.0)
    np.testing.assert_allclose(long[:12].sum(axis=1), 1.0, atol=1e-9)
