"""The funnel engine against closed forms derived here, and against the plain reference simulation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import integrate, stats

from simulate.funnel import engine
from simulate.scenario import CycleLength, DealSize, LeadVolume, Rate, Scenario, Stage, Target
from tests.unit.reference_funnel import reference_run

DAYS = 365.25 / 12


def lag_probabilities_by_quadrature(median_days: float, p90_days: float, max_lag: int) -> np.ndarray:
    """P(close k months after the entry month) = P(k <= U + X < k + 1), U uniform, X lognormal months."""
    sigma = np.log(p90_days / median_days) / stats.norm.ppf(0.9)
    dist = stats.lognorm(s=sigma, scale=median_days / DAYS)

    def below(m: float) -> float:  # P(U + X < m) = integral over u of F(m - u)
        return integrate.quad(lambda u: dist.cdf(m - u) if m - u > 0 else 0.0, 0, 1, limit=200)[0]

    cdf = np.array([below(m) for m in range(0, max_lag + 2)])
    return np.diff(cdf)


def simple_scenario(**changes) -> Scenario:
    """Point rates, no month-to-month noise: won deals per month are exactly Poisson."""
    base = Scenario(
        stages=(
            Stage("Leads"),
            Stage("SQL", Rate.point(0.3)),
            Stage("Won", Rate.point(0.25)),
        ),
        volume=LeadVolume(level=400.0, growth=0.02, overdispersion=0.0),
        cycle=CycleLength(45, 120),
        deal_size=DealSize(10_000, 30_000),
        horizon_months=12,
        target=Target("revenue", 1_000_000, "quarter", 2),
        start_month="2027-01",
    )
    return dataclasses.replace(base, **changes)


def test_close_lag_probabilities_match_quadrature():
    probs = engine.close_lag_probabilities(75, 160)
    expected = lag_probabilities_by_quadrature(75, 160, len(probs) - 1)
    assert probs.sum() == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_allclose(probs[:-1], expected[:-1], atol=1e-7)


def test_deals_entering_on_day_one_with_one_day_cycles_close_in_the_same_month():
    probs = engine.close_lag_probabilities(1, 1.5)
    assert probs[0] > 0.95


def month_start_days(start_month: str, first: int, count: int) -> np.ndarray:
    """Day numbers of the first day of months first .. first + count, from the calendar (real lengths)."""
    months = np.datetime64(start_month, "M") + np.arange(first, first + count + 1)
    return months.astype("datetime64[D]").astype(np.int64).astype(float)


def calendar_lag_by_quadrature(s: Scenario, entry: int, close: int) -> float:
    """P(a deal entering in month `entry` closes in month `close`), months as offsets from the start:
    the entry moment is uniform over the entry month's real days, the cycle lognormal in days."""
    sigma = np.log(s.cycle.p90_days / s.cycle.median_days) / stats.norm.ppf(0.9)
    dist = stats.lognorm(s=sigma, scale=s.cycle.median_days)
    (entry_start, entry_end) = month_start_days(s.start_month, entry, 1)
    (close_start, close_end) = month_start_days(s.start_month, close, 1)
    length = entry_end - entry_start

    def closes_inside(t: float) -> float:
        return dist.cdf(close_end - entry_start - t) - dist.cdf(close_start - entry_start - t)

    return integrate.quad(closes_inside, 0, length, limit=200, epsabs=1e-12)[0] / length


def expected_won_by_month(s: Scenario, max_lag: int = 40) -> np.ndarray:
    """sum over entry months t of E[volume_t] x prod E[rate] x P(close in m | entered in t), on real dates."""
    season = np.array(s.volume.seasonality) / np.mean(s.volume.seasonality)
    p_won = np.prod([st.conversion.mean() for st in s.stages[1:]])
    out = np.zeros(s.horizon_months)
    for m in range(s.horizon_months):
        for t in range(m - max_lag, m + 1):
            volume = s.volume.level * (1 + s.volume.growth) ** t * season[(int(s.start_month[5:]) - 1 + t) % 12]
            out[m] += volume * p_won * calendar_lag_by_quadrature(s, t, m)
    return out


@pytest.mark.parametrize("sampling", ["plain", "lhs"])
def test_won_deals_mean_matches_closed_form(sampling):
    s = Scenario(sampling=sampling)  # the default: uncertain rates, noise, seasonality flat, growth
    result = engine.run(s, trials=20_000, seed=11)
    expected = expected_won_by_month(s)
    mean = result.won.mean(axis=0)
    se = result.won.std(axis=0, ddof=1) / np.sqrt(result.trials)
    assert np.all(np.abs(mean - expected) < 4.5 * se), (mean - expected) / se


def test_won_deals_are_poisson_when_nothing_else_is_uncertain():
    s = simple_scenario()
    result = engine.run(s, trials=40_000, seed=3)
    won = result.period_won()
    mu = expected_won_by_month(s)[3:6].sum()
    n = len(won)
    assert won.mean() == pytest.approx(mu, abs=4 * np.sqrt(mu / n))
    # variance of a Poisson = its mean; SE of a sample variance ~ sqrt((m4 - var^2) / n), m4 = mu + 3 mu^2
    assert won.var(ddof=1) == pytest.approx(mu, abs=4 * np.sqrt((mu + 3 * mu**2 - mu**2) / n))


def test_revenue_is_compound_poisson_mean_and_variance():
    s = simple_scenario()
    result = engine.run(s, trials=40_000, seed=5)
    revenue = result.period_revenue()
    mu = expected_won_by_month(s)[3:6].sum()
    sigma = np.log(3.0) / stats.norm.ppf(0.9)
    ex = 10_000 * np.exp(sigma**2 / 2)
    ex2 = 10_000**2 * np.exp(2 * sigma**2)
    mean, var = mu * ex, mu * ex2  # compound Poisson: E = lambda E[X], Var = lambda E[X^2]
    n = len(revenue)
    assert revenue.mean() == pytest.approx(mean, abs=4 * np.sqrt(var / n))
    centred = revenue - revenue.mean()
    se_var = np.sqrt((np.mean(centred**4) - revenue.var() ** 2) / n)
    assert revenue.var(ddof=1) == pytest.approx(var, abs=4 * se_var)


def test_overdispersion_adds_the_negative_binomial_variance():
    od = 0.3
    s = simple_scenario(volume=LeadVolume(level=400.0, growth=0.0, overdispersion=od))
    result = engine.run(s, trials=40_000, seed=8)
    won = result.won[:, 6]
    lags = np.array([calendar_lag_by_quadrature(s, 6 - k, 6) for k in range(40)])  # July 2027 from each entry month
    per_cohort = 400 * 0.3 * 0.25 * lags  # mean contribution of each entry month
    mu = per_cohort.sum()
    var = mu + od**2 * np.sum(per_cohort**2)  # independent gamma multiplier per entry month
    se_var = np.sqrt((np.mean((won - won.mean()) ** 4) - won.var() ** 2) / len(won))
    assert won.mean() == pytest.approx(mu, abs=4 * np.sqrt(var / len(won)))
    assert won.var(ddof=1) == pytest.approx(var, abs=4 * se_var)


def test_stage_volumes_mean_is_volume_times_cumulative_rates():
    s = Scenario()
    result = engine.run(s, trials=4_000, seed=2, stage_trials=4_000)
    month = 5
    volume = s.volume.level * (1 + s.volume.growth) ** month
    reach = np.cumprod([1.0] + [r.mean() for r in s.conversions])
    got = result.stage_volumes[:, month, :]
    se = got.std(axis=0, ddof=1) / np.sqrt(len(got))
    assert np.all(np.abs(got.mean(axis=0) - volume * reach) < 4.5 * se)
    assert np.all(np.diff(got, axis=1) <= 0), "a stage cannot hold more than the stage above it"


@pytest.mark.parametrize("sampling", ["plain", "lhs"])
def test_distribution_matches_stage_by_stage_reference(sampling):
    s = Scenario(horizon_months=12, sampling=sampling, target=Target("revenue", 2_000_000, "quarter", 2))
    ours = engine.run(s, trials=6_000, seed=21)
    ref = reference_run(s, trials=6_000, seed=99)
    for name, mine, theirs in (
        ("won", ours.period_won(), ref["won"][:, 3:6].sum(axis=1)),
        ("revenue", ours.period_revenue(), ref["revenue"][:, 3:6].sum(axis=1)),
        ("won month 1", ours.won[:, 0], ref["won"][:, 0]),
    ):
        ks = stats.ks_2samp(mine, theirs)
        assert ks.pvalue > 1e-3, f"{name}: KS p={ks.pvalue:.2g}"
        assert np.mean(mine) == pytest.approx(np.mean(theirs), abs=4 * np.std(theirs) * np.sqrt(2 / 6_000))


def test_single_month_revenue_for_one_deal_is_exactly_lognormal():
    normals = np.random.default_rng(0).standard_normal(50_000)
    values = engine.revenue_for_deals(np.ones(50_000, dtype=int), normals, 10_000, 30_000)
    sigma = np.log(3.0) / stats.norm.ppf(0.9)
    assert stats.kstest(values, stats.lognorm(s=sigma, scale=10_000).cdf).pvalue > 1e-3


def test_same_scenario_and_seed_give_identical_numbers():
    s = Scenario()
    a, b = engine.run(s, trials=3_000, seed=7), engine.run(s, trials=3_000, seed=7)
    np.testing.assert_array_equal(a.won, b.won)
    np.testing.assert_array_equal(a.revenue, b.revenue)
    c = engine.run(s, trials=3_000, seed=8)
    assert not np.array_equal(a.won, c.won)


def test_runs_larger_than_one_chunk_are_consistent():
    s = Scenario(horizon_months=6, target=Target("won_deals", 80, "month", 3))
    result = engine.run(s, trials=engine.CHUNK_TRIALS * 2 + 10, seed=1)
    first, second = result.won[: engine.CHUNK_TRIALS], result.won[engine.CHUNK_TRIALS : 2 * engine.CHUNK_TRIALS]
    assert not np.array_equal(first, second), "chunks must use different random streams"
    se = np.sqrt(first.var(axis=0) / len(first) + second.var(axis=0) / len(second))
    assert np.all(np.abs(first.mean(axis=0) - second.mean(axis=0)) < 4.5 * se)


def test_latin_hypercube_stratifies_each_uncertain_rate():
    s = Scenario(sampling="lhs")
    result = engine.run(s, trials=1_000, seed=4)
    rate = s.conversions[0]
    # each of the 1,000 equal-probability strata of the rate holds exactly one trial
    strata = np.floor(np.array([rate_cdf(rate, x) for x in result.rates[:, 0]]) * 1_000).astype(int)
    assert sorted(strata) == list(range(1_000))


def rate_cdf(rate: Rate, x: float) -> float:
    mu, sigma = rate._logit_params()
    return float(stats.norm.cdf((np.log(x / (1 - x)) - mu) / sigma))


def test_forecast_paths_drive_the_volume():
    s = simple_scenario()
    paths = np.full((12, 50), 800.0)  # every path says 800 leads a month: double the plan's 400 (no growth)
    driven = s.replace(volume=dataclasses.replace(s.volume, growth=0.0)).with_volume_paths(paths, "test")
    plan = s.replace(volume=dataclasses.replace(s.volume, growth=0.0))
    a = engine.run(driven, trials=20_000, seed=1).won[:, 6].mean()
    b = engine.run(plan, trials=20_000, seed=1).won[:, 6].mean()
    assert a / b == pytest.approx(2.0, rel=0.03)
