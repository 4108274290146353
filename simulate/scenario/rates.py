"""Uncertain conversion rates: a point, a 90% range, or history "x of n".

A range (low, high) is read as a 90% interval and modelled as a logit-normal distribution whose
5th and 95th percentiles are exactly low and high. History "won of trials" is the Beta posterior
under a uniform prior: Beta(won + 1, trials - won + 1).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from simulate.scenario.errors import ScenarioError, check_int, check_range

Z90 = float(stats.norm.ppf(0.95))  # 1.6449: half-width of a 90% interval in standard deviations
KINDS = ("point", "range", "history")


@dataclass(frozen=True)
class Rate:
    """A conversion rate (a probability) and how sure we are of it."""

    kind: str = "point"
    value: float | None = None
    low: float | None = None
    high: float | None = None
    won: int | None = None
    trials: int | None = None

    @classmethod
    def point(cls, value: float) -> Rate:
        return cls(kind="point", value=value)

    @classmethod
    def range(cls, low: float, high: float) -> Rate:
        return cls(kind="range", low=low, high=high)

    @classmethod
    def history(cls, won: int, trials: int) -> Rate:
        return cls(kind="history", won=won, trials=trials)

    def validated(self, field: str, label: str) -> Rate:
        """Check the inputs; messages name the field ("Conversion 'MQL -> SQL' ...")."""
        if self.kind not in KINDS:
            raise ScenarioError(f"{field}.kind", f"{label}: kind must be one of {', '.join(KINDS)} (got {self.kind!r})")
        if self.kind == "point":
            if self.value is None:
                raise ScenarioError(f"{field}.value", f"{label}: give a rate between 0 and 1")
            check_range(f"{field}.value", self.value, 0.0, 1.0, label=label)
        elif self.kind == "range":
            if self.low is None or self.high is None:
                raise ScenarioError(field, f"{label}: a range needs both low and high")
            # A 90% interval needs room on both sides, so the ends are strictly inside (0, 1).
            check_range(
                f"{field}.low", self.low, 0.0, 1.0, label=f"{label} (low)", low_inclusive=False, high_inclusive=False
            )
            check_range(
                f"{field}.high", self.high, 0.0, 1.0, label=f"{label} (high)", low_inclusive=False, high_inclusive=False
            )
            if self.low >= self.high:
                raise ScenarioError(
                    field, f"{label}: low must be below high (got low {self.low:g}, high {self.high:g})"
                )
        else:
            if self.won is None or self.trials is None:
                raise ScenarioError(field, f"{label}: history needs 'won' and 'of' counts")
            trials = check_int(f"{field}.trials", self.trials, 1, 10**9, label=f"{label} (of)")
            won = check_int(f"{field}.won", self.won, 0, 10**9, label=f"{label} (won)")
            if won > trials:
                raise ScenarioError(field, f"{label}: won ({won}) cannot exceed of ({trials})")
        return self

    # --- distribution -------------------------------------------------------------------------
    def _logit_params(self) -> tuple[float, float]:
        lo, hi = special.logit(self.low), special.logit(self.high)
        return (lo + hi) / 2.0, (hi - lo) / (2.0 * Z90)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function: maps uniforms in (0, 1) to rates (vectorised)."""
        u = np.asarray(u, dtype=float)
        if self.kind == "point":
            return np.full(u.shape, float(self.value))
        if self.kind == "range":
            mu, sigma = self._logit_params()
            return special.expit(mu + sigma * special.ndtri(u))
        return special.betaincinv(self.won + 1.0, self.trials - self.won + 1.0, u)

    def quantile(self, q: float) -> float:
        return float(self.ppf(np.array([q]))[0])

    @property
    def is_uncertain(self) -> bool:
        return self.kind != "point"

    def mean(self) -> float:
        """Exact mean of the rate distribution (numerical for the logit-normal)."""
        return _rate_mean(self)

    def _mean(self) -> float:
        if self.kind == "point":
            return float(self.value)
        if self.kind == "history":
            return (self.won + 1.0) / (self.trials + 2.0)
        nodes, weights = np.polynomial.hermite_e.hermegauss(64)
        mu, sigma = self._logit_params()
        return float(np.sum(weights * special.expit(mu + sigma * nodes)) / np.sqrt(2 * np.pi))

    def describe(self) -> str:
        """Plain words for tables and reports."""
        if self.kind == "point":
            return f"{self.value:.1%}"
        if self.kind == "range":
            return f"{self.low:.1%} to {self.high:.1%} (90% range)"
        return f"{self.won:,} of {self.trials:,} historically"

    def to_dict(self) -> dict:
        if self.kind == "point":
            return {"kind": "point", "value": self.value}
        if self.kind == "range":
            return {"kind": "range", "low": self.low, "high": self.high}
        return {"kind": "history", "won": self.won, "trials": self.trials}

    @classmethod
    def from_dict(cls, data: object, field: str) -> Rate:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return cls.point(float(data))
        if not isinstance(data, dict):
            raise ScenarioError(field, f"must be a number or an object with 'kind' (got {type(data).__name__})")
        allowed = {"kind", "value", "low", "high", "won", "trials"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ScenarioError(field, f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        return cls(**{key: data[key] for key in data})


@functools.lru_cache(maxsize=1024)
def _rate_mean(rate: Rate) -> float:
    return rate._mean()
