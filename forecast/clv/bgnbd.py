"""BG/NBD repeat-purchase model (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase they drop out with
probability p ~ Beta(a, b). Time is in the unit of the summary (weeks for CDNOW).
Every expression is evaluated in log space; the Gaussian hypergeometric function is used only after an
Euler transformation that leaves small, stable parameters (see `_expected_repeat`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import betaln, expit, gammaln, hyp2f1

from forecast.clv._fit import maximise_loglik
from forecast.clv.errors import ClvInputError
from forecast.clv.summary import CustomerSummary

MIN_CUSTOMERS = 10


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (np.isfinite(value) and value > 0):
                raise ClvInputError(f"BG/NBD parameter {name!r} must be a finite number > 0 (got {value})")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BGNBDParams:
        return cls(**{k: float(data[k]) for k in ("r", "alpha", "a", "b")})


def loglik_terms(params: BGNBDParams, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood ln L(r, alpha, a, b | x, t_x, T) (Fader, Hardie & Lee 2005, eq. 6)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    log_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    log_a2 = betaln(a, b + x) - betaln(a, b)
    log_alive_all_along = -(r + x) * np.log(alpha + T)
    has_repeat = x > 0
    safe_x = np.where(has_repeat, x, 1.0)
    log_dropped = np.where(
        has_repeat,
        np.log(a) - np.log(b + safe_x - 1.0) - (r + safe_x) * np.log(alpha + t_x),
        -np.inf,
    )
    return log_a1 + log_a2 + np.logaddexp(log_alive_all_along, log_dropped)


def loglik(params: BGNBDParams, summary: CustomerSummary) -> float:
    """Total log-likelihood of the summary (weights count identical histories)."""
    return float(np.sum(summary.weights * loglik_terms(params, summary.x, summary.t_x, summary.T)))


def p_alive(params: BGNBDParams, x, t_x, T) -> np.ndarray:
    """P(customer still alive at T | x, t_x, T); 1 for customers with no repeat purchase (BG/NBD convention)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    safe_x = np.where(x > 0, x, 1.0)
    log_odds_dead = np.log(a) - np.log(b + safe_x - 1.0) + (r + safe_x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(x > 0, expit(-log_odds_dead), 1.0)


def expected_purchases(params: BGNBDParams, t, x=0.0, t_x=0.0, T=0.0) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] (eq. 10). With x = t_x = T = 0: E[X(t)] for a new customer.

    Broadcasts over all arguments. The point a = 1 is a removable singularity: evaluated as the mean of a = 1 +- h.
    """
    return _removable(params, t, x, t_x, T)


_STEP = 1e-5


def _removable(params: BGNBDParams, t, x, t_x, T) -> np.ndarray:
    """Both a = 1 (the 1/(a-1) factor) and a + b = 1 with x = 0 (2F1 with c = 0, times c) are removable
    singularities of eq. 10; there the value is the mean of the two sides, a (or b) +- 2e-5."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    if abs(a - 1.0) < _STEP:
        lo = _removable(BGNBDParams(r, alpha, 1.0 - 2 * _STEP, b), t, x, t_x, T)
        hi = _removable(BGNBDParams(r, alpha, 1.0 + 2 * _STEP, b), t, x, t_x, T)
        return 0.5 * (lo + hi)
    value = _expected_repeat(r, alpha, a, b, t, x, t_x, T)
    if abs(a + b - 1.0) < _STEP:
        b_lo, b_hi = max(1.0 - a - 2 * _STEP, b / 2), 1.0 - a + 2 * _STEP
        side = 0.5 * (
            _expected_repeat(r, alpha, a, b_lo, t, x, t_x, T) + _expected_repeat(r, alpha, a, b_hi, t, x, t_x, T)
        )
        value = np.where(np.asarray(x) == 0, side, value)
    return value


def _expected_repeat(r, alpha, a, b, t, x, t_x, T) -> np.ndarray:
    t, x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, x, t_x, T)))
    z = t / (alpha + T + t)
    log_one_minus_z = np.log(alpha + T) - np.log(alpha + T + t)
    # Euler: ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),
    # whose parameters stay small however large x is.
    hyp = hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    positive = hyp > 0
    log_term = (a - 1.0) * log_one_minus_z + np.log(np.where(positive, hyp, 1.0))
    bracket = np.where(positive, -np.expm1(log_term), 1.0 - np.exp((a - 1.0) * log_one_minus_z) * hyp)
    with np.errstate(invalid="ignore"):  # c = 0 gives 0 * inf here; `_removable` replaces those entries
        numerator = (a + b + x - 1.0) / (a - 1.0) * bracket
    return numerator * p_alive(BGNBDParams(r, alpha, a, b), x, t_x, T)


@dataclass(frozen=True)
class BGNBDFit:
    """A fitted BG/NBD: parameters, maximised log-likelihood and the number of customers."""

    params: BGNBDParams
    loglik: float
    n_customers: int

    def expected_purchases(self, t, x=0.0, t_x=0.0, T=0.0) -> np.ndarray:
        return expected_purchases(self.params, t, x, t_x, T)

    def p_alive(self, x, t_x, T) -> np.ndarray:
        return p_alive(self.params, x, t_x, T)

    def to_dict(self) -> dict:
        return {**self.params.to_dict(), "loglik": self.loglik, "n_customers": self.n_customers}


def fit_bgnbd(summary: CustomerSummary) -> BGNBDFit:
    """Maximum-likelihood BG/NBD on log-parameters. Raises ClvInputError when the data cannot identify it."""
    _require_population(summary, "BG/NBD")
    data = summary.compressed()
    mean_rate = float(np.sum(data.weights * data.x) / np.sum(data.weights * data.T))
    start = np.array([0.5, max(0.5 / max(mean_rate, 1e-6), 1e-3), 1.0, 2.0])
    params, ll = maximise_loglik(lambda p: loglik(BGNBDParams(*p), data), start, "BG/NBD")
    return BGNBDFit(BGNBDParams(*map(float, params)), ll, summary.n_customers)


def _require_population(summary: CustomerSummary, model: str) -> None:
    if summary.n_customers < MIN_CUSTOMERS:
        raise ClvInputError(
            f"{model} describes a population of customers: it needs at least {MIN_CUSTOMERS} customers "
            f"(got {summary.n_customers})"
        )
    if summary.n_repeat_buyers == 0:
        raise ClvInputError(
            f"{model}: no customer made a repeat purchase in the calibration period, so purchase rates and "
            "drop-out cannot be estimated; lengthen the calibration period"
        )
