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
    inputs.py   the page's inputs as values: channel table <-> Channels, widget values <-> EconomicsPlan
                (widget_values, plan_from_values), fits from a retention table, a spend history or an
                uploaded transaction log (InputFit, TransactionFit)
    display.py  what the page shows, in words: headline figures, channel and figure tables, how it is
                calculated (build_economics_page -> EconomicsPage)

Public API: the names in __all__.
"""

from simulate.economics.display import EconomicsPage, Figure, build_economics_page, display_metrics, economics_page
from simulate.economics.fit import ResponseFit, fit_response_curve
from simulate.economics.inputs import (
    CHANNEL_COLUMNS,
    DEFAULT_HISTORY,
    DEFAULT_RETENTION,
    LTV_METHODS,
    REPEAT_PARAMETERS,
    WIDGET_NAMES,
    InputFit,
    TransactionFit,
    channels_from_table,
    channels_table,
    fit_channel_curve,
    fit_retention_table,
    fit_transaction_log,
    plan_from_values,
    widget_values,
)
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
    "CHANNEL_COLUMNS",
    "DEFAULT_HISTORY",
    "DEFAULT_RETENTION",
    "LTV_METHODS",
    "METRICS",
    "METRIC_INFO",
    "REPEAT_PARAMETERS",
    "WIDGET_NAMES",
    "CustomerValue",
    "EconomicsPage",
    "EconomicsResult",
    "EconomicsView",
    "Figure",
    "InputFit",
    "ResponseFit",
    "SpendAnswer",
    "TransactionFit",
    "build_economics_page",
    "build_economics_view",
    "channel_comparison",
    "channel_leads",
    "channels_from_table",
    "channels_table",
    "customer_value",
    "display_metrics",
    "economics_page",
    "fit_channel_curve",
    "fit_response_curve",
    "fit_retention_table",
    "fit_transaction_log",
    "marginal_cost_per_lead",
    "plan_from_values",
    "run_economics",
    "spend_for_target",
    "spend_frontier",
    "team_commission_rate",
    "value_maximising_spend",
    "widget_values",
]
