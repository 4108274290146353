"""One future per trial: the capacity page works the funnel page's own deals, trial by trial.

These are identities, not statistics: when capacity does not bind, the team's worked deals and bookings
equal the funnel's in every trial (up to float32 rounding of seat revenue); when it binds, the team works
a subset of the funnel's deals, so it never has more deals or more revenue than the funnel in any trial.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulate.capacity import simulate_team
from simulate.funnel import run
from simulate.scenario import DealSize, RepGroup, TeamPlan, default_scenario


@pytest.mark.parametrize("routing", ["equal", "capacity", "territory"])
def test_ample_capacity_books_exactly_the_funnels_deals_and_revenue_in_every_trial(routing):
    base = default_scenario()
    s = base.replace(
        deal_size=DealSize(18_000, 180_000),  # P90/median 10: the sums must still agree deal for deal
        team=base.team.replace(deals_per_rep_month=1_000.0, routing=routing),
    )
    funnel = run(s, trials=3_000, seed=4)
    team = simulate_team(s, funnel)
    np.testing.assert_array_equal(team.worked_deals, funnel.won)
    np.testing.assert_array_equal(team.unworked_deals, 0)
    np.testing.assert_array_equal(team.seat_deals.sum(axis=1), funnel.period_won())
    np.testing.assert_allclose(team.team_revenue(), funnel.period_revenue(), rtol=1e-5)
    assert np.corrcoef(team.team_revenue(), funnel.period_revenue())[0, 1] > 0.999999


def test_binding_capacity_works_a_subset_of_the_funnels_deals_in_every_trial():
    base = default_scenario()
    s = base.replace(team=TeamPlan(current_reps=(RepGroup(6, 12),), hiring_plan=(), deals_per_rep_month=3.0))
    funnel = run(s, trials=3_000, seed=5)
    team = simulate_team(s, funnel)
    np.testing.assert_array_equal(team.worked_deals + team.unworked_deals, funnel.won)
    assert team.unworked_deals.sum() > 0  # it binds
    assert np.all(team.seat_deals.sum(axis=1) <= funnel.period_won())
    assert np.all(team.team_revenue() <= funnel.period_revenue() * (1 + 1e-5))


def test_the_split_uses_the_funnels_deals_not_new_ones():
    # a rep's revenue is a piece of the cell's own deal sequence: with one rep and ample capacity the rep's
    # revenue is the cell's revenue, deal for deal, whatever the seed of the team's own draws
    base = default_scenario()
    one = TeamPlan(current_reps=(RepGroup(1, 12),), hiring_plan=(), deals_per_rep_month=1e4, attrition_annual=0.0)
    s = base.replace(team=one)
    funnel = run(s, trials=500, seed=6)
    a, b = simulate_team(s, funnel, seed=1), simulate_team(s, funnel, seed=2)
    np.testing.assert_allclose(a.seat_revenue[:, 0], funnel.period_revenue(), rtol=1e-5)
    np.testing.assert_array_equal(a.seat_revenue, b.seat_revenue)


def test_unit_economics_takes_new_customers_from_the_same_trials():
    from simulate.economics import run_economics
    from simulate.economics.summary import build_economics_view
    from simulate.scenario import EconomicsPlan

    s = default_scenario().replace(economics=EconomicsPlan())
    funnel = run(s, trials=2_000, seed=8)
    result = run_economics(s, trials=2_000, seed=8, funnel=funnel)
    period = funnel.won[:, funnel.period_slice()]
    # trial by trial: new customers a month = the funnel's won deals per month over the target period
    np.testing.assert_array_equal(result.customers, period.mean(axis=1))
    # the conversion rates are the funnel's draws in the same trials
    start = [n.lower() for n in s.stage_names].index(s.economics.lead_stage.lower())
    np.testing.assert_array_equal(result.p_customer, funnel.rates[:, start:].prod(axis=1))
    # blended CAC per trial follows from those customers
    total_cost = s.economics.paid_spend + result.sales_cost
    np.testing.assert_allclose(result.metrics["cac_blended"], total_cost / result.customers)
    view = build_economics_view(s, trials=2_000, seed=8, funnel=funnel)
    assert view.customers["mean"] == pytest.approx(float(period.mean()))
