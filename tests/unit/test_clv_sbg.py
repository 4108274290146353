"""Shifted-beta-geometric: Fader & Hardie (2007) "How to project customer retention", Table 1 and Appendix B.

Both segments start with 1,000 customers and are fitted on years 0-7; published estimates:
"high end" alpha = 0.668, beta = 3.806 (LL -1611.2), "regular" alpha = 0.704, beta = 1.182.
"""

from __future__ import annotations

import numpy as np
import pytest

from forecast.clv.errors import ClvInputError
from forecast.clv.sbg import (
    SBGParams,
    churn_probability,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    fit_sbg,
    retention_rate,
    survival,
)

HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]


def test_high_end_segment_reproduces_published_estimates():
    fit = fit_sbg(HIGH_END[:8])
    assert fit.params.alpha == pytest.approx(0.668, rel=0.005)
    assert fit.params.beta == pytest.approx(3.806, rel=0.005)
    assert fit.loglik == pytest.approx(-1611.2, abs=0.1)


def test_regular_segment_reproduces_published_estimates():
    fit = fit_sbg(REGULAR[:8])
    assert fit.params.alpha == pytest.approx(0.704, rel=0.005)
    assert fit.params.beta == pytest.approx(1.182, rel=0.005)


def test_year_12_survival_projection_is_within_5_percent_of_actual():
    # The paper's point: two parameters fitted on 7 years project year 12 within a few percent.
    for segment in (HIGH_END, REGULAR):
        projected = 1000 * fit_sbg(segment[:8]).survival(12)
        assert projected == pytest.approx(segment[12], rel=0.05)


def test_survival_probabilities_and_retention_rates_agree():
    params = SBGParams(0.704, 1.182)
    t = np.arange(1, 30)
    # P(T = t) = S(t-1) - S(t); r_t = S(t) / S(t-1); P(T = 1) = alpha / (alpha + beta).
    assert churn_probability(params, t) == pytest.approx(survival(params, t - 1) - survival(params, t))
    assert retention_rate(params, t) == pytest.approx(survival(params, t) / survival(params, t - 1))
    assert churn_probability(params, 1) == pytest.approx(0.704 / (0.704 + 1.182))
    assert np.all(np.diff(retention_rate(params, t)) > 0), "retention rises with tenure (sorting effect)"


def test_discounted_expected_lifetime_closed_form_equals_the_series():
    params, d = SBGParams(0.704, 1.182), 0.10
    t = np.arange(0, 2_000)
    series = float(np.sum(survival(params, t) / (1 + d) ** t))
    assert discounted_expected_lifetime(params, d) == pytest.approx(series, rel=1e-9)
    renewals = 3
    residual = float(np.sum(survival(params, renewals + 1 + t) / survival(params, renewals) / (1 + d) ** (t + 1)))
    assert discounted_expected_residual_lifetime(params, d, renewals) == pytest.approx(residual, rel=1e-9)


def test_homogeneous_limit_matches_the_geometric_lifetime():
    # beta-distributed churn concentrated at 0.2: DEL -> (1 + d) / (d + 0.2).
    params = SBGParams(0.2 * 1e6, 0.8 * 1e6)
    assert discounted_expected_lifetime(params, 0.1) == pytest.approx(1.1 / 0.3, rel=1e-4)
    # and a customer after 3 renewals expects the same discounted future, starting one period out
    assert discounted_expected_residual_lifetime(params, 0.1, 3) == pytest.approx(0.8 / 0.3, rel=1e-4)


def test_pooled_cohort_table_with_unequal_lengths_fits():
    table = np.array([HIGH_END[:8], HIGH_END[:5] + [np.nan] * 3, HIGH_END[:3] + [np.nan] * 5], dtype=float)
    fit = fit_sbg(table)
    assert fit.n_customers == 3000
    assert fit.params.alpha == pytest.approx(0.668, rel=0.25)


@pytest.mark.parametrize(
    "table, message",
    [
        ([1000], "at least one later period"),
        ([1000, 900, 950], "never increase"),
        ([0, 0, 0], "must be > 0"),
        ([1000, 1000, 1000], "no customer cancelled"),
    ],
)
def test_bad_retention_tables_are_rejected_with_a_reason(table, message):
    with pytest.raises(ClvInputError, match=message):
        fit_sbg(table)
