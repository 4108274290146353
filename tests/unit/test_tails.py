"""Revenue in the tails: the engine's sums of N deals against explicit per-deal sums, for wide deal-size spreads.

Tolerances come from Monte Carlo error, never from the output:
- a quantile check is distribution-free: if x is the engine's P(q) from M draws, the share of the reference's
  R draws below x estimates q with standard error sqrt(q (1 - q) (1 / M + 1 / R)) (both samples' errors);
  we require it within 4.5 of those errors (for counts, q must lie between the shares below and at most x);
- the Kolmogorov-Smirnov two-sample test must not reject at p = 1e-4 (36 comparisons: a false alarm in the
  whole file has a chance of about 0.4%).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from simulate.funnel import deal_pool, engine, lognormal_params, seek
from simulate.scenario import CycleLength, DealSize, LeadVolume, Rate, Scenario, Stage, Target
from tests.unit.reference_funnel import reference_run

SPREADS = (2.0, 5.0, 10.0, 20.0)  # deal-size P90 / median
COUNTS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
DRAWS = 20_000


def share_below_is_within_error(engine_draws: np.ndarray, reference: np.ndarray, q: float) -> tuple[bool, str]:
    x = np.quantile(engine_draws, q)
    below, at_most = float(np.mean(reference < x)), float(np.mean(reference <= x))  # equal for continuous draws
    se = np.sqrt(q * (1 - q) * (1 / len(engine_draws) + 1 / len(reference)))
    ok = below - 4.5 * se < q < at_most + 4.5 * se
    return ok, f"P{round(q * 100)}: reference share below {below:.4f}..{at_most:.4f} vs {q} (SE {se:.4f})"


def per_deal_sums(rng: np.random.Generator, count: int, sigma: float, draws: int) -> np.ndarray:
    """`draws` independent sums of `count` lognormal deals (median 1), one draw per deal."""
    total = np.zeros(draws)
    for start in range(0, count, 50):  # bounded memory
        k = min(50, count - start)
        total += np.exp(sigma * rng.standard_normal((draws, k))).sum(axis=1)
    return total


@pytest.mark.parametrize("spread", SPREADS)
def test_sums_of_n_deals_match_per_deal_sums(spread):
    _, sigma = lognormal_params(1.0, spread)
    pool = deal_pool(2026, sigma)
    rng = np.random.default_rng(int(spread * 100))
    problems = []
    for count in COUNTS:
        offsets = rng.integers(0, pool.size, DRAWS)
        ours = pool.sums(offsets, np.full(DRAWS, count))
        theirs = per_deal_sums(rng, count, sigma, DRAWS)
        ks = stats.ks_2samp(ours, theirs)
        if ks.pvalue < 1e-4:
            problems.append(f"N={count}: KS p={ks.pvalue:.2g}")
        for q in (0.1, 0.5, 0.9):
            ok, text = share_below_is_within_error(ours, theirs, q)
            if not ok:
                problems.append(f"N={count}: {text}")
    assert not problems, problems


def test_one_deal_is_exactly_lognormal_at_the_widest_spread():
    _, sigma = lognormal_params(1.0, 20.0)
    pool = deal_pool(7, sigma)
    values = pool.deal(np.random.default_rng(1).integers(0, pool.size, 50_000), 0)
    assert stats.kstest(values, stats.lognorm(s=sigma, scale=1.0).cdf).pvalue > 1e-3


def test_the_pool_is_stratified_so_its_own_distribution_is_the_lognormal():
    # one pool value in each 1/size slice of probability: the pool's empirical CDF is within 1/size of the normal's
    from simulate.funnel.deals import _normal_pool

    z = np.sort(_normal_pool(3, 1 << 16))
    slices = np.floor(stats.norm.cdf(z) * len(z)).astype(int)
    np.testing.assert_array_equal(slices, np.arange(len(z)))


def wide_scenario(spread: float, **changes) -> Scenario:
    """Point rates, no volume noise, a short horizon: the revenue spread is the deals' own."""
    base = Scenario(
        stages=(Stage("Leads"), Stage("SQL", Rate.point(0.3)), Stage("Won", Rate.point(0.25))),
        volume=LeadVolume(level=350.0, growth=0.0, overdispersion=0.0),
        cycle=CycleLength(30, 70),
        deal_size=DealSize(18_000, 18_000 * spread),
        horizon_months=6,
        target=Target("revenue", 3_000_000, "quarter", 2),
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize("spread", [5.0, 10.0, 20.0])
def test_engine_revenue_tails_match_the_per_deal_reference(spread):
    s = wide_scenario(spread)
    ours = engine.run(s, trials=40_000, seed=3).period_revenue()
    ref = reference_run(s, trials=20_000, seed=4)["revenue"][:, 3:6].sum(axis=1)
    assert stats.ks_2samp(ours, ref).pvalue > 1e-4
    for q in (0.1, 0.5, 0.9):
        ok, text = share_below_is_within_error(ours, ref, q)
        assert ok, text


def chance_by_per_deal_reference(s: Scenario, trials: int, seed: int) -> tuple[float, float]:
    revenue = reference_run(s, trials=trials, seed=seed)["revenue"][:, 3:6].sum(axis=1)
    p = float(np.mean(revenue >= s.target.value))
    return p, np.sqrt(p * (1 - p) / trials)


@pytest.mark.parametrize("lever", ["volume", "deal_size"])
def test_goal_seek_at_a_wide_spread_holds_when_resimulated_deal_by_deal(lever):
    # P90/median 10; the answer at 80% confidence, re-simulated with independent per-deal sums, must give
    # 80% within the errors of both: the seek's (quantile of 20,000 thresholds: binomial SE ~0.0028) and
    # the re-simulation's (binomial SE at 20,000 trials ~0.0028), so 4.5 x sqrt(2) x 0.0028 ~ 0.018.
    s = wide_scenario(10.0)
    answer = seek(engine.run(s, trials=20_000, seed=9), lever, 0.8)
    assert answer.reachable
    if lever == "volume":
        moved = s.replace(volume=dataclasses.replace(s.volume, level=s.volume.level * answer.value))
    else:
        d = s.deal_size
        moved = s.replace(deal_size=DealSize(d.median * answer.value, d.p90 * answer.value))
    p, se = chance_by_per_deal_reference(moved, 20_000, seed=31)
    assert abs(p - 0.8) < 4.5 * np.sqrt(se**2 + 0.8 * 0.2 / 20_000), (answer.value, p)


def test_ranges_on_the_medians_match_the_reference():
    s = wide_scenario(
        5.0,
        deal_size=DealSize(18_000, 90_000, median_low=12_000, median_high=26_000),
        cycle=CycleLength(30, 70, median_low=20, median_high=45),
    )
    result = engine.run(s, trials=30_000, seed=5)
    ref = reference_run(s, trials=15_000, seed=6)
    for ours, theirs in (
        (result.period_revenue(), ref["revenue"][:, 3:6].sum(axis=1)),
        (result.won[:, 0].astype(float), ref["won"][:, 0].astype(float)),
    ):
        assert stats.ks_2samp(ours, theirs).pvalue > 1e-4
        for q in (0.1, 0.5, 0.9):
            ok, text = share_below_is_within_error(ours, theirs, q)
            assert ok, text
    # the median's draws follow its 90% range: 5% below low, 5% above high (binomial SE at 30,000 ~ 0.0013)
    below = np.mean(result.deal_median < 12_000)
    assert abs(below - 0.05) < 4.5 * np.sqrt(0.05 * 0.95 / 30_000)
