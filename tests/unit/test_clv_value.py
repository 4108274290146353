"""Discounted CLV conventions, checked against hand computation and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.clv.bgnbd import BGNBDParams, expected_purchases
from forecast.clv.errors import ClvInputError
from forecast.clv.sbg import SBGParams, discounted_expected_lifetime
from forecast.clv.value import (
    discount_per_step,
    discounted_expected_purchases,
    new_customer_clv,
    repeat_purchase_clv,
    simple_ltv,
    subscription_clv,
)


class _Fit:
    def __init__(self, params):
        self.params = params

    def expected_purchases(self, t, x=0.0, t_x=0.0, T=0.0):
        return expected_purchases(self.params, t, x, t_x, T)


FIT = _Fit(BGNBDParams(0.243, 4.414, 0.793, 2.426))


def test_undiscounted_sum_of_increments_is_the_expectation_over_the_horizon():
    total = discounted_expected_purchases(FIT, 39, 2, 30.43, 38.86, step=1.0, discount=0.0)
    assert total[0] == pytest.approx(1.226, abs=5e-4)


def test_discounting_weights_each_week_by_its_own_factor():
    d = discount_per_step(0.10, 52)
    assert (1 + d) ** 52 == pytest.approx(1.10)
    cumulative = FIT.expected_purchases(np.arange(0, 5))
    by_hand = sum((cumulative[k] - cumulative[k - 1]) / (1 + d) ** k for k in range(1, 5))
    assert discounted_expected_purchases(FIT, 4, discount=d)[0] == pytest.approx(by_hand)


def test_clv_scales_with_margin_and_spend():
    one = repeat_purchase_clv(FIT, 1.0, 52, 2, 30.43, 38.86, 0.1, 1.0)
    assert repeat_purchase_clv(FIT, 30.0, 52, 2, 30.43, 38.86, 0.1, 0.4) == pytest.approx(12.0 * one)


def test_new_customer_clv_counts_the_first_purchase_once():
    repeat = repeat_purchase_clv(FIT, 40.0, 52, 0, 0, 0, 0.1, 0.5)[0]
    assert new_customer_clv(FIT, 40.0, 52, 0.1, 0.5) == pytest.approx(0.5 * 40.0 + repeat)


def test_subscription_clv_is_arpa_times_margin_times_discounted_lifetime():
    params = SBGParams(0.704, 1.182)
    assert subscription_clv(params, 100.0, 0.8, 0.01) == pytest.approx(
        80.0 * discounted_expected_lifetime(params, 0.01)
    )


def test_simple_ltv_by_hand():
    assert simple_ltv(100.0, 0.8, 0.05) == pytest.approx(1600.0)  # 100 x 0.8 / 0.05
    # discounted: 80 x sum_t (0.95/1.01)^t = 80 x 1.01 / 0.06
    assert simple_ltv(100.0, 0.8, 0.05, 0.01) == pytest.approx(80 * 1.01 / 0.06)


@pytest.mark.parametrize("kwargs, message", [({"churn": 0.0}, "churn"), ({"churn": 0.1, "margin": 1.5}, "margin")])
def test_simple_ltv_rejects_impossible_inputs(kwargs, message):
    args = {"arpa": 100.0, "margin": 0.8, **kwargs}
    with pytest.raises(ClvInputError, match=message):
        simple_ltv(**args)
