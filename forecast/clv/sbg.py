"""Shifted-beta-geometric (sBG) retention model for subscriptions (Fader & Hardie 2007, "How to project
customer retention").

Each customer renews at the end of every period with their own constant probability 1 - theta,
theta ~ Beta(alpha, beta) across customers:
    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),   S(t) = B(alpha, beta + t) / B(alpha, beta),
    retention r_t = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1)  (rises with tenure: sorting).
Fitted by maximum likelihood from a cohort table of customers still active at the end of each period.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import betaln, hyp2f1

from forecast.clv._fit import maximise_loglik
from forecast.clv.errors import ClvInputError


@dataclass(frozen=True)
class SBGParams:
    alpha: float
    beta: float

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (np.isfinite(value) and value > 0):
                raise ClvInputError(f"sBG parameter {name!r} must be a finite number > 0 (got {value})")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SBGParams:
        return cls(alpha=float(data["alpha"]), beta=float(data["beta"]))

    @property
    def mean_churn(self) -> float:
        """Average churn probability per period across customers at acquisition, alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)


def survival(params: SBGParams, t) -> np.ndarray:
    """S(t): share of an acquired cohort still subscribed after t periods (t = 0, 1, 2, ...)."""
    t = np.asarray(t, dtype=float)
    return np.exp(betaln(params.alpha, params.beta + t) - betaln(params.alpha, params.beta))


def churn_probability(params: SBGParams, t) -> np.ndarray:
    """P(T = t): share of the cohort that cancels at the end of period t (t >= 1)."""
    t = np.asarray(t, dtype=float)
    return np.exp(betaln(params.alpha + 1.0, params.beta + t - 1.0) - betaln(params.alpha, params.beta))


def retention_rate(params: SBGParams, t) -> np.ndarray:
    """r_t = (beta + t - 1) / (alpha + beta + t - 1): share of those active at t-1 still active at t."""
    t = np.asarray(t, dtype=float)
    return (params.beta + t - 1.0) / (params.alpha + params.beta + t - 1.0)


def discounted_expected_lifetime(params: SBGParams, discount_rate: float) -> float:
    """DEL = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1/(1+d)) (Fader & Hardie 2010).

    Periods of paid subscription, counting the first payment at t = 0 undiscounted. Needs d > 0.
    """
    if not discount_rate > 0:
        raise ClvInputError(f"discount rate per period must be > 0 for an infinite-horizon value (got {discount_rate})")
    value = float(hyp2f1(1.0, params.beta, params.alpha + params.beta, 1.0 / (1.0 + discount_rate)))
    return value if np.isfinite(value) else _discounted_survival_series(params, discount_rate, start=0)


def _discounted_survival_series(params: SBGParams, d: float, start: int) -> float:
    """sum_{t>=start} S(t)/S(start) / (1+d)^(t-start), summed until the discount factor is below 1e-17 (fallback for
    parameters where scipy's 2F1 gives NaN, e.g. alpha, beta ~ 1e6)."""
    n_terms = int(np.ceil(17 * np.log(10) / np.log1p(d))) + 1
    t = np.arange(start, start + n_terms, dtype=float)
    log_terms = (
        betaln(params.alpha, params.beta + t) - betaln(params.alpha, params.beta + start) - (t - start) * np.log1p(d)
    )
    return float(np.exp(log_terms).sum())


def discounted_expected_residual_lifetime(params: SBGParams, discount_rate: float, renewals: int) -> float:
    """DERL for a customer who has made `renewals` renewals: remaining discounted periods, next payment at t = 1.

    (beta + n) / (alpha + beta + n) / (1 + d) * 2F1(1, beta + n + 1; alpha + beta + n + 1; 1/(1+d)).
    """
    if not discount_rate > 0:
        raise ClvInputError(f"discount rate per period must be > 0 (got {discount_rate})")
    a, b, n, d = params.alpha, params.beta, float(renewals), discount_rate
    value = float((b + n) / (a + b + n) / (1.0 + d) * hyp2f1(1.0, b + n + 1.0, a + b + n + 1.0, 1.0 / (1.0 + d)))
    if np.isfinite(value):
        return value
    return _discounted_survival_series(params, d, start=int(renewals)) - 1.0


def _as_cohort_table(active) -> np.ndarray:
    table = np.asarray(active, dtype=float)
    if table.ndim == 1:
        table = table[None, :]
    if table.ndim != 2 or table.shape[1] < 2:
        raise ClvInputError(
            "the retention table needs, for each cohort, the customers active at period 0 and at least one later period"
        )
    for i, row in enumerate(table):
        observed = row[~np.isnan(row)]
        label = f"cohort {i + 1}"
        if np.isnan(row[0]) or row[0] <= 0:
            raise ClvInputError(f"{label}: the number acquired (period 0) must be > 0")
        if np.any(np.isnan(row[: len(observed)])):
            raise ClvInputError(f"{label}: gaps inside the row; leave only the not-yet-observed periods empty")
        if np.any(observed < 0) or np.any(np.diff(observed) > 0):
            raise ClvInputError(
                f"{label}: active customers must be >= 0 and never increase from one period to the next "
                f"(got {', '.join(f'{v:g}' for v in observed)})"
            )
    return table


def loglik(params: SBGParams, active) -> float:
    """sum_t (n_{t-1} - n_t) ln P(T = t) + n_last ln S(last): lost customers plus the right-censored survivors."""
    table = _as_cohort_table(active)
    total = 0.0
    for row in table:
        observed = row[~np.isnan(row)]
        periods = np.arange(1, len(observed))
        lost = observed[:-1] - observed[1:]
        log_p = np.log(churn_probability(params, periods))
        total += float(np.sum(lost * log_p) + observed[-1] * np.log(survival(params, len(observed) - 1)))
    return total


@dataclass(frozen=True)
class SBGFit:
    params: SBGParams
    loglik: float
    n_customers: int

    def survival(self, t) -> np.ndarray:
        return survival(self.params, t)

    def retention_rate(self, t) -> np.ndarray:
        return retention_rate(self.params, t)

    def to_dict(self) -> dict:
        return {**self.params.to_dict(), "loglik": self.loglik, "n_customers": self.n_customers}


def fit_sbg(active) -> SBGFit:
    """Fit alpha, beta from active-customer counts per period: one cohort (1-D) or several (2-D, NaN = not yet seen).

    Example (Fader & Hardie 2007, "high end" segment, years 0-7): fit_sbg([1000, 869, 743, 653, 593, 551, 517, 491])
    gives alpha ~ 0.668, beta ~ 3.806.
    """
    table = _as_cohort_table(active)
    total_lost = np.nansum(table[:, 0]) - sum(row[~np.isnan(row)][-1] for row in table)
    if total_lost <= 0:
        raise ClvInputError("no customer cancelled in the retention table, so churn cannot be estimated")
    params, ll = maximise_loglik(lambda p: loglik(SBGParams(*p), table), np.array([1.0, 1.0]), "sBG")
    return SBGFit(SBGParams(*map(float, params)), ll, int(np.nansum(table[:, 0])))
