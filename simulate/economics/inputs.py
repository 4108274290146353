"""The unit-economics page's inputs as plain values: the channel table <-> Channel values, the page's widget
values <-> EconomicsPlan, and the fits a user runs from a pasted table or an uploaded transaction log.

Widget values are keyed by short names ("arpa_low", "commission_pct", "repeat_r", ...): percentages are in
percent (the plan holds fractions). Fits never raise for bad user data: they return a message saying what
to fix (InputFit), except the transaction-log fit, whose ClvInputError the page shows as an error.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from forecast.clv import ClvInputError, fit_bgnbd, fit_gamma_gamma, fit_sbg
from forecast.clv.transactions import read_cdnow, read_transactions_csv, summarise_transactions
from simulate.economics.fit import fit_response_curve
from simulate.scenario import Channel, EconomicsPlan, RepeatPurchaseModel, ScenarioError

LTV_METHODS = {
    "subscription": "Subscription (retention model)",
    "repeat": "Repeat purchase (BG/NBD + Gamma-Gamma)",
    "simple": "Simple formula (constant churn)",
}
CHANNEL_COLUMNS = ["Channel", "Monthly spend", "Max leads / month", "First cost per lead", "Uncertainty %"]
REPEAT_PARAMETERS = tuple(f.name for f in dataclasses.fields(RepeatPurchaseModel))
# One cohort's active customers at the end of each month (generated from alpha 0.9, beta 18).
DEFAULT_RETENTION = pd.DataFrame(
    {"Month": range(13), "Active": [1000, 952, 909, 870, 834, 802, 771, 744, 718, 694, 671, 650, 631]}
)
DEFAULT_HISTORY = pd.DataFrame(
    {"Spend": [10_000, 20_000, 30_000, 40_000, 50_000, 60_000], "Leads": [160, 300, 410, 500, 580, 640]}
)


def widget_values(plan: EconomicsPlan) -> dict[str, object]:
    """The page's starting widget values for a plan (percentages in percent)."""
    return {
        "organic": plan.organic_leads,
        "lead_stage": plan.lead_stage,
        "headcount": plan.sales_headcount_cost,
        "commission_pct": plan.commission_rate * 100,
        "commission_cost": plan.commission_cost,
        "method": plan.ltv_method,
        "arpa_low": plan.arpa_low,
        "arpa_high": plan.arpa_high,
        "margin_pct": plan.gross_margin * 100,
        "discount_pct": plan.annual_discount_rate * 100,
        "churn_pct": plan.monthly_churn * 100,
        "alpha": plan.sbg_alpha,
        "beta": plan.sbg_beta,
        "horizon_years": plan.ltv_horizon_years,
        "target": plan.target_customers,
        "confidence_pct": round(plan.target_confidence * 100),
        "bar_ratio": plan.ltv_cac_bar,
        "bar_payback": plan.payback_bar_months,
        **{f"repeat_{name}": getattr(plan.repeat, name) for name in REPEAT_PARAMETERS},
    }


WIDGET_NAMES = tuple(widget_values(EconomicsPlan()))


def channels_table(plan: EconomicsPlan) -> pd.DataFrame:
    """The plan's channels as the page's editable table (uncertainty in percent)."""
    return pd.DataFrame(
        [[c.name, c.monthly_spend, c.max_leads, c.initial_cost_per_lead, c.uncertainty * 100] for c in plan.channels],
        columns=CHANNEL_COLUMNS,
    )


def channels_from_table(table: pd.DataFrame) -> tuple[Channel, ...]:
    """Channels from the edited table; ScenarioError names the row with an empty cell."""
    channels = []
    for k, row in enumerate(table.itertuples(index=False)):
        name, spend, max_leads, cpl, unc = row
        if any(pd.isna(v) for v in (spend, max_leads, cpl, unc)) or not isinstance(name, str) or not name.strip():
            raise ScenarioError(f"economics.channels[{k}]", f"channel row {k + 1} has an empty cell")
        channels.append(Channel(name.strip(), float(spend), float(max_leads), float(cpl), float(unc) / 100))
    return tuple(channels)


def plan_from_values(values: Mapping[str, object], channels: pd.DataFrame) -> EconomicsPlan:
    """The EconomicsPlan the page's widgets describe; ScenarioError names the input to fix."""
    return EconomicsPlan(
        channels=channels_from_table(channels),
        organic_leads=values["organic"],
        lead_stage=values["lead_stage"],
        sales_headcount_cost=values["headcount"],
        commission_rate=values["commission_pct"] / 100,
        commission_cost=values["commission_cost"],
        ltv_method=values["method"],
        arpa_low=values["arpa_low"],
        arpa_high=values["arpa_high"],
        gross_margin=values["margin_pct"] / 100,
        monthly_churn=values["churn_pct"] / 100,
        sbg_alpha=values["alpha"],
        sbg_beta=values["beta"],
        annual_discount_rate=values["discount_pct"] / 100,
        repeat=RepeatPurchaseModel(**{name: values[f"repeat_{name}"] for name in REPEAT_PARAMETERS}),
        ltv_horizon_years=values["horizon_years"],
        target_customers=values["target"],
        target_confidence=values["confidence_pct"] / 100,
        ltv_cac_bar=values["bar_ratio"],
        payback_bar_months=values["bar_payback"],
    )


@dataclass(frozen=True)
class InputFit:
    """What a "Fit and use" button changes: widget values by short name (empty when the fit failed) and
    a message for the user."""

    values: dict[str, object] = field(default_factory=dict)
    message: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.values)


def fit_retention_table(table: pd.DataFrame) -> InputFit:
    """Retention alpha and beta (rounded to 4 places) from one cohort's active customers by month."""
    try:
        fit = fit_sbg(pd.to_numeric(table["Active"], errors="coerce").to_numpy(dtype=float))
    except ClvInputError as exc:
        return InputFit(message=f"Retention table: {exc}")
    return InputFit(
        {"alpha": round(fit.params.alpha, 4), "beta": round(fit.params.beta, 4)},
        f"Fitted: alpha {fit.params.alpha:.3f}, beta {fit.params.beta:.3f}; "
        f"average churn in month 1 {fit.params.mean_churn:.1%}",
    )


def fit_channel_curve(history: pd.DataFrame, channel: str, table: pd.DataFrame) -> InputFit:
    """The channel table with `channel`'s max leads and first cost per lead fitted from monthly spend and leads
    (value "channels_base")."""
    try:
        fit = fit_response_curve(pd.to_numeric(history["Spend"]).to_numpy(), pd.to_numeric(history["Leads"]).to_numpy())
    except (ScenarioError, ValueError) as exc:
        return InputFit(message=f"Spend history: {exc}")
    base = table.copy()
    rows = base["Channel"] == channel
    base.loc[rows, "Max leads / month"] = round(fit.max_leads, 1)
    base.loc[rows, "First cost per lead"] = round(fit.initial_cost_per_lead, 2)
    return InputFit({"channels_base": base}, f"{channel}: {fit.note}")


@dataclass(frozen=True)
class TransactionFit:
    """BG/NBD and Gamma-Gamma estimates from an uploaded transaction log, with what the import did."""

    params: dict[str, float]  # r, alpha, a, b (purchases) and p, q, gamma (spend per transaction)
    report: tuple[str, ...]  # rows read, used and excluded, in words
    excluded: pd.DataFrame  # the first 500 rows not used, with the reason


def fit_transaction_log(data: bytes, calibration_end: str) -> TransactionFit:
    """Read a CSV (customer, date, amount) or the CDNOW text format, summarise up to `calibration_end`
    (YYYY-MM-DD) and fit. Raises ClvInputError naming what is wrong with the log."""
    text_head = data[:2000].decode("utf-8", errors="replace").splitlines()[0] if data else ""
    delimited = any(sep in text_head for sep in (",", ";", "\t", "|"))
    raw = read_transactions_csv(data) if delimited else read_cdnow(io.BytesIO(data))
    imported = summarise_transactions(raw, calibration_end)
    summary = imported.customer_summary()
    purchases, spend = fit_bgnbd(summary), fit_gamma_gamma(summary)
    return TransactionFit(
        params={**purchases.params.to_dict(), **spend.params.to_dict()},
        report=tuple(imported.report.lines()),
        excluded=imported.report.excluded.head(500),
    )
