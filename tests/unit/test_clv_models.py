"""BG/NBD, Pareto/NBD and Gamma-Gamma reproduce the published CDNOW estimates and behave at the edges.

Published values (maximum likelihood on the CDNOW 1/10th cohort, weeks): Fader, Hardie & Lee (2005) and
Fader & Hardie's Gamma-Gamma note, as listed in data/cdnow/README.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

from forecast.clv import bgnbd, gamma_gamma, paretonbd
from forecast.clv.bgnbd import BGNBDParams, fit_bgnbd
from forecast.clv.errors import ClvInputError
from forecast.clv.gamma_gamma import GammaGammaParams, fit_gamma_gamma
from forecast.clv.paretonbd import ParetoNBDParams, fit_paretonbd
from forecast.clv.summary import CustomerSummary

DATA = Path(__file__).resolve().parents[2] / "data" / "cdnow"
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "loglik": -9582.4}
PUBLISHED_PARETO = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669, "loglik": -9595.0}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44, "loglik": -4055.9}
HOLDOUT_ACTUAL_REPEAT_PURCHASES = 1882  # weeks 40-78, from the raw log


@pytest.fixture(scope="module")
def cdnow() -> CustomerSummary:
    return CustomerSummary.from_csv(str(DATA / "cdnow_customers_summary_with_transactions.csv"))


def _within(value: float, published: float, rel: float = 0.005) -> bool:
    return abs(value - published) <= rel * abs(published)


def test_bgnbd_fit_matches_published_estimates_within_half_percent(cdnow):
    fit = fit_bgnbd(cdnow)
    got = {**fit.params.to_dict(), "loglik": fit.loglik}
    for name, published in PUBLISHED_BGNBD.items():
        assert _within(got[name], published), f"{name}: {got[name]:.4f} vs published {published}"


def test_bgnbd_conditional_expectation_for_the_published_customer():
    # Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks.
    params = BGNBDParams(0.243, 4.414, 0.793, 2.426)
    assert bgnbd.expected_purchases(params, 39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=5e-4)


def test_bgnbd_expectation_with_no_history_is_the_unconditional_mean():
    # E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]  (FHL 2005 eq. 9), raw form.
    from scipy.special import hyp2f1

    r, alpha, a, b, t = 0.243, 4.414, 0.793, 2.426, 39.0
    closed = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    assert bgnbd.expected_purchases(BGNBDParams(r, alpha, a, b), t) == pytest.approx(closed, rel=1e-10)


def test_pareto_nbd_fit_matches_published_estimates_within_half_percent(cdnow):
    fit = fit_paretonbd(cdnow)
    got = {**fit.params.to_dict(), "loglik": fit.loglik}
    for name, published in PUBLISHED_PARETO.items():
        assert _within(got[name], published), f"{name}: {got[name]:.4f} vs published {published}"


def test_gamma_gamma_fit_matches_published_estimates_within_half_percent(cdnow):
    fit = fit_gamma_gamma(cdnow)
    assert fit.n_repeat_buyers == 946
    got = {**fit.params.to_dict(), "loglik": fit.loglik}
    for name, published in PUBLISHED_GG.items():
        assert _within(got[name], published), f"{name}: {got[name]:.4f} vs published {published}"


def test_gamma_gamma_expected_spend_is_a_weighted_mean_of_population_and_customer():
    params = GammaGammaParams(6.25, 3.74, 15.44)
    population = params.p * params.gamma / (params.q - 1)
    weight = (params.q - 1) / (params.p * 2 + params.q - 1)
    by_hand = weight * population + (1 - weight) * 40.0
    assert gamma_gamma.conditional_expected_spend(params, 2, 40.0) == pytest.approx(by_hand)
    assert gamma_gamma.conditional_expected_spend(params, 0, 0.0) == pytest.approx(population)


def test_holdout_forecast_of_weeks_40_to_78_is_within_15_percent_of_actual(cdnow):
    # Published: both models under-forecast the 1,882 repeat purchases by about 12%.
    for fit in (fit_bgnbd(cdnow), fit_paretonbd(cdnow)):
        forecast = fit.expected_purchases(39, cdnow.x, cdnow.t_x, cdnow.T).sum()
        assert 0.85 * HOLDOUT_ACTUAL_REPEAT_PURCHASES < forecast < HOLDOUT_ACTUAL_REPEAT_PURCHASES


def test_p_alive_is_one_without_repeat_purchases_and_falls_with_silence():
    params = BGNBDParams(0.243, 4.414, 0.793, 2.426)
    assert bgnbd.p_alive(params, 0, 0, 38.86) == 1.0
    recent, silent = bgnbd.p_alive(params, [5, 5], [38.0, 10.0], [38.86, 38.86])
    assert 0 < silent < recent < 1


# --- numerical edges ---------------------------------------------------------------------------------------

EDGE_X = np.array([0, 1, 5, 10_000])
EDGE_TX = np.array([0.0, 5.0, 30.0, 38.0])
EDGE_T = np.full(4, 39.0)


@pytest.mark.parametrize("a, b", [(1e-6, 1e-6), (1e-3, 1e-3), (0.5, 0.5), (3.0, 1e-6)])
def test_bgnbd_is_finite_when_a_plus_b_is_near_zero_and_x_is_huge(a, b):
    params = BGNBDParams(0.243, 4.414, a, b)
    assert np.all(np.isfinite(bgnbd.loglik_terms(params, EDGE_X, EDGE_TX, EDGE_T)))
    expected = bgnbd.expected_purchases(params, 39, EDGE_X, EDGE_TX, EDGE_T)
    assert np.all(np.isfinite(expected)) and np.all(expected >= 0)


def test_bgnbd_expectation_is_continuous_through_a_equal_one():
    at_one = bgnbd.expected_purchases(BGNBDParams(0.243, 4.414, 1.0, 2.426), 39, 2, 30.43, 38.86)
    near = bgnbd.expected_purchases(BGNBDParams(0.243, 4.414, 1.001, 2.426), 39, 2, 30.43, 38.86)
    assert np.isfinite(at_one) and at_one == pytest.approx(near, rel=1e-3)


def _pareto_likelihood_by_quadrature(p: ParetoNBDParams, x: float, t_x: float, T: float) -> float:
    """L = Gamma(r+x) alpha^r beta^s / Gamma(r) [ (alpha+T)^-(r+x) (beta+T)^-s
    + s * integral_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du ]   (death in (t_x, T])."""
    from scipy.special import gammaln

    front = np.exp(gammaln(p.r + x) - gammaln(p.r) + p.r * np.log(p.alpha) + p.s * np.log(p.beta))
    alive = (p.alpha + T) ** -(p.r + x) * (p.beta + T) ** -p.s
    died, _ = integrate.quad(
        lambda u: (p.alpha + u) ** -(p.r + x) * (p.beta + u) ** -(p.s + 1), t_x, T, epsabs=0, epsrel=1e-12
    )
    return float(front * (alive + p.s * died))


@pytest.mark.parametrize(
    "params",
    [
        ParetoNBDParams(0.553, 10.578, 0.606, 11.669),  # alpha < beta
        ParetoNBDParams(0.553, 11.669, 0.606, 10.578),  # alpha > beta
        ParetoNBDParams(0.5, 10.0, 1.0, 10.0),  # alpha = beta, s = 1
        ParetoNBDParams(0.5, 1e-3, 0.5, 1e3),
    ],  # extreme ratio
)
@pytest.mark.parametrize("x, t_x", [(0, 0.0), (1, 5.0), (7, 30.0), (40, 38.5)])
def test_pareto_nbd_likelihood_matches_direct_numerical_integration(params, x, t_x):
    expected = np.log(_pareto_likelihood_by_quadrature(params, x, t_x, 39.0))
    assert paretonbd.loglik_terms(params, x, t_x, 39.0) == pytest.approx(expected, rel=1e-8, abs=1e-8)


def test_pareto_nbd_is_finite_for_huge_x():
    params = ParetoNBDParams(0.553, 10.578, 0.606, 11.669)
    assert np.all(np.isfinite(paretonbd.loglik_terms(params, EDGE_X, EDGE_TX, EDGE_T)))
    assert np.all(np.isfinite(paretonbd.expected_purchases(params, 39, EDGE_X, EDGE_TX, EDGE_T)))
    assert np.all(np.isfinite(paretonbd.p_alive(params, EDGE_X, EDGE_TX, EDGE_T)))


def test_zero_repeat_buyers_is_a_clear_error_for_every_model():
    nobody_returns = CustomerSummary(np.zeros(50), np.zeros(50), np.full(50, 39.0), np.zeros(50))
    for fit in (fit_bgnbd, fit_paretonbd):
        with pytest.raises(ClvInputError, match="no customer made a repeat purchase"):
            fit(nobody_returns)
    with pytest.raises(ClvInputError, match="at least 10 repeat buyers"):
        fit_gamma_gamma(nobody_returns)


def test_a_single_customer_is_a_clear_error():
    with pytest.raises(ClvInputError, match="at least 10 customers"):
        fit_bgnbd(CustomerSummary([3], [20.0], [39.0]))


@pytest.mark.parametrize(
    "x, t_x, T, message",
    [
        ([1.5], [2.0], [39.0], "'x' must be a whole number"),
        ([1], [40.0], [39.0], "'t_x' must be <= T"),
        ([0], [3.0], [39.0], "'t_x' must be 0 for customers with no repeat"),
        ([1], [2.0], [0.0], "'T' must be > 0"),
    ],
)
def test_summary_rejects_impossible_histories_naming_the_field(x, t_x, T, message):
    with pytest.raises(ClvInputError, match=message):
        CustomerSummary(x, t_x, T)


def test_fits_are_deterministic(cdnow):
    assert fit_bgnbd(cdnow) == fit_bgnbd(cdnow)


def _simulate_bgnbd(params: BGNBDParams, n: int, seed: int) -> CustomerSummary:
    """Draw purchase histories from the BG/NBD story itself: Poisson purchases while alive, a coin after each."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(params.r, 1.0 / params.alpha, n)
    drop = rng.beta(params.a, params.b, n)
    T = rng.uniform(27.0, 39.0, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        clock = clock + rng.exponential(1.0, n) / rate
        buys = active & (clock <= T)
        x[buys] += 1
        t_x[buys] = clock[buys]
        active = buys & (rng.random(n) >= drop)
    return CustomerSummary(x, t_x, T)


def test_bgnbd_recovers_the_parameters_it_was_simulated_from():
    truth = BGNBDParams(0.243, 4.414, 0.793, 2.426)
    fit = fit_bgnbd(_simulate_bgnbd(truth, 20_000, seed=2026))
    # 20,000 customers: sampling error of a few percent on each parameter (a and b the loosest).
    assert fit.params.r == pytest.approx(truth.r, rel=0.10)
    assert fit.params.alpha == pytest.approx(truth.alpha, rel=0.15)
    assert fit.params.a == pytest.approx(truth.a, rel=0.25)
    assert fit.params.b == pytest.approx(truth.b, rel=0.30)
