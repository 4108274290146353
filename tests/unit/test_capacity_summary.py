"""Quota, attainment, commission cost and hiring advice from a team simulation."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from simulate.capacity.decisions import cost_of_changes, headcount_needed, slower_ramp
from simulate.capacity.model import TeamResult, simulate_team
from simulate.capacity.summary import (
    attainment_histogram,
    capacity_summary,
    commission_cost_per_month,
    expected_share_at_quota,
    quota_curve,
    recommended_quota,
    share_at_quota,
)
from simulate.funnel import engine
from simulate.scenario import (
    CommissionPlan,
    DealSize,
    LeadVolume,
    Rate,
    RepGroup,
    Scenario,
    Stage,
    Target,
    TeamPlan,
    default_scenario,
)


def hand_result(bookings: list[list[float]], credit: list[list[float]], quota: float = 100.0) -> TeamResult:
    """A TeamResult with given per-seat bookings and quota credit (revenue target)."""
    b = np.asarray(bookings, dtype=np.float32)
    trials, seats = b.shape
    zeros = np.zeros((trials, 1))
    return TeamResult(
        scenario=Scenario(target=Target("revenue", 1_000.0, "month", 1)),
        team=TeamPlan(current_reps=(RepGroup(seats, 12),), hiring_plan=(), quota=quota),
        trials=trials, seed=0, months=["m1"], seat_labels=[f"r{k}" for k in range(seats)], period=slice(0, 1),
        headcount=zeros, ramped_equivalents=zeros, capacity_deals=zeros, demand_deals=zeros, worked_deals=zeros,
        unworked_deals=zeros, hires_started=zeros, backfills_started=zeros, leavers=zeros,
        seat_deals=np.zeros_like(b, dtype=np.int32), seat_revenue=b, seat_credit=np.asarray(credit, dtype=np.float32),
        mean_deal_value=1.0,
    )  # fmt: skip


def test_recommended_quota_is_the_weighted_quantile_of_bookings():
    # One trial, four full-period reps booking 10, 20, 30, 40: half of them reach 30, three quarters reach 20.
    result = hand_result([[10, 20, 30, 40]], [[1, 1, 1, 1]])
    assert recommended_quota(result, 0.5) == pytest.approx(30)
    assert recommended_quota(result, 0.75) == pytest.approx(20)
    assert share_at_quota(result, 30)[0] == pytest.approx(0.5)


def test_quota_is_prorated_by_months_in_seat_and_empty_seats_are_left_out():
    # A rep in seat for half the period with 15 booked is at 30 full-period; the third seat was never filled.
    result = hand_result([[30, 15, 0]], [[1, 0.5, 0]])
    assert share_at_quota(result, 30)[0] == pytest.approx(1.0)  # 2 of the 2 reps carrying quota
    assert share_at_quota(result, 31)[0] == pytest.approx(0.0)


def test_each_trial_weighs_the_same_whatever_its_headcount():
    # trial 1: 1 of 1 rep at quota; trial 2: 1 of 4 -> expected share (1 + 0.25) / 2
    result = hand_result([[50, 0, 0, 0], [50, 0, 0, 0]], [[1, 0, 0, 0], [1, 1, 1, 1]])
    assert expected_share_at_quota(result, 50).p == pytest.approx(0.625)
    assert recommended_quota(result, 0.625) == pytest.approx(50)


def test_recommended_quota_gives_the_chosen_share_in_a_fresh_simulation():
    scenario = default_scenario()
    first = simulate_team(scenario, engine.run(scenario, trials=10_000, seed=101))
    quota = recommended_quota(first, 0.65)
    fresh = simulate_team(scenario, engine.run(scenario, trials=10_000, seed=202))
    share_first, share_fresh = expected_share_at_quota(first, quota), expected_share_at_quota(fresh, quota)
    assert share_first.p == pytest.approx(0.65, abs=0.005)  # only the discreteness of the sample
    assert abs(share_fresh.p - 0.65) < 4 * np.hypot(share_first.mc_se, share_fresh.mc_se)


def test_over_assignment_and_attainment_factor_for_a_stable_team():
    team = TeamPlan(current_reps=(RepGroup(10, 24),), hiring_plan=(), attrition_annual=0.0, quota=250_000)
    scenario = default_scenario().replace(team=team)
    result = simulate_team(scenario, engine.run(scenario, trials=2_000, seed=4))
    summary = capacity_summary(result)
    assert summary.over_assignment == pytest.approx(10 * 250_000 / scenario.target.value)
    assert summary.attainment_factor == pytest.approx(result.team_bookings().mean() / (10 * 250_000))
    assert summary.hit_plan.p == pytest.approx(np.mean(result.team_bookings() >= scenario.target.value))


def test_flat_commission_costs_its_rate_of_bookings_every_month():
    flat = CommissionPlan(base_rate=0.08, decelerator_threshold=0.0, decelerator_rate=0.0, accelerators=(),
                          cap_attainment=1000.0)  # fmt: skip
    scenario = default_scenario()
    scenario = scenario.replace(team=scenario.team.replace(commission=flat))
    result = simulate_team(scenario, engine.run(scenario, trials=1_000, seed=8))
    summary = capacity_summary(result)
    assert summary.cost_of_sales == pytest.approx(0.08)
    np.testing.assert_allclose(summary.commission_cost.mean, 0.08 * result.team_revenue().mean(), rtol=1e-6)
    per_month = commission_cost_per_month(result)
    np.testing.assert_allclose(per_month, 0.08 * result.worked_deals * result.mean_deal_value, rtol=1e-6)


def test_attainment_histogram_and_quota_curve_agree_with_the_share():
    scenario = default_scenario()
    result = simulate_team(scenario, engine.run(scenario, trials=2_000, seed=9))
    quota = scenario.team.quota
    hist = attainment_histogram(result, quota)
    assert hist["share"].sum() == pytest.approx(1.0)
    assert hist.loc[hist["at_quota"], "share"].sum() == pytest.approx(expected_share_at_quota(result, quota).p)
    curve = quota_curve(result, np.array([quota / 2, quota, quota * 2]))
    assert curve["share_at_quota"].iloc[1] == pytest.approx(expected_share_at_quota(result, quota).p)
    assert curve["share_at_quota"].is_monotonic_decreasing


def test_slower_ramp_stretches_the_curve():
    assert slower_ramp((0.5,), 1) == (0.5, 0.75)
    assert slower_ramp((0.25, 0.5, 0.75), 3) == (0.25, 0.375, 0.5, 0.625, 0.75, 0.875)
    assert slower_ramp((0.3, 0.6), 0) == (0.3, 0.6)


def test_slower_ramp_and_more_attrition_cost_bookings_for_a_capacity_bound_team():
    team = TeamPlan(current_reps=(RepGroup(4, 24),), hiring_plan=(8,), deals_per_rep_month=1.0, attrition_annual=0.1)
    scenario = default_scenario().replace(team=team)
    frame = cost_of_changes(scenario, engine.run(scenario, trials=2_000, seed=12), ramp_extra_months=3)
    assert frame["bookings_change"].iloc[0] == 0
    assert frame["bookings_change"].iloc[1] < 0 and frame["bookings_change"].iloc[2] < 0
    assert frame["p_hit_plan"].iloc[1] <= frame["p_hit_plan"].iloc[0]


def capacity_bound_scenario(target_deals: int, reps: int) -> Scenario:
    """Ample demand (about 5,000 won deals a month), reps who each close exactly their capacity of 1 a month."""
    team = TeamPlan(current_reps=(RepGroup(reps, 12),), hiring_plan=(), ramp_curve=(1.0,), attrition_annual=0.0,
                    productivity_spread=0.0, deals_per_rep_month=1.0, plan_confidence=0.8)  # fmt: skip
    return Scenario(
        stages=(Stage("Leads"), Stage("Won", Rate.point(0.5))),
        volume=LeadVolume(level=10_000, growth=0.0, overdispersion=0.0),
        deal_size=DealSize(10_000, 10_000),
        horizon_months=6,
        target=Target("won_deals", target_deals, "quarter", 1),
        team=team,
    )


def test_headcount_needed_matches_the_closed_form():
    # Reps with a capacity of exactly 1 deal a month and ample demand work exactly 1 of the funnel's deals
    # a month (one future per trial: capacity caps the funnel's own deals), so n reps close 3n deals in the
    # quarter and the plan needs the smallest n with 3n >= V. (This test used to expect Poisson(3n) deals:
    # the old model drew each rep's deals afresh around their expected share.)
    trials, current, target = 2_000, 10, 50
    needed = -(-target // 3)  # 17
    scenario = capacity_bound_scenario(target, current)
    funnel = engine.run(scenario, trials=trials, seed=3)
    advice = headcount_needed(scenario, funnel, months=[0], trials=trials)
    assert advice.ceiling == 1.0
    assert advice.options[0].extra_hires == needed - current
    assert "more by" in advice.sentence


def test_headcount_advice_says_when_the_funnel_not_the_team_limits():
    scenario = capacity_bound_scenario(target_deals=200_000, reps=5)
    advice = headcount_needed(scenario, engine.run(scenario, trials=500, seed=3), months=[0], trials=500)
    assert advice.ceiling == 0.0 and advice.options[0].extra_hires is None
    assert "funnel" in advice.sentence


def test_cli_run_json_reports_the_team(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(default_scenario().to_json())
    cmd = [sys.executable, "-m", "simulate", "run", str(path), "--trials", "2000", "--seed", "7", "--json"]
    payload = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    for key in ("share_reps_at_quota", "commission_cost"):
        assert set(payload[key]) == {"mean", "p10", "p50", "p90"}
    scenario = default_scenario()
    expected = recommended_quota(simulate_team(scenario, engine.run(scenario, trials=2_000, seed=7)))
    assert payload["recommended_quota"] == pytest.approx(expected)
    assert 0 <= payload["share_reps_at_quota"]["p10"] <= payload["share_reps_at_quota"]["p90"] <= 1


def test_out_of_reach_confidence_still_says_how_many_reps_get_close_to_the_ceiling():
    # About 20 won deals a month from the funnel, target 60 in the quarter: the funnel alone makes it about
    # half the time, so 90% is out of reach; two reps closing one deal a month each are far below that.
    scenario = capacity_bound_scenario(target_deals=60, reps=2)
    scenario = scenario.replace(volume=LeadVolume(level=40, growth=0.0, overdispersion=0.0))
    funnel = engine.run(scenario, trials=2_000, seed=5)
    advice = headcount_needed(scenario, funnel, confidence=0.9, months=[0], trials=2_000)
    assert 0.3 < advice.ceiling < 0.7 and advice.current_chance < 0.01
    assert advice.options[0].extra_hires is None
    near = advice.near_ceiling
    assert near is not None and near.extra_hires is not None
    assert near.chance >= advice.ceiling - 0.02
    assert f"{near.extra_hires} more reps by" in advice.sentence


@pytest.mark.slow
@pytest.mark.parametrize(("share", "routing", "ramped"), [(0.5, "equal", False), (0.8, "territory", True)])
def test_recommended_quota_holds_for_other_shares_routings_and_ramped_quotas(share, routing, ramped):
    scenario = default_scenario()
    scenario = scenario.replace(team=scenario.team.replace(routing=routing, ramped_quota=ramped))
    first = simulate_team(scenario, engine.run(scenario, trials=20_000, seed=303))
    quota = recommended_quota(first, share)
    fresh = simulate_team(scenario, engine.run(scenario, trials=20_000, seed=404))
    se = np.hypot(expected_share_at_quota(first, quota).mc_se, expected_share_at_quota(fresh, quota).mc_se)
    assert abs(expected_share_at_quota(fresh, quota).p - share) < 4 * se
