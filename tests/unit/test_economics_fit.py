"""Response curves fitted from spend and lead history recover known curves and admit what they cannot know."""

from __future__ import annotations

import numpy as np
import pytest

from simulate.economics.fit import fit_response_curve
from simulate.scenario import ScenarioError


def test_recovers_a_known_curve_from_noisy_monthly_history():
    rng = np.random.default_rng(42)
    spend = np.linspace(5_000, 150_000, 36)
    true_max, true_cpl = 1_200.0, 40.0
    leads = rng.poisson(true_max * (1 - np.exp(-spend / (true_max * true_cpl))))
    fit = fit_response_curve(spend, leads)
    assert fit.saturation_identified
    assert fit.max_leads == pytest.approx(true_max, rel=0.1)
    assert fit.initial_cost_per_lead == pytest.approx(true_cpl, rel=0.15)


def test_flat_history_far_below_saturation_says_the_ceiling_is_unknown():
    spend = np.array([10_000, 10_500, 9_800, 10_200, 10_100, 9_900], dtype=float)
    leads = spend / 50.0
    fit = fit_response_curve(spend, leads)
    assert not fit.saturation_identified and "not known" in fit.note
    # and the near-linear curve still reproduces the observed cost per lead
    assert fit.channel("x", 10_000).initial_cost_per_lead == pytest.approx(50.0, rel=0.05)


@pytest.mark.parametrize(
    "spend, leads", [([1, 2, 3], [1, 2, 3]), ([1, 2, 3, -4], [1, 2, 3, 4]), ([0, 0, 0, 0], [1, 2, 3, 4])]
)
def test_unusable_history_is_rejected(spend, leads):
    with pytest.raises(ScenarioError):
        fit_response_curve(spend, leads)
