"""Pareto/NBD repeat-purchase model (Schmittlein, Morrison & Colombo 1987), fitted by maximum likelihood.

While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and lives an exponential lifetime with
rate mu ~ Gamma(s, beta). Likelihood as in Fader & Hardie (2005) "A note on deriving the Pareto/NBD model".

Numerics: the likelihood needs A0 = F(t_x) - F(T), with F(t) = 2F1(r+s+x, s+1; r+s+x+1; z(t)) / (alpha+t)^(r+s+x)
(alpha >= beta). Euler's transformation turns the hypergeometric term into 2F1(1, r+x; r+s+x+1; z): a series of
positive, decreasing terms that scipy evaluates without the NaNs the raw form gives; F and A0 are kept in logs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import expit, gammaln, hyp2f1

from forecast.clv._fit import maximise_loglik
from forecast.clv.bgnbd import _require_population
from forecast.clv.errors import ClvInputError
from forecast.clv.summary import CustomerSummary


@dataclass(frozen=True)
class ParetoNBDParams:
    r: float
    alpha: float
    s: float
    beta: float

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (np.isfinite(value) and value > 0):
                raise ClvInputError(f"Pareto/NBD parameter {name!r} must be a finite number > 0 (got {value})")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ParetoNBDParams:
        return cls(**{k: float(data[k]) for k in ("r", "alpha", "s", "beta")})


def _log_f(params: ParetoNBDParams, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """log F(t), where A0 = F(t_x) - F(T) and F(t) = (r+s+x) * integral_t^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du."""
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        log_hyp = np.log(hyp2f1(1.0, r + x, r + s + x + 1.0, z))
        return -s * np.log(beta + t) - (r + x) * np.log(alpha + t) + log_hyp
    z = (beta - alpha) / (beta + t)
    log_hyp = np.log(hyp2f1(1.0, s + 1.0, r + s + x + 1.0, z))
    return (1.0 - r - x) * np.log(alpha + t) - (1.0 + s) * np.log(beta + t) + log_hyp


def _log_dies_after_last(params: ParetoNBDParams, x, t_x, T) -> np.ndarray:
    """log of (s / (r+s+x)) * A0: the customer died somewhere in (t_x, T]. -inf when t_x == T."""
    log_f_tx = _log_f(params, x, t_x)
    log_f_T = _log_f(params, x, T)
    gap = np.minimum(log_f_T - log_f_tx, 0.0)
    with np.errstate(divide="ignore"):
        log_a0 = log_f_tx + np.log(-np.expm1(gap))
    return np.log(params.s) - np.log(params.r + params.s + x) + log_a0


def _log_alive_at_T(params: ParetoNBDParams, x, T) -> np.ndarray:
    return -(params.r + x) * np.log(params.alpha + T) - params.s * np.log(params.beta + T)


def loglik_terms(params: ParetoNBDParams, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood ln L(r, alpha, s, beta | x, t_x, T)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    log_front = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return log_front + np.logaddexp(_log_alive_at_T(params, x, T), _log_dies_after_last(params, x, t_x, T))


def loglik(params: ParetoNBDParams, summary: CustomerSummary) -> float:
    return float(np.sum(summary.weights * loglik_terms(params, summary.x, summary.t_x, summary.T)))


def p_alive(params: ParetoNBDParams, x, t_x, T) -> np.ndarray:
    """P(alive at T | x, t_x, T) = 1 / (1 + (s/(r+s+x)) (alpha+T)^(r+x) (beta+T)^s A0)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    log_odds_dead = _log_dies_after_last(params, x, t_x, T) - _log_alive_at_T(params, x, T)
    return expit(-log_odds_dead)


def expected_purchases(params: ParetoNBDParams, t, x=0.0, t_x=0.0, T=0.0) -> np.ndarray:
    """E[purchases in (T, T+t] | x, t_x, T] = (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive).

    At s = 1 the bracket / (s - 1) tends to ln((beta+T+t)/(beta+T)); expm1 keeps it exact near s = 1.
    With x = t_x = T = 0 this is E[X(t)] for a new customer (P(alive) = 1).
    """
    t, x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, x, t_x, T)))
    r, alpha, s, beta = params.r, params.alpha, params.s, params.beta
    log_ratio = np.log(beta + T) - np.log(beta + T + t)
    if abs(s - 1.0) < 1e-12:
        bracket = -log_ratio
    else:
        bracket = -np.expm1((s - 1.0) * log_ratio) / (s - 1.0)
    alive = np.where(T > 0, p_alive(params, x, t_x, np.where(T > 0, T, 1.0)), 1.0)
    return (r + x) * (beta + T) / (alpha + T) * bracket * alive


@dataclass(frozen=True)
class ParetoNBDFit:
    params: ParetoNBDParams
    loglik: float
    n_customers: int

    def expected_purchases(self, t, x=0.0, t_x=0.0, T=0.0) -> np.ndarray:
        return expected_purchases(self.params, t, x, t_x, T)

    def p_alive(self, x, t_x, T) -> np.ndarray:
        return p_alive(self.params, x, t_x, T)

    def to_dict(self) -> dict:
        return {**self.params.to_dict(), "loglik": self.loglik, "n_customers": self.n_customers}


def fit_paretonbd(summary: CustomerSummary) -> ParetoNBDFit:
    """Maximum-likelihood Pareto/NBD on log-parameters."""
    _require_population(summary, "Pareto/NBD")
    data = summary.compressed()
    mean_rate = float(np.sum(data.weights * data.x) / np.sum(data.weights * data.T))
    alpha0 = max(0.5 / max(mean_rate, 1e-6), 1e-3)
    start = np.array([0.5, alpha0, 0.5, alpha0])
    params, ll = maximise_loglik(lambda p: loglik(ParetoNBDParams(*p), data), start, "Pareto/NBD")
    return ParetoNBDFit(ParetoNBDParams(*map(float, params)), ll, summary.n_customers)
