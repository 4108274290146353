"""Monte Carlo engine for the funnel: trials x months, vectorised, with an explicit seed.

Model (per trial; docs/funnel.md states it in full):
- each uncertain input is drawn once per trial (Latin hypercube or plain sampling): the conversion
  rates, and, when they are given as 90% ranges, the median deal size and the median sales cycle;
- the month's expected top-of-funnel volume is level x growth x seasonality, times a gamma
  multiplier with mean 1 and coefficient of variation `overdispersion` (so the count is
  negative-binomial), or one forecast sample path when the scenario carries them;
- a deal enters on a uniform moment of its calendar month (real month lengths, leap years) and closes
  `cycle` days later (lognormal with the trial's median and the scenario's P90/median ratio); it counts
  in the calendar month where that lands. Given the trial's draws, a Poisson cohort thinned by the
  rates and split by close month gives independent Poisson counts per close month: won deals in close
  month m are Poisson with mean sum_j volume_j x p_won x P(close in m | entered in j), one matrix
  product with the calendar close matrix (calendar_close_matrix);
- counts are drawn by inversion from uniforms (deals.poisson_counts) and revenue of N deals is the sum
  of N lognormal deal sizes, read exactly from a seeded pool of deals (deals.DealPool): per-deal sums
  for every N, with common random numbers down to the deal between scenarios;
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

from simulate.funnel.deals import DealPool, deal_pool, poisson_counts, pool_offsets
from simulate.scenario import MAX_TRIALS, Scenario, ScenarioError, month_labels, start_month_index

DAYS_PER_MONTH = 365.25 / 12.0  # only for the month-average helper close_lag_probabilities; the engine uses dates
Z_P90 = float(stats.norm.ppf(0.90))
CHUNK_TRIALS = 25_000  # fixed, so results never depend on machine or call site
MAX_LAG_MONTHS = 120
LAG_TAIL = 1e-4  # tail mass beyond this is folded into the last lag (close_lag_probabilities)
CYCLE_TAIL = 1e-7  # the engine follows cohorts back until a longer cycle has at most this chance
Z90 = float(stats.norm.ppf(0.95))
RANGE_Z = 4.8  # a median's draws are kept within +/-4.8 sd (probability 1.6e-6 beyond)
RANGE_GRID = 97  # close matrices on a grid of cycle medians, interpolated linearly in between


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


def month_boundaries(start_month: str, first: int, count: int) -> np.ndarray:
    """Day numbers of the first day of months first .. first + count (count + 1 values) from "YYYY-MM"."""
    origin = np.datetime64(start_month, "M")
    months = origin + np.arange(first, first + count + 1)
    return months.astype("datetime64[D]").astype(np.int64).astype(float)


def calendar_close_matrix(start_month: str, horizon: int, lags: int, median_days: float, p90_days: float) -> np.ndarray:
    """(lags + horizon) x horizon: P(a deal entering in calendar month j closes in calendar month m).

    Month j runs from day S_j for L_j days (real lengths, leap years); the deal enters at a uniform
    moment of it and closes X days later, X lognormal. P(close before day b) = (1 / L_j) x
    integral_0^{L_j} F(b - S_j - t) dt = (G(b - S_j) - G(b - S_j - L_j)) / L_j with G the integral of
    the lognormal CDF (closed form). Row j = 0 is the month `lags` months before the start.
    """
    mu, sigma = lognormal_params(median_days, p90_days)
    bounds = month_boundaries(start_month, -lags, lags + horizon)
    entry_start, entry_len = bounds[:-1, None], np.diff(bounds)[:, None]
    close = bounds[None, lags:]  # horizon + 1 boundaries
    below = (
        _partial_expectation_cdf(close - entry_start, mu, sigma)
        - _partial_expectation_cdf(close - entry_start - entry_len, mu, sigma)
    ) / entry_len
    return np.clip(np.diff(below, axis=1), 0.0, 1.0)


def cohort_lags(median_days: float, p90_days: float) -> int:
    """Months of cohorts before the horizon that can still close in it (tail chance <= CYCLE_TAIL), <= 120."""
    mu, sigma = lognormal_params(median_days, p90_days)
    longest = float(np.exp(mu + sigma * stats.norm.isf(CYCLE_TAIL)))
    return int(min(MAX_LAG_MONTHS, np.ceil(longest / 28.0) + 1))


def median_range_params(low: float, high: float) -> tuple[float, float]:
    """(mu, sd) of log(median) when its 90% range is low..high (lognormal, 5th/95th percentiles)."""
    a, b = np.log(low), np.log(high)
    return float((a + b) / 2), float((b - a) / (2 * Z90))


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
    # per-deal luck, so other domains can split a cell's deals (capacity) without drawing new ones:
    deal_offset: np.ndarray | None = field(default=None, repr=False)  # (trials, months) window start in the pool
    deal_median: np.ndarray | None = field(default=None, repr=False)  # (trials,) the trial's median deal size
    cycle_median: np.ndarray | None = field(default=None, repr=False)  # (trials,) the trial's median cycle (days)
    pool: DealPool | None = field(default=None, repr=False, compare=False)

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

    def deal_revenue(self, month: int, start: np.ndarray, stop: np.ndarray, trials: slice | np.ndarray = slice(None)):
        """Revenue of deals start..stop-1 (0-based, in the cell's order) of each trial's cell in `month`.

        The cell's deals are a fixed sequence; its revenue is deal_revenue(m, 0, won[:, m]). Splitting a
        cell's deals into consecutive pieces (capacity: rep by rep) splits its revenue exactly.
        """
        if self.pool is None or self.deal_offset is None:
            raise ValueError("this result carries no per-deal draws")
        return self.deal_median[trials] * self.pool.window_sum(self.deal_offset[trials, month], start, stop)


def check_trials(trials: int) -> int:
    """The engine keeps every trial's months in memory: refuse more than MAX_TRIALS with a clear message."""
    if trials < 1:
        raise ValueError("trials must be at least 1")
    if trials > MAX_TRIALS:
        raise ScenarioError(
            "trials",
            f"Trials must be at most {MAX_TRIALS:,} (got {trials:,}): every trial is held in memory, "
            f"and {MAX_TRIALS:,} trials already give Monte Carlo errors well below the input uncertainty",
        )
    return trials


def _trial_medians(scenario: Scenario, uniforms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-trial median deal size and median cycle (days): the scenario's values, or draws from their ranges."""
    out = []
    for k, (value, section) in enumerate(
        ((scenario.deal_size.median, scenario.deal_size), (scenario.cycle.median_days, scenario.cycle))
    ):
        if section.median_low is None:
            out.append(np.full(len(uniforms), float(value)))
            continue
        mu, sd = median_range_params(section.median_low, section.median_high)
        z = np.clip(special.ndtri(np.clip(uniforms[:, k], 1e-12, 1 - 1e-12)), -RANGE_Z, RANGE_Z)
        out.append(np.exp(mu + sd * z))
    return out[0], out[1]


class _CloseMatrices:
    """The calendar close matrix for a trial's cycle median: one matrix, or a grid interpolated in log-median."""

    def __init__(self, scenario: Scenario):
        c = scenario.cycle
        self.ratio = c.p90_days / c.median_days
        h, start = scenario.horizon_months, scenario.start_month
        if c.median_low is None:
            self.lags = cohort_lags(c.median_days, c.p90_days)
            self.grid = None
            self.matrices = [calendar_close_matrix(start, h, self.lags, c.median_days, c.p90_days)]
            return
        mu, sd = median_range_params(c.median_low, c.median_high)
        self.mu, self.sd = mu, sd
        self.grid = np.linspace(-RANGE_Z, RANGE_Z, RANGE_GRID)
        top = float(np.exp(mu + sd * RANGE_Z))
        self.lags = cohort_lags(top, top * self.ratio)
        medians = np.exp(mu + sd * self.grid)
        self.matrices = [calendar_close_matrix(start, h, self.lags, m, m * self.ratio) for m in medians]

    def expected(self, weighted_entries: np.ndarray, cycle_median: np.ndarray) -> np.ndarray:
        """(n, horizon) expected won deals by close month for entries already multiplied by p_won."""
        if self.grid is None:
            return weighted_entries @ self.matrices[0]
        z = (np.log(cycle_median) - self.mu) / self.sd
        pos = np.clip((z - self.grid[0]) / (self.grid[1] - self.grid[0]), 0.0, len(self.grid) - 1.0)
        low = np.minimum(pos.astype(int), len(self.grid) - 2)
        w = pos - low
        out = np.empty((len(weighted_entries), self.matrices[0].shape[1]))
        for b in np.unique(low):
            rows = np.nonzero(low == b)[0]
            e = weighted_entries[rows]
            out[rows] = (1 - w[rows, None]) * (e @ self.matrices[b]) + w[rows, None] * (e @ self.matrices[b + 1])
        return out

    def mean_matrix(self) -> np.ndarray:
        """E[close matrix] over the cycle-median distribution (for the exact expected won deals)."""
        if self.grid is None:
            return self.matrices[0]
        nodes, weights = np.polynomial.hermite_e.hermegauss(40)
        weights = weights / weights.sum()
        out = np.zeros_like(self.matrices[0])
        for z, wt in zip(np.clip(nodes, -RANGE_Z, RANGE_Z), weights, strict=True):
            out += wt * self.expected_matrix_at(float(z))
        return out

    def expected_matrix_at(self, z: float) -> np.ndarray:
        pos = min(max((z - self.grid[0]) / (self.grid[1] - self.grid[0]), 0.0), len(self.grid) - 1.0)
        b = min(int(pos), len(self.grid) - 2)
        w = pos - b
        return (1 - w) * self.matrices[b] + w * self.matrices[b + 1]


def run(
    scenario: Scenario,
    trials: int | None = None,
    seed: int | None = None,
    *,
    stage_trials: int = 1_000,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Simulate `trials` futures of the scenario. Same scenario, trials and seed -> identical arrays.

    Random streams (all from `seed`; the same for every scenario, so scenarios share their luck): the
    Latin hypercube of the conversion rates, that of the medians' ranges, and per chunk of trials
    independent streams for volume noise, count uniforms, pool offsets and stage volumes.
    """
    trials = check_trials(int(trials if trials is not None else scenario.trials))
    seed = int(seed if seed is not None else scenario.seed)
    horizon = scenario.horizon_months
    close = _CloseMatrices(scenario)
    lags = close.lags
    base = expected_entries(scenario, lags)
    paths = None
    if scenario.volume.forecast_paths is not None:
        paths = np.asarray(scenario.volume.forecast_paths, dtype=float)[:horizon]
        # before the forecast starts the funnel holds cohorts at the forecast's first-month average
        base = np.concatenate([np.full(lags, paths[0].mean()), paths.mean(axis=1)])

    root = np.random.SeedSequence(seed)
    sampling_seq, range_seq, *chunk_seqs = root.spawn(2 + -(-trials // CHUNK_TRIALS))
    uniforms = sample_uniforms(np.random.default_rng(sampling_seq), trials, len(scenario.stages) - 1, scenario.sampling)
    rates = draw_rates(scenario, uniforms)
    p_won = rates.prod(axis=1)
    range_uniforms = sample_uniforms(np.random.default_rng(range_seq), trials, 2, scenario.sampling)
    deal_median, cycle_median = _trial_medians(scenario, range_uniforms)
    _, size_sigma = lognormal_params(scenario.deal_size.median, scenario.deal_size.p90)
    pool = deal_pool(seed, size_sigma)

    won = np.empty((trials, horizon), dtype=np.int32)
    revenue = np.empty((trials, horizon))
    won_mean = np.empty((trials, horizon))
    offsets = np.empty((trials, horizon), dtype=np.int32)
    volume_factor = np.empty(trials)
    stage_volumes = np.zeros((0, horizon, len(scenario.stages)), dtype=np.int64)
    od = scenario.volume.overdispersion
    for c, seq in enumerate(chunk_seqs):
        lo, hi = c * CHUNK_TRIALS, min(trials, (c + 1) * CHUNK_TRIALS)
        n = hi - lo
        noise_seq, count_seq, offset_seq, stage_seq = seq.spawn(4)
        rng = np.random.default_rng(noise_seq)
        if paths is not None:
            pick = rng.integers(0, paths.shape[1], n)
            entries = np.empty((n, lags + horizon))
            entries[:, :lags] = base[:lags]
            entries[:, lags:] = paths[:, pick].T
        elif od > 0:
            shape = 1.0 / od**2
            entries = np.empty((n, lags + horizon))
            # horizon months first, so scenarios with different cycles still share the horizon's noise
            entries[:, lags:] = base[lags:] * rng.gamma(shape, 1.0 / shape, (n, horizon))
            entries[:, :lags] = base[:lags] * rng.gamma(shape, 1.0 / shape, (n, lags))
        else:
            entries = np.broadcast_to(base, (n, lags + horizon)).copy()
        volume_factor[lo:hi] = entries[:, lags:].sum(axis=1) / max(base[lags:].sum(), 1e-300)
        mean_won = close.expected(entries * p_won[lo:hi, None], cycle_median[lo:hi])
        won_mean[lo:hi] = mean_won
        count_rng = np.random.default_rng(count_seq)
        u, v = count_rng.random((n, horizon)), count_rng.random((n, horizon))
        won[lo:hi] = poisson_counts(u, v, mean_won)
        offsets[lo:hi] = pool_offsets(np.random.default_rng(offset_seq), (n, horizon), pool.size)
        revenue[lo:hi] = deal_median[lo:hi, None] * pool.sums(offsets[lo:hi], won[lo:hi])
        if c == 0 and stage_trials > 0:
            k = min(stage_trials, n)
            stage_volumes = _stage_volumes(np.random.default_rng(stage_seq), entries[:k, lags:], rates[lo : lo + k])
        if progress is not None:
            progress(hi / trials)

    expected_won = (base * _mean_p_won(scenario)) @ close.mean_matrix()
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
        deal_offset=offsets,
        deal_median=deal_median,
        cycle_median=cycle_median,
        pool=pool,
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
