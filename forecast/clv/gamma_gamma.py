"""Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value").

Each transaction's value z ~ Gamma(p, nu), nu ~ Gamma(q, gamma) across customers; fitted on repeat buyers only
(x > 0) from their number of repeat transactions x and mean repeat spend zbar. Assumes spend is independent of
purchase frequency (check with the correlation reported by `spend_frequency_correlation`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import gammaln

from forecast.clv._fit import maximise_loglik
from forecast.clv.errors import ClvInputError
from forecast.clv.summary import CustomerSummary

MIN_REPEAT_BUYERS = 10


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (np.isfinite(value) and value > 0):
                raise ClvInputError(f"Gamma-Gamma parameter {name!r} must be a finite number > 0 (got {value})")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> GammaGammaParams:
        return cls(**{k: float(data[k]) for k in ("p", "q", "gamma")})

    @property
    def mean_spend(self) -> float:
        """E[Z] for a customer we know nothing about: p gamma / (q - 1); infinite when q <= 1."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1.0 else float("inf")


def loglik_terms(params: GammaGammaParams, x, zbar) -> np.ndarray:
    """Log density of the mean spend zbar over x transactions (eq. 3 of the note, density of zbar itself)."""
    p, q, g = params.p, params.q, params.gamma
    x = np.asarray(x, dtype=float)
    zbar = np.asarray(zbar, dtype=float)
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(g)
        + (px - 1.0) * np.log(zbar)
        + px * np.log(x)
        - (px + q) * np.log(g + x * zbar)
    )


def _repeat_buyers(summary: CustomerSummary) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if summary.zbar is None:
        raise ClvInputError("Gamma-Gamma needs the mean repeat spend per customer (column zbar)")
    buyers = summary.x > 0
    if np.any(summary.zbar[buyers] <= 0):
        n_bad = int(np.sum(summary.zbar[buyers] <= 0))
        raise ClvInputError(
            f"Gamma-Gamma needs a positive mean spend for every repeat buyer; {n_bad} repeat buyers have zbar <= 0"
        )
    return summary.x[buyers], summary.zbar[buyers], summary.weights[buyers]


def loglik(params: GammaGammaParams, summary: CustomerSummary) -> float:
    x, zbar, w = _repeat_buyers(summary)
    return float(np.sum(w * loglik_terms(params, x, zbar)))


def conditional_expected_spend(params: GammaGammaParams, x, zbar) -> np.ndarray:
    """E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1): a weighted mean of the population mean and zbar.

    For x = 0 this is the population mean spend p gamma / (q - 1).
    """
    p, q, g = params.p, params.q, params.gamma
    if q <= 1.0:
        raise ClvInputError(f"Gamma-Gamma q must exceed 1 for a finite expected spend (got {q:.3f})")
    x = np.asarray(x, dtype=float)
    zbar = np.where(x > 0, np.asarray(zbar, dtype=float), 0.0)
    return p * (g + x * zbar) / (p * x + q - 1.0)


@dataclass(frozen=True)
class GammaGammaFit:
    params: GammaGammaParams
    loglik: float
    n_repeat_buyers: int

    def conditional_expected_spend(self, x, zbar) -> np.ndarray:
        return conditional_expected_spend(self.params, x, zbar)

    def to_dict(self) -> dict:
        return {**self.params.to_dict(), "loglik": self.loglik, "n_repeat_buyers": self.n_repeat_buyers}


def fit_gamma_gamma(summary: CustomerSummary) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma on the repeat buyers (x > 0) of the summary."""
    x, zbar, w = _repeat_buyers(summary)
    n_buyers = int(w.sum())
    if n_buyers < MIN_REPEAT_BUYERS:
        raise ClvInputError(
            f"Gamma-Gamma needs at least {MIN_REPEAT_BUYERS} repeat buyers to estimate spend (got {n_buyers})"
        )
    start = np.array([1.0, 2.0, float(np.average(zbar, weights=w))])

    def total(params: np.ndarray) -> float:
        return float(np.sum(w * loglik_terms(GammaGammaParams(*params), x, zbar)))

    params, ll = maximise_loglik(total, start, "Gamma-Gamma")
    return GammaGammaFit(GammaGammaParams(*map(float, params)), ll, n_buyers)


def spend_frequency_correlation(summary: CustomerSummary) -> float:
    """Pearson correlation of x and zbar among repeat buyers; Gamma-Gamma assumes it is near 0."""
    x, zbar, _ = _repeat_buyers(summary)
    if len(x) < 3 or np.std(x) == 0 or np.std(zbar) == 0:
        return float("nan")
    return float(np.corrcoef(x, zbar)[0, 1])
