"""The commission plan pays marginal tiers by attainment, computed by hand here."""

from __future__ import annotations

import numpy as np
import pytest

from simulate.scenario import Accelerator, CommissionPlan, ScenarioError

PLAN = CommissionPlan(
    base_rate=0.10,
    decelerator_threshold=0.5,
    decelerator_rate=0.05,
    accelerators=(Accelerator(1.0, 0.15), Accelerator(1.5, 0.20)),
    cap_attainment=2.0,
)
QUOTA = 100_000.0


@pytest.mark.parametrize(
    ("attainment", "expected"),
    [
        (0.0, 0.0),
        (0.4, 40_000 * 0.05),
        (0.8, 50_000 * 0.05 + 30_000 * 0.10),
        (1.0, 50_000 * 0.05 + 50_000 * 0.10),
        (1.2, 50_000 * 0.05 + 50_000 * 0.10 + 20_000 * 0.15),
        (1.8, 50_000 * 0.05 + 50_000 * 0.10 + 50_000 * 0.15 + 30_000 * 0.20),
        (2.6, 50_000 * 0.05 + 50_000 * 0.10 + 50_000 * 0.15 + 50_000 * 0.20),  # capped at 200%
    ],
)
def test_payout_on_a_revenue_quota_is_the_sum_of_the_tiers(attainment, expected):
    revenue = attainment * QUOTA
    assert float(PLAN.payout(revenue, attainment)) == pytest.approx(expected)


def test_payout_is_vectorised_and_non_decreasing_in_bookings():
    a = np.linspace(0, 3, 301)
    paid = PLAN.payout(a * QUOTA, a)
    assert paid.shape == a.shape
    assert np.all(np.diff(paid) >= -1e-9)
    assert paid[-1] == pytest.approx(paid[a.searchsorted(2.0)])


def test_deal_count_quota_pays_the_same_effective_rate_on_revenue():
    # 12 deals on a 10-deal quota (120%) worth $90k: effective rate = g(1.2) / 1.2 of revenue.
    g = 0.5 * 0.05 + 0.5 * 0.10 + 0.2 * 0.15
    assert float(PLAN.payout(90_000.0, 1.2)) == pytest.approx(90_000 * g / 1.2)


def test_no_decelerator_and_accelerator_above_quota_leave_base_rate_up_to_the_tier():
    plan = CommissionPlan(decelerator_threshold=0.0, decelerator_rate=0.0, accelerators=(Accelerator(1.25, 0.2),))
    assert float(plan.payout(150_000.0, 1.5)) == pytest.approx(125_000 * 0.10 + 25_000 * 0.20)


def test_decelerator_paying_more_than_base_is_refused():
    with pytest.raises(ScenarioError) as info:
        CommissionPlan(base_rate=0.05, decelerator_rate=0.08)
    assert info.value.field == "team.commission.decelerator_rate"


def test_accelerator_paying_less_than_the_tier_before_is_refused():
    with pytest.raises(ScenarioError) as info:
        CommissionPlan(accelerators=(Accelerator(1.0, 0.2), Accelerator(1.5, 0.15)))
    assert info.value.field == "team.commission.accelerators[1].rate"


def test_cap_must_lie_above_the_last_tier():
    with pytest.raises(ScenarioError) as info:
        CommissionPlan(accelerators=(Accelerator(1.0, 0.15), Accelerator(2.0, 0.2)), cap_attainment=1.8)
    assert info.value.field == "team.commission.cap_attainment"


def test_commission_round_trips():
    assert CommissionPlan.from_dict(PLAN.to_dict()) == PLAN
    with pytest.raises(ScenarioError) as info:
        CommissionPlan.from_dict({"accelerators": [{"from": 1.0}]})
    assert info.value.field == "team.commission.accelerators[0]"
