"""Unit economics: spend -> leads -> new customers -> CAC, against customer lifetime value (CLV / LTV).
The inputs are the scenario's `economics` section (simulate.scenario.EconomicsPlan); CLV models come from
forecast.clv.

Where things are:
    model.py    run_economics(...) -> EconomicsResult: CAC (blended, paid, marginal), LTV three ways, LTV:CAC,
                payback, ROI, magic number per trial; the spend frontier, the value-maximising spend and the
                spend for a target (SpendAnswer); channel comparison
    summary.py  what the page, exports and the CLI show: P10/P50/P90 table, verdicts in words
                (build_economics_view -> EconomicsView), the team's commission rate for fully loaded CAC
    fit.py      a channel's saturating response curve fitted from its monthly spend and leads

Public API: the names in __all__.
"""

from simulate.economics.fit import ResponseFit, fit_response_curve
from simulate.economics.model import (
    METRICS,
    CustomerValue,
    EconomicsResult,
    SpendAnswer,
    channel_comparison,
    channel_leads,
    customer_value,
    marginal_cost_per_lead,
    run_economics,
    spend_for_target,
    spend_frontier,
    value_maximising_spend,
)
from simulate.economics.summary import METRIC_INFO, EconomicsView, build_economics_view, team_commission_rate

__all__ = [
    "METRICS",
    "METRIC_INFO",
    "CustomerValue",
    "EconomicsResult",
    "EconomicsView",
    "ResponseFit",
    "SpendAnswer",
    "build_economics_view",
    "channel_comparison",
    "channel_leads",
    "customer_value",
    "fit_response_curve",
    "marginal_cost_per_lead",
    "run_economics",
    "spend_for_target",
    "spend_frontier",
    "team_commission_rate",
    "value_maximising_spend",
]
