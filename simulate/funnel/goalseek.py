"""Goal-seek: the value of one lever that reaches the target with a chosen confidence.

Volume, deal size and conversion rates all act on a trial's period outcome linearly given the
trial's other draws: won deals in the target period are Poisson with mean mu_i (the trial's rates,
volume noise, timing and cycle median), so scaling volume by s or setting conversion k to x multiplies
mu_i by s or x / rate_ik; deal size scales revenue. Revenue of n deals is the sum of n lognormal deal
sizes (at the trial's median), read from the seed's deal pool (simulate/funnel/deals.py): per-deal sums. We keep each trial's mu_i and fixed uniforms (common random
numbers) and solve P(outcome >= target) = confidence by a quantile of per-trial thresholds. The answer is exact for
the model up to Monte Carlo error, with no re-simulation, so it is fast enough for a slider.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from simulate.funnel.deals import deal_pool, poisson_inverse, pool_offsets
from simulate.funnel.engine import SimulationResult, lognormal_params

MAX_TRIALS = 20_000
LEVERS = ("volume", "deal_size", "conversion")


@dataclass(frozen=True)
class SeekResult:
    lever: str
    stage: int | None  # conversion index for lever "conversion"
    confidence: float
    value: float | None  # the lever's required value (scale for volume/deal_size, rate for conversion)
    current: float  # the lever's value in the scenario (1.0 for scales, the P50 rate for conversions)
    reachable: bool
    message: str


class _Outcome:
    """Per trial, the smallest multiplier on the period's Poisson mean that reaches the target.

    With a fixed uniform u_i, the trial's won count at mean m is the Poisson quantile at u_i, which
    grows with m; it reaches n deals once pdtr(n - 1, m) < u_i, i.e. m > pdtri(n - 1, u_i).
    For revenue, n is the fewest deals whose sum (the trial's own sequence of lognormal deals from the
    pool, at the trial's median deal size) reaches the target. So each trial has a threshold multiplier
    and P(hit | multiplier s) = share of trials whose threshold is at most s: the required s is a
    quantile of the thresholds. No bisection over s.
    """

    def __init__(self, result: SimulationResult, seed: int):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
        n = min(result.trials, MAX_TRIALS)
        s = result.scenario
        self.metric = s.target.metric
        self.target = s.target.value
        self.mu = result.won_mean[:n, result.period_slice()].sum(axis=1)
        self.rates = result.rates[:n]
        self.u = rng.random(n)
        _, sigma = lognormal_params(s.deal_size.median, s.deal_size.p90)
        self.pool = result.pool if result.pool is not None else deal_pool(result.seed, sigma)
        self.offset = pool_offsets(rng, (n,), self.pool.size)
        medians = result.deal_median
        self.median = np.asarray(medians[:n], dtype=float) if medians is not None else np.full(n, s.deal_size.median)

    def revenue_of(self, deals: np.ndarray) -> np.ndarray:
        """Per trial, the total value of its first `deals` deals."""
        return self.median * self.pool.sums(self.offset, deals)

    def deals_needed(self) -> np.ndarray:
        """Per trial, the fewest won deals that reach the target."""
        if self.metric == "won_deals":
            return np.full(len(self.u), max(1.0, float(np.ceil(self.target))))
        lo = np.ones(len(self.u), dtype=np.int64)
        hi = np.ones(len(self.u), dtype=np.int64)
        while True:  # grow the upper bound until every trial's total reaches the target
            short = self.revenue_of(hi) < self.target
            if not short.any() or hi.max() > 1e9:
                break
            hi = np.where(short, hi * 2, hi)
        while np.any(hi > lo):
            mid = (lo + hi) // 2
            ok = self.revenue_of(mid) >= self.target
            hi = np.where(ok, mid, hi)
            lo = np.where(ok, lo, mid + 1)
        return hi.astype(float)

    def thresholds(self) -> np.ndarray:
        """Per trial, the multiplier on mu at which the trial first reaches the target."""
        needed = self.deals_needed()
        return special.pdtri(needed - 1, self.u) / np.maximum(self.mu, 1e-300)


def _quantile(thresholds: np.ndarray, confidence: float) -> float:
    """Smallest s with share(thresholds <= s) >= confidence."""
    ordered = np.sort(thresholds)
    return float(ordered[int(np.ceil(confidence * len(ordered))) - 1])


def seek(result: SimulationResult, lever: str, confidence: float, stage: int | None = None) -> SeekResult:
    """Smallest value of `lever` with P(target period metric >= target) >= confidence."""
    if lever not in LEVERS:
        raise ValueError(f"lever must be one of {LEVERS} (got {lever!r})")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (got {confidence})")
    outcome = _Outcome(result, result.seed)
    if lever == "deal_size":
        if outcome.metric == "won_deals":
            return SeekResult(
                lever, None, confidence, None, 1.0, False, "deal size does not change the number of won deals"
            )
        won = poisson_inverse(outcome.u, outcome.mu)
        revenue = outcome.revenue_of(won)
        scale = np.where(revenue > 0, outcome.target / np.maximum(revenue, 1e-300), np.inf)
        value = _quantile(scale, confidence)
        if not np.isfinite(value):
            return SeekResult(
                lever, None, confidence, None, 1.0, False, "too few deals close for deal size alone to reach it"
            )
        return SeekResult(lever, None, confidence, value, 1.0, True, "")
    thresholds = outcome.thresholds()
    if lever == "volume":
        return SeekResult(lever, None, confidence, _quantile(thresholds, confidence), 1.0, True, "")
    if stage is None or not 0 <= stage < outcome.rates.shape[1]:
        raise ValueError("choose which conversion (0-based stage index) to goal-seek")
    drawn = outcome.rates[:, stage]
    value = _quantile(thresholds * drawn, confidence)
    current = float(np.median(drawn))
    if value > 1.0:
        return SeekResult(
            lever,
            stage,
            confidence,
            None,
            current,
            False,
            "not reachable even at 100% conversion; other levers must move too",
        )
    return SeekResult(lever, stage, confidence, value, current, True, "")


def volume_thresholds(result: SimulationResult) -> np.ndarray:
    """Sorted per-trial multipliers on planned volume at which each trial reaches the target.

    `required_scale(thresholds, c)` then answers "how much volume for a c chance" for any c.
    """
    return np.sort(_Outcome(result, result.seed).thresholds())


def required_scale(thresholds: np.ndarray, confidence: float) -> float:
    """Multiplier on planned volume giving at least `confidence` chance (thresholds sorted)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (got {confidence})")
    return _quantile(thresholds, confidence)


def required_volume(result: SimulationResult, confidence: float) -> SeekResult:
    """Scale on the planned top-of-funnel volume that reaches the target at this confidence."""
    return seek(result, "volume", confidence)
