"""The pipeline Monte Carlo against exact moments of small baskets of independent deals.

Tolerances are four Monte Carlo standard errors, computed from the trials themselves.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from simulate.pipeline.calibration import Calibration, Period, new_deal_rate
from simulate.pipeline.montecarlo import common_multiplier, simulate_deals, simulate_new_deals
from simulate.pipeline.survival import fit_close_curves

TRIALS = 200_000
P = np.array([0.9, 0.5, 0.3, 0.05, 0.6])
AMOUNT = np.array([1_000.0, 5_000.0, 20_000.0, 100_000.0, 250.0])
NONE = np.full(len(P), np.nan)


def _mean_ok(x: np.ndarray, exact: float) -> None:
    se = x.std(ddof=1) / np.sqrt(len(x))
    assert abs(x.mean() - exact) <= 4 * se + 1e-12 * abs(exact), (x.mean(), exact, se)


def _var_ok(x: np.ndarray, exact: float) -> None:
    sq = (x - x.mean()) ** 2
    se = sq.std(ddof=1) / np.sqrt(len(x))
    assert abs(sq.mean() - exact) < 4 * se, (sq.mean(), exact, se)


def test_known_amounts_match_the_exact_mean_and_variance():
    # bookings = sum a_i * B_i with B_i ~ Bernoulli(p_i) independent: mean sum p a, variance sum p (1 - p) a^2
    rng = np.random.default_rng(11)
    bookings, won = simulate_deals(P, NONE, NONE, AMOUNT, np.ones(TRIALS), rng)
    _mean_ok(bookings, float(np.sum(P * AMOUNT)))
    _var_ok(bookings, float(np.sum(P * (1 - P) * AMOUNT**2)))
    _mean_ok(won, float(P.sum()))
    _var_ok(won, float(np.sum(P * (1 - P))))


def test_lognormal_sizes_match_the_exact_mean_and_variance():
    mu = np.log(np.array([1_000.0, 4_000.0, 500.0]))
    sd = np.array([0.1, 0.5, 1.0])
    p = np.array([0.7, 0.4, 0.2])
    size_mean = np.exp(mu + sd**2 / 2)
    size_square = np.exp(2 * mu + 2 * sd**2)
    rng = np.random.default_rng(12)
    bookings, _ = simulate_deals(p, mu, sd, np.full(3, np.nan), np.ones(TRIALS), rng)
    _mean_ok(bookings, float(np.sum(p * size_mean)))
    _var_ok(bookings, float(np.sum(p * size_square - (p * size_mean) ** 2)))


def test_common_multiplier_keeps_the_mean_and_adds_shared_variance():
    # With M lognormal (E M = 1, E M^2 = exp(s^2)) and p M < 1: E = sum p a;
    # Var = sum a^2 (p - p^2 E M^2) + (sum p a)^2 (E M^2 - 1).
    s = 0.3
    p = np.full(40, 0.02)
    a = np.linspace(100.0, 4_000.0, 40)
    rng = np.random.default_rng(13)
    m = common_multiplier(rng, TRIALS, s)
    _mean_ok(m, 1.0)
    bookings, _ = simulate_deals(p, np.full(40, np.nan), np.full(40, np.nan), a, m, rng)
    em2 = np.exp(s**2)
    _mean_ok(bookings, float(np.sum(p * a)))
    _var_ok(bookings, float(np.sum(a**2 * (p - p**2 * em2)) + np.sum(p * a) ** 2 * (em2 - 1)))


def test_small_chunks_give_the_same_distribution():
    rng = np.random.default_rng(14)
    bookings, _ = simulate_deals(P, NONE, NONE, AMOUNT, np.ones(50_000), rng, chunk_cells=7)
    _mean_ok(bookings, float(np.sum(P * AMOUNT)))
    _var_ok(bookings, float(np.sum(P * (1 - P) * AMOUNT**2)))


def test_losing_one_deal_changes_only_its_own_draws():
    mu, sd = np.log(AMOUNT), np.full(len(P), 0.3)  # lognormal sizes: other deals must keep their exact sizes
    lost = np.arange(len(P)) == 1
    base, base_won = simulate_deals(P, mu, sd, NONE, np.ones(10_000), np.random.default_rng(5))
    without, without_won = simulate_deals(P, mu, sd, NONE, np.ones(10_000), np.random.default_rng(5), lost=lost)
    drop = base - without
    assert set(np.unique(base_won - without_won)) == {0, 1}
    assert (drop[base_won == without_won] == 0).all()  # trials where the deal was not won are untouched
    _mean_ok(drop, P[1] * np.exp(mu[1] + sd[1] ** 2 / 2))


def test_deals_with_no_chance_are_never_won():
    bookings, won = simulate_deals(
        np.zeros(3), np.zeros(3), np.zeros(3), np.ones(3), np.ones(100), np.random.default_rng(1)
    )
    assert bookings.sum() == 0 and won.sum() == 0


def _calibration(mix: pd.Series) -> Calibration:
    curves = fit_close_curves(np.array([5.0, 10.0]), np.array([1, 2]))
    sizes = pd.DataFrame(
        {
            "product": ["(all)", "A", "B"],
            "won": [2, 1, 1],
            "log_mean": [np.log(100.0), np.log(100.0), np.log(1_000.0)],
            "log_sd": [0.2, 0.2, 0.4],
        }
    )
    rates = pd.DataFrame(
        {
            "segment": ["A", "B"],
            "won": [1, 0],
            "lost": [0, 1],
            "win_rate": [0.5, 0.5],
            "lo_90": [0.1, 0.1],
            "hi_90": [0.9, 0.9],
            "factor": [1.0, 1.0],
        }
    )
    return Calibration(pd.Timestamp("2020-01-31"), curves, "product", rates, 0.5, sizes, 1.0, mix, 0.0, 0)


def test_new_deals_are_poisson_with_the_product_mix_sizes():
    mix = pd.Series({"A": 0.75, "B": 0.25})
    calib = _calibration(mix)
    expected = 6.0
    rng = np.random.default_rng(15)
    bookings, won = simulate_new_deals(expected, mix, calib, np.ones(TRIALS), rng)
    size_mean = 0.75 * np.exp(np.log(100.0) + 0.02) + 0.25 * np.exp(np.log(1_000.0) + 0.08)
    size_square = 0.75 * np.exp(2 * np.log(100.0) + 2 * 0.04) + 0.25 * np.exp(2 * np.log(1_000.0) + 2 * 0.16)
    _mean_ok(won, expected)
    _var_ok(won, expected)
    _mean_ok(bookings, expected * size_mean)  # compound Poisson: mean lambda E[S], variance lambda E[S^2]
    _var_ok(bookings, expected * size_square)


@pytest.mark.parametrize("volatility", [0.0, 0.5])
def test_multiplier_has_mean_one(volatility):
    m = common_multiplier(np.random.default_rng(3), TRIALS, volatility)
    _mean_ok(m, 1.0)
    assert (m > 0).all()


def test_new_deals_expected_from_the_creation_rate_and_the_won_curve():
    # Every deal is won exactly 10 days after creation with chance 1/2 (curve: half won at day 10, half lost at 20).
    # A 30-day period: deals created on days 1..20 have >= 10 days left, so expected wins = rate x 20 x 1/2.
    curves = fit_close_curves(np.array([10.0, 20.0]), np.array([1, 2]))
    calib = _calibration(pd.Series({"A": 1.0}))
    calib = dataclasses.replace(calib, curves=curves, creation_per_day=3.0, segment="owner")
    period = Period("month", pd.Timestamp("2020-02-01"), pd.Timestamp("2020-03-01"), "Feb 2020")
    expected, mix = new_deal_rate(calib, period, pd.Timestamp("2020-01-31"))
    assert period.days_after(pd.Timestamp("2020-01-31")) == 30
    assert expected == pytest.approx(3.0 * 20 * 0.5)
    assert list(mix.index) == ["A"]
