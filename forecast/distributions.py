"""Per-horizon predictive distributions and the sample paths drawn from them.

Every model in this package reduces its forecast to one marginal distribution per future month
(normal, normal on the log scale, or an empirical sample from a simulation). Interval ends are
quantiles of those marginals; sample paths join the marginals with a random-walk Gaussian copula,
so that a path that is high in month 3 tends to stay high in month 4 (forecast errors of
integrated models accumulate) while each month's spread matches the interval shown on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Marginals:
    """Predictive distribution for each of h future months.

    kind: "normal" (loc, scale on the data scale), "lognormal" (loc, scale of log(y)),
    or "sample" (draws: array (h, n), one row per month).
    """

    kind: str
    loc: np.ndarray | None = None
    scale: np.ndarray | None = None
    draws: np.ndarray | None = None

    @property
    def horizon(self) -> int:
        return len(self.loc) if self.draws is None else self.draws.shape[0]

    def ppf(self, prob: np.ndarray | float) -> np.ndarray:
        """Quantile(s) per month. prob: scalar, or an array (h, k) of probabilities -> (h, k)."""
        prob = np.asarray(prob, dtype=float)
        scalar = prob.ndim == 0
        p = np.broadcast_to(prob, (self.horizon,)) if scalar else prob
        p2 = p[:, None] if p.ndim == 1 else p
        if self.kind == "normal":
            out = self.loc[:, None] + self.scale[:, None] * stats.norm.ppf(p2)
        elif self.kind == "lognormal":
            out = np.exp(self.loc[:, None] + self.scale[:, None] * stats.norm.ppf(p2))
        elif self.kind == "sample":
            out = np.stack([np.quantile(self.draws[i], p2[i]) for i in range(self.horizon)])
        else:  # pragma: no cover - guarded by constructors
            raise ValueError(f"unknown marginal kind {self.kind!r}")
        return out[:, 0] if p.ndim == 1 else out

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """P(Y <= x) per month; x is an array (h, k)."""
        if self.kind == "normal":
            scale = np.maximum(self.scale, 1e-300)[:, None]
            return stats.norm.cdf((x - self.loc[:, None]) / scale)
        if self.kind == "lognormal":
            scale = np.maximum(self.scale, 1e-300)[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                z = (np.log(np.where(x > 0, x, np.nan)) - self.loc[:, None]) / scale
            return np.where(x > 0, stats.norm.cdf(z), 0.0)
        sorted_draws = np.sort(self.draws, axis=1)
        n = sorted_draws.shape[1]
        return np.stack([np.searchsorted(sorted_draws[i], x[i], side="right") / n for i in range(self.horizon)])

    def is_finite(self) -> bool:
        arrays = [self.draws] if self.kind == "sample" else [self.loc, self.scale]
        return all(np.all(np.isfinite(a)) for a in arrays)


def normal(loc, scale) -> Marginals:
    return Marginals("normal", np.asarray(loc, float), np.maximum(np.asarray(scale, float), 0.0))


def lognormal(loc, scale) -> Marginals:
    return Marginals("lognormal", np.asarray(loc, float), np.maximum(np.asarray(scale, float), 0.0))


def sample(draws) -> Marginals:
    return Marginals("sample", draws=np.asarray(draws, float))


def mixture_ppf(components: list[Marginals], prob: float, iters: int = 60) -> np.ndarray:
    """Quantile per month of an equal-weight mixture of the components (bisection on the mean CDF)."""
    lo = np.min([c.ppf(min(prob, 1e-4)) for c in components], axis=0)
    hi = np.max([c.ppf(max(prob, 1 - 1e-4)) for c in components], axis=0)
    lo, hi = lo - 1e-9 * (1 + np.abs(lo)), hi + 1e-9 * (1 + np.abs(hi))
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        cdf = np.mean([c.cdf(mid[:, None])[:, 0] for c in components], axis=0)
        below = cdf < prob
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def copula_uniforms(h: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Uniforms (h, n_paths) whose normal scores follow a standardised random walk.

    corr(month s, month t) = sqrt(s / t) for s <= t: the correlation of the errors of a random walk.
    """
    steps = rng.standard_normal((h, n_paths))
    walk = np.cumsum(steps, axis=0) / np.sqrt(np.arange(1, h + 1))[:, None]
    return stats.norm.cdf(walk)


def draw_paths(marginals: Marginals, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Sample paths (h, n_paths) whose month-by-month marginals are exactly `marginals`."""
    u = copula_uniforms(marginals.horizon, n_paths, rng)
    return marginals.ppf(u)


def draw_mixture_paths(components: list[Marginals], n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Paths from an equal-weight mixture: each path follows one component chosen at random."""
    h = components[0].horizon
    u = copula_uniforms(h, n_paths, rng)
    which = rng.integers(0, len(components), size=n_paths)
    paths = np.empty((h, n_paths))
    for k, comp in enumerate(components):
        cols = np.flatnonzero(which == k)
        if cols.size:
            paths[:, cols] = comp.ppf(u[:, cols])
    return paths
