"""Monte Carlo engine for the funnel: trials x months, vectorised, with an explicit seed.

Model (per trial):
- each uncertain conversion rate is drawn once per trial (Latin hypercube or plain sampling);
- the month's expected top-of-funnel volume is level x growth x seasonality, times a gamma
  multiplier with mean 1 and coefficient of variation `overdispersion` (so the count is
  negative-binomial), or one forecast sample path when the scenario carries them;
- given those, entries are Poisson, and a Poisson cohort thinned by the conversion rates and split
  by the month its cycle ends gives independent Poisson counts per close month. Won deals in a
  close month are therefore Poisson with mean sum_t volume_t x p_won x P(cycle ends k = m - t months
  later): a convolution, computed as one matrix product;
- a deal enters on a uniform day of its month and closes `cycle` days later (lognormal with the
  given median and P90); it closes in the calendar month where that lands;
- revenue of N deals in a month is the sum of N lognormal deal sizes. It is drawn from the lognormal
  with the sum's exact mean and variance (Fenton-Wilkinson): exact for N = 1, and checked against
  per-deal sums in tests/unit/test_engine_reference.py;
- the funnel is warm: cohorts from before the horizon (at the same level, growth run backwards)
  are already in flight, so month 1 is not empty.

Stage volumes (for the funnel chart) are drawn stage by stage (binomial thinning) on the first
`stage_trials` trials only: they are a picture of flow, not a headline number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from simulate.scenario import Scenario, month_labels, start_month_index

DAYS_PER_MONTH = 365.25 / 12.0
Z_P90 = float(stats.norm.ppf(0.90))
CHUNK_TRIALS = 25_000  # fixed, so results never depend on machine or call site
MAX_LAG_MONTHS = 120
LAG_TAIL = 1e-4  # tail mass beyond this is folded into the last lag


def lognormal_params(median: float, p90: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal with this median and 90th percentile."""
    return float(np.log(median)), float(np.log(p90 / median) / Z_P90)


def _partial_expectation_cdf(a: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """integral_0^a F(s) ds for a lognormal X (F its CDF) = a F(a) - E[X; X < a]."""
    a = np.asarray(a, dtype=float)
    out = np.zeros_like(a)
    pos = a > 0
    z = (np.log(a[pos]) - mu) / sigma
    out[pos] = a[pos] * special.ndtr(z) - np.exp(mu + sigma**2 / 2) * special.ndtr(z - sigma)
    return out


def close_lag_probabilities(median_days: float, p90_days: float) -> np.ndarray:
    """P(a deal closes k calendar months after the month it entered), k = 0, 1, ...

    With U ~ Uniform(0, 1) the entry point within the month and X the cycle in months,
    P(U + X < m) = integral_{m-1}^{m} F_X(s) ds, which has a closed form for the lognormal.
    The list stops where the remaining tail is below 1e-6 (or at 120 months); the tail mass is
    put in the last entry so the probabilities sum to one.
    """
    mu, sigma = lognormal_params(median_days / DAYS_PER_MONTH, p90_days / DAYS_PER_MONTH)
    m = np.arange(0, MAX_LAG_MONTHS + 2, dtype=float)
    cdf_u_plus_x = _partial_expectation_cdf(m, mu, sigma) - _partial_expectation_cdf(m - 1, mu, sigma)
    probs = np.diff(cdf_u_plus_x)
    tail = 1.0 - np.cumsum(probs)
    last = int(np.argmax(tail < LAG_TAIL)) if np.any(tail < LAG_TAIL) else len(probs) - 1
    probs = probs[: last + 1].copy()
    probs[-1] += max(0.0, 1.0 - probs.sum())
    return np.clip(probs, 0.0, 1.0)


def expected_entries(scenario: Scenario, lags: int) -> np.ndarray:
    """Expected top-of-funnel volume for months -lags .. horizon-1 (before month-to-month noise)."""
    v = scenario.volume
    months = np.arange(-lags, scenario.horizon_months)
    season = np.asarray(v.seasonality, dtype=float)
    season = season / season.mean()
    calendar = (start_month_index(scenario.start_month) + months) % 12
    return v.level * (1.0 + v.growth) ** months * season[calendar]


def lag_matrix(lag_probs: np.ndarray, horizon: int) -> np.ndarray:
    """(lags + horizon) x horizon matrix: entry month j (offset by lags) -> close month m."""
    lags = len(lag_probs) - 1
    matrix = np.zeros((lags + horizon, horizon))
    for m in range(horizon):
        for k, p in enumerate(lag_probs):
            j = m - k + lags
            if 0 <= j < lags + horizon:
                matrix[j, m] = p
    return matrix


def sample_uniforms(rng: np.random.Generator, trials: int, dims: int, sampling: str) -> np.ndarray:
    """(trials, dims) uniforms in (0, 1): Latin hypercube (one draw per stratum per input) or plain."""
    if dims == 0:
        return np.empty((trials, 0))
    if sampling == "plain":
        return rng.random((trials, dims))
    strata = np.column_stack([rng.permutation(trials) for _ in range(dims)])
    return (strata + rng.random((trials, dims))) / trials


def draw_rates(scenario: Scenario, uniforms: np.ndarray) -> np.ndarray:
    """(trials, stages-1) conversion rates from uniforms."""
    cols = [rate.ppf(np.clip(uniforms[:, k], 1e-12, 1 - 1e-12)) for k, rate in enumerate(scenario.conversions)]
    return np.column_stack(cols) if cols else np.ones((len(uniforms), 0))


def revenue_for_deals(won: np.ndarray, normals: np.ndarray, median: float, p90: float) -> np.ndarray:
    """Total value of `won` lognormal deals per cell (Fenton-Wilkinson: exact mean and variance).

    The sum of N deals is drawn as exp(mu_N + sigma_N z) with sigma_N^2 = log(1 + (e^{s^2} - 1) / N)
    and mu_N = log(N E[X]) - sigma_N^2 / 2; both depend on N only, so they come from a small table.
    """
    mu, sigma = lognormal_params(median, p90)
    if sigma == 0.0:
        return np.asarray(won, dtype=float) * median
    counts = np.asarray(won)
    if counts.dtype.kind in "iu" and counts.size and counts.min() >= 0 and counts.max() < 1_000_000:
        n = np.arange(int(counts.max()) + 1, dtype=float)
        sigma2 = np.log1p(np.expm1(sigma**2) / np.maximum(n, 1.0))
        mu_table = np.log(np.maximum(n, 1.0)) + mu + sigma**2 / 2 - sigma2 / 2
        sd_table = np.sqrt(sigma2)
        return np.where(counts > 0, np.exp(mu_table[counts] + sd_table[counts] * normals), 0.0)
    won_f = counts.astype(float)
    safe_n = np.maximum(won_f, 1.0)
    sigma2_sum = np.log1p(np.expm1(sigma**2) / safe_n)
    mu_sum = np.log(safe_n) + mu + sigma**2 / 2 - sigma2_sum / 2
    return np.where(won_f > 0, np.exp(mu_sum + np.sqrt(sigma2_sum) * normals), 0.0)


@dataclass(frozen=True)
class SimulationResult:
    """Raw trial arrays for one scenario run; summarise with simulate.funnel.summary before charting."""

    scenario: Scenario
    trials: int
    seed: int
    months: list[str]
    won: np.ndarray  # (trials, months) won deals by close month
    revenue: np.ndarray  # (trials, months) revenue by close month
    won_mean: np.ndarray  # (trials, months) Poisson mean of won deals given the trial's draws
    rates: np.ndarray  # (trials, stages-1) conversion rates drawn per trial
    volume_factor: np.ndarray  # (trials,) the trial's average volume multiplier (noise or path) vs plan
    stage_volumes: np.ndarray  # (stage_trials, months, stages) entries per stage by month of entry
    expected_won: np.ndarray = field(repr=False)  # (months,) exact mean of won deals by close month

    def period_slice(self) -> slice:
        start, stop = self.scenario.target_months()
        return slice(start, stop)

    def period_won(self) -> np.ndarray:
        return self.won[:, self.period_slice()].sum(axis=1)

    def period_revenue(self) -> np.ndarray:
        return self.revenue[:, self.period_slice()].sum(axis=1)

    def period_metric(self) -> np.ndarray:
        """Per-trial total of the target's metric over the target period."""
        return self.period_revenue() if self.scenario.target.metric == "revenue" else self.period_won().astype(float)


def run(
    scenario: Scenario,
    trials: int | None = None,
    seed: int | None = None,
    *,
    stage_trials: int = 1_000,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Simulate `trials` futures of the scenario. Same scenario, trials and seed -> identical arrays."""
    trials = int(trials if trials is not None else scenario.trials)
    seed = int(seed if seed is not None else scenario.seed)
    if trials < 1:
        raise ValueError("trials must be at least 1")
    horizon = scenario.horizon_months
    lag_probs = close_lag_probabilities(scenario.cycle.median_days, scenario.cycle.p90_days)
    lags = len(lag_probs) - 1
    matrix = lag_matrix(lag_probs, horizon)
    base = expected_entries(scenario, lags)
    paths = None
    if scenario.volume.forecast_paths is not None:
        paths = np.asarray(scenario.volume.forecast_paths, dtype=float)[:horizon]
        # before the forecast starts the funnel holds cohorts at the forecast's first-month average
        base = np.concatenate([np.full(lags, paths[0].mean()), paths.mean(axis=1)])

    root = np.random.SeedSequence(seed)
    sampling_seq, *chunk_seqs = root.spawn(1 + -(-trials // CHUNK_TRIALS))
    uniforms = sample_uniforms(np.random.default_rng(sampling_seq), trials, len(scenario.stages) - 1, scenario.sampling)
    rates = draw_rates(scenario, uniforms)
    p_won = rates.prod(axis=1)

    won = np.empty((trials, horizon), dtype=np.int32)
    revenue = np.empty((trials, horizon))
    won_mean = np.empty((trials, horizon))
    volume_factor = np.empty(trials)
    stage_volumes = np.zeros((0, horizon, len(scenario.stages)), dtype=np.int64)
    od = scenario.volume.overdispersion
    for c, seq in enumerate(chunk_seqs):
        lo, hi = c * CHUNK_TRIALS, min(trials, (c + 1) * CHUNK_TRIALS)
        n = hi - lo
        rng = np.random.default_rng(seq)
        if paths is not None:
            pick = rng.integers(0, paths.shape[1], n)
            entries = np.empty((n, lags + horizon))
            entries[:, :lags] = base[:lags]
            entries[:, lags:] = paths[:, pick].T
        elif od > 0:
            shape = 1.0 / od**2
            entries = base * rng.gamma(shape, 1.0 / shape, (n, lags + horizon))
        else:
            entries = np.broadcast_to(base, (n, lags + horizon)).copy()
        volume_factor[lo:hi] = entries[:, lags:].sum(axis=1) / max(base[lags:].sum(), 1e-300)
        mean_won = (entries * p_won[lo:hi, None]) @ matrix
        won_mean[lo:hi] = mean_won
        won[lo:hi] = rng.poisson(mean_won)
        revenue[lo:hi] = revenue_for_deals(
            won[lo:hi], rng.standard_normal((n, horizon)), scenario.deal_size.median, scenario.deal_size.p90
        )
        if c == 0:
            stage_volumes = _stage_volumes(
                rng, entries[: min(stage_trials, n), lags:], rates[lo : lo + min(stage_trials, n)]
            )
        if progress is not None:
            progress(hi / trials)

    expected_won = (base * _mean_p_won(scenario)) @ matrix
    return SimulationResult(
        scenario=scenario,
        trials=trials,
        seed=seed,
        months=month_labels(scenario.start_month, horizon),
        won=won,
        revenue=revenue,
        won_mean=won_mean,
        rates=rates,
        volume_factor=volume_factor,
        stage_volumes=stage_volumes,
        expected_won=expected_won,
    )


def _mean_p_won(scenario: Scenario) -> float:
    """E[product of independent rates] = product of their means."""
    return float(np.prod([rate.mean() for rate in scenario.conversions]))


def _stage_volumes(rng: np.random.Generator, entries: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """(n, months, stages) entries per stage by entry month.

    A Poisson cohort thinned stage by stage splits into independent Poisson counts of those who
    leave at each stage and those who reach the end; stage k's volume is the sum of those who got
    at least that far. Same joint law as binomial thinning, but Poisson draws are much cheaper.
    """
    n, months = entries.shape
    stages = rates.shape[1] + 1
    reach = np.cumprod(np.concatenate([np.ones((n, 1)), rates], axis=1), axis=1)  # P(reach stage k)
    leave = reach.copy()
    leave[:, :-1] -= reach[:, 1:]  # P(reach k but not k+1); last stage keeps P(reach it)
    exits = rng.poisson(entries[:, :, None] * leave[:, None, :])
    return np.cumsum(exits[:, :, ::-1], axis=2)[:, :, ::-1].reshape(n, months, stages)
