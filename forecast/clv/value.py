"""Customer lifetime value from the fitted models. Every figure is gross profit (value x margin), discounted.

Conventions
- Repeat purchase (BG/NBD or Pareto/NBD + Gamma-Gamma): CLV = margin x E[spend] x sum_{k=1..H} (E[N(k)] - E[N(k-1)]) / (1+d)^k,
  purchases expected in step k discounted at the end of step k; the first purchase of a new customer is added
  separately (undiscounted, it happens at acquisition).
- Subscription (sBG): CLV = ARPA x margin x DEL, DEL = sum_{t>=0} S(t)/(1+d)^t (first payment at t = 0).
- Simple formula: LTV = ARPA x margin / churn (constant churn, no discounting); with discounting
  ARPA x margin x (1+d) / (d + churn). It overstates a new customer's value when churn is heterogeneous and the
  churn rate is measured on the installed base: survivors are the loyal ones, a new cohort churns faster at first.
- Discount rate per step from an annual rate: (1 + annual)^(1/steps_per_year) - 1.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from forecast.clv.errors import ClvInputError
from forecast.clv.sbg import SBGParams, discounted_expected_lifetime

WEEKS_PER_YEAR = 52.0


class PurchaseModel(Protocol):
    def expected_purchases(self, t, x=0.0, t_x=0.0, T=0.0) -> np.ndarray: ...


def discount_per_step(annual_rate: float, steps_per_year: float) -> float:
    """Compound-equivalent discount rate per step: (1 + annual)^(1/steps_per_year) - 1."""
    if not (0.0 <= annual_rate < 10.0):
        raise ClvInputError(f"annual discount rate must be between 0 and 10 (got {annual_rate})")
    return (1.0 + annual_rate) ** (1.0 / steps_per_year) - 1.0


def discounted_expected_purchases(
    model: PurchaseModel, horizon: float, x=0.0, t_x=0.0, T=0.0, step: float = 1.0, discount: float = 0.0
) -> np.ndarray:
    """sum_k (E[N(k step)] - E[N((k-1) step)]) / (1 + discount)^k over ceil(horizon / step) steps, per customer."""
    if horizon <= 0 or step <= 0:
        raise ClvInputError(f"horizon and step must be > 0 (got {horizon}, {step})")
    n_steps = int(np.ceil(horizon / step - 1e-9))
    ends = np.minimum(np.arange(1, n_steps + 1) * step, horizon)
    x, t_x, T = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x, t_x, T))
    cumulative = model.expected_purchases(ends[None, :], x[:, None], t_x[:, None], T[:, None])
    increments = np.diff(np.concatenate([np.zeros((cumulative.shape[0], 1)), cumulative], axis=1), axis=1)
    factors = (1.0 + discount) ** -np.arange(1, n_steps + 1)
    return increments @ factors


def repeat_purchase_clv(
    purchase_model: PurchaseModel,
    expected_spend,
    horizon: float,
    x=0.0,
    t_x=0.0,
    T=0.0,
    annual_discount: float = 0.10,
    margin: float = 1.0,
    steps_per_year: float = WEEKS_PER_YEAR,
) -> np.ndarray:
    """Discounted gross profit from purchases in the next `horizon` time units (customers' future, not past)."""
    _check_margin(margin)
    d = discount_per_step(annual_discount, steps_per_year)
    purchases = discounted_expected_purchases(purchase_model, horizon, x, t_x, T, 1.0, d)
    return margin * np.asarray(expected_spend, dtype=float) * purchases


def new_customer_clv(
    purchase_model: PurchaseModel,
    mean_spend: float,
    horizon: float,
    annual_discount: float = 0.10,
    margin: float = 1.0,
    steps_per_year: float = WEEKS_PER_YEAR,
    first_purchase_value: float | None = None,
) -> float:
    """CLV of a customer at acquisition: the first purchase plus discounted expected repeat purchases (x = T = 0)."""
    first = mean_spend if first_purchase_value is None else first_purchase_value
    repeat = repeat_purchase_clv(
        purchase_model, mean_spend, horizon, 0.0, 0.0, 0.0, annual_discount, margin, steps_per_year
    )
    return float(margin * first + repeat[0])


def subscription_clv(params: SBGParams, arpa: float, margin: float, discount_per_period: float) -> float:
    """ARPA x margin x DEL(d) for an sBG cohort; ARPA and d per billing period (first payment at acquisition)."""
    _check_margin(margin)
    if arpa < 0:
        raise ClvInputError(f"ARPA must be >= 0 (got {arpa})")
    return float(arpa * margin * discounted_expected_lifetime(params, discount_per_period))


def simple_ltv(arpa: float, margin: float, churn: float, discount_per_period: float = 0.0) -> float:
    """ARPA x margin x (1 + d) / (d + churn): constant churn, first payment at acquisition; d = 0 gives ARPA x margin / churn."""
    _check_margin(margin)
    if not (0.0 < churn <= 1.0):
        raise ClvInputError(f"churn per period must be between 0 (exclusive) and 1 (got {churn})")
    if discount_per_period < 0:
        raise ClvInputError(f"discount rate must be >= 0 (got {discount_per_period})")
    d = discount_per_period
    return float(arpa * margin * (1.0 + d) / (d + churn))


def _check_margin(margin: float) -> None:
    if not (0.0 < margin <= 1.0):
        raise ClvInputError(f"gross margin must be between 0 (exclusive) and 1 (got {margin})")
