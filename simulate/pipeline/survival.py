"""Time to close with open deals censored: Kaplan-Meier and Aalen-Johansen (won vs lost) curves, in days.

A deal created d days ago that is still open is "censored at d": it tells us the deal took longer than d,
not how long. The curves below use that, so a deal open far longer than deals usually take is worth less.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

OPEN, WON, LOST = 0, 1, 2  # outcome codes: censored (still open), closed won, closed lost


@dataclass(frozen=True)
class CloseCurves:
    """Step functions on event times (days since created), right-continuous.

    survival[k]: share still open just after times[k] (Kaplan-Meier, any close counts as the event);
    won[k] / lost[k]: cumulative share closed won / lost by times[k] (Aalen-Johansen), survival + won + lost = 1.
    at_risk[k], closed[k]: deals open just before times[k] and deals closed at times[k].
    """

    times: np.ndarray  # days, strictly increasing
    survival: np.ndarray
    won: np.ndarray
    lost: np.ndarray
    at_risk: np.ndarray
    closed: np.ndarray

    def _step(self, values: np.ndarray, days: np.ndarray | float, start: float) -> np.ndarray:
        idx = np.searchsorted(self.times, np.asarray(days, dtype=float), side="right") - 1
        out = np.where(idx >= 0, values[np.clip(idx, 0, None)] if len(values) else start, start)
        return out

    def survival_at(self, days: np.ndarray | float) -> np.ndarray:
        """Share of deals still open `days` after creation."""
        return self._step(self.survival, days, 1.0)

    def won_by(self, days: np.ndarray | float) -> np.ndarray:
        """Share of deals closed won within `days` of creation."""
        return self._step(self.won, days, 0.0)

    def lost_by(self, days: np.ndarray | float) -> np.ndarray:
        return self._step(self.lost, days, 0.0)

    def won_between(self, age: np.ndarray, start: np.ndarray | float, end: np.ndarray | float) -> np.ndarray:
        """Chance that a deal open at `age` days is won between ages `start` and `end` (days, start >= age)."""
        s = np.maximum(self.survival_at(age), 1e-12)
        p = (self.won_by(end) - self.won_by(start)) / s
        return np.clip(np.where(self.survival_at(age) > 1e-12, p, 0.0), 0.0, 1.0)

    def closed_between(self, age: np.ndarray, start: np.ndarray | float, end: np.ndarray | float) -> np.ndarray:
        """Chance that a deal open at `age` days closes (won or lost) between ages `start` and `end`."""
        s = np.maximum(self.survival_at(age), 1e-12)
        p = (self.survival_at(start) - self.survival_at(end)) / s
        return np.clip(np.where(self.survival_at(age) > 1e-12, p, 0.0), 0.0, 1.0)

    def table(self, points: int = 200) -> pd.DataFrame:
        """Long frame for charts: days, curve ("still open" / "won" / "lost"), share; <= 3 x points rows."""
        end = max(self.max_observed_days, 1.0) * 1.1
        days = np.unique(np.round(np.linspace(0, end, points)))
        parts = [
            pd.DataFrame({"days": days, "curve": name, "share": values})
            for name, values in (
                ("still open", self.survival_at(days)),
                ("won", self.won_by(days)),
                ("lost", self.lost_by(days)),
            )
        ]
        return pd.concat(parts, ignore_index=True)

    @property
    def max_observed_days(self) -> float:
        """Longest time to close seen (days); deals open longer than this are almost never won."""
        return float(self.times[self.closed > 0].max()) if np.any(self.closed > 0) else 0.0


def fit_close_curves(days: np.ndarray, outcome: np.ndarray) -> CloseCurves:
    """Kaplan-Meier survival and Aalen-Johansen cumulative incidence of won and lost.

    days: time from creation to close (closed deals) or to the as-of date (open deals), >= 0.
    outcome: OPEN (censored), WON or LOST per deal. Ties: closes at t happen before censoring at t.
    """
    days = np.asarray(days, dtype=float)
    outcome = np.asarray(outcome, dtype=int)
    if days.shape != outcome.shape:
        raise ValueError("days and outcome must have the same length")
    if np.any(days < 0) or not np.all(np.isfinite(days)):
        raise ValueError("days must be finite and >= 0")
    times = np.unique(days[outcome != OPEN])
    n = len(days)
    if len(times) == 0:
        empty = np.array([], dtype=float)
        return CloseCurves(empty, empty, empty, empty, empty, empty)
    order = np.sort(days)
    at_risk = n - np.searchsorted(order, times, side="left")  # deals with days >= t
    won_at = np.bincount(np.searchsorted(times, days[outcome == WON]), minlength=len(times))
    lost_at = np.bincount(np.searchsorted(times, days[outcome == LOST]), minlength=len(times))
    closed = won_at + lost_at
    hazard = closed / at_risk
    survival = np.cumprod(1.0 - hazard)
    before = np.concatenate([[1.0], survival[:-1]])  # S(t-)
    won = np.cumsum(before * won_at / at_risk)
    lost = np.cumsum(before * lost_at / at_risk)
    return CloseCurves(times, survival, won, lost, at_risk.astype(float), closed.astype(float))
