"""Fit a channel's saturating response curve from its monthly spend and lead history.

leads = max_leads x (1 - exp(-spend / (max_leads x initial_cpl))), fitted by Poisson maximum likelihood on
log-parameters (months with more leads are noisier in absolute terms). With spend that never varied much the
saturation level is not identified: the fit says so instead of inventing one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from simulate.scenario import Channel, ScenarioError


@dataclass(frozen=True)
class ResponseFit:
    max_leads: float
    initial_cost_per_lead: float
    months: int
    saturation_identified: bool
    note: str

    def channel(self, name: str, monthly_spend: float, uncertainty: float = 0.2) -> Channel:
        return Channel(name, monthly_spend, self.max_leads, self.initial_cost_per_lead, uncertainty)


def fit_response_curve(spend, leads) -> ResponseFit:
    """Poisson MLE of (max_leads, initial_cost_per_lead) from monthly spend (currency) and leads (counts)."""
    spend = np.asarray(spend, dtype=float)
    leads = np.asarray(leads, dtype=float)
    if spend.shape != leads.shape or spend.ndim != 1:
        raise ScenarioError("history", "spend and leads need one value each per month")
    if len(spend) < 4:
        raise ScenarioError(
            "history", f"at least 4 months of spend and leads are needed to fit a curve (got {len(spend)})"
        )
    if not (np.all(np.isfinite(spend)) and np.all(np.isfinite(leads))) or np.any(spend < 0) or np.any(leads < 0):
        raise ScenarioError("history", "spend and leads must be numbers >= 0")
    if np.all(spend == 0) or leads.sum() == 0:
        raise ScenarioError("history", "the history needs months with spend and with leads")
    cpl0 = spend.sum() / leads.sum()
    start = np.log([max(leads.max() * 2.0, 1.0), cpl0 / 2.0])

    def negative_loglik(theta: np.ndarray) -> float:
        max_leads, cpl = np.exp(theta)
        mean = max_leads * -np.expm1(-spend / (max_leads * cpl)) + 1e-12
        return float(np.sum(mean - leads * np.log(mean)))

    upper = np.log(leads.max() * 1e4 + 10.0)
    bounds = [(np.log(max(leads.max(), 1.0) * 0.5), upper), (np.log(cpl0 * 1e-3), np.log(cpl0 * 10.0))]
    best = optimize.minimize(negative_loglik, start, method="L-BFGS-B", bounds=bounds)
    max_leads, cpl = (float(v) for v in np.exp(best.x))
    # The ceiling shows only where the curve visibly bends inside the observed spend: the largest month must
    # reach half the scale (leads already 21% below the straight line) and spend must have varied.
    scale = max_leads * cpl
    identified = best.x[0] < upper - np.log(10.0) and spend.max() >= 0.5 * scale and spend.max() >= 1.5 * spend.min()
    if identified:
        note = f"fitted on {len(spend)} months: at most {max_leads:,.0f} leads a month, first leads at {cpl:,.2f} each"
    else:
        note = (
            f"spend never came close to saturating this channel in {len(spend)} months, so the ceiling is not "
            "known: the curve is close to a straight line; set the maximum leads by judgement"
        )
    return ResponseFit(max_leads, cpl, len(spend), bool(identified), note)
