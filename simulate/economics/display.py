"""What the unit-economics page shows, in words and small frames: the headline figures, the channel table,
the P10/P50/P90 figures as text, and how the numbers are calculated (EconomicsPage, build_economics_page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from kpi.wording import count, money
from simulate.economics.summary import EconomicsView, build_economics_view
from simulate.scenario import Scenario

CHANNEL_TABLE_COLUMNS = [
    "channel",
    "spend",
    "leads",
    "customers",
    "cost_per_lead",
    "average_cac",
    "marginal_cac",
    "value_maximising_spend",
    "verdict",
]
FIGURE_COLUMNS = ["label", "unit", "p10", "p50", "p90", "bar", "p_meets_bar"]


class Figure(NamedTuple):
    """One headline number: its label, the value as text and a tooltip."""

    label: str
    value: str
    help: str


@dataclass(frozen=True)
class EconomicsPage:
    """Everything the unit-economics page shows for one scenario."""

    view: EconomicsView  # histograms, frontier, channels, verdicts and warnings
    headline: tuple[Figure, ...]  # LTV:CAC, payback, CAC, LTV, customers per month
    channels: pd.DataFrame  # per channel, in CHANNEL_TABLE_COLUMNS order
    figures: pd.DataFrame  # the metrics as numbers (the CSV download)
    figures_text: pd.DataFrame  # the same, each in its unit, as text
    notes: str  # how these are calculated (markdown)


def headline_figures(view: EconomicsView) -> tuple[Figure, ...]:
    """The P50 of LTV:CAC, payback, CAC, LTV and customers per month, each with its P10-P90 in the tooltip."""
    ratio, payback = view.metric("ltv_cac"), view.metric("payback_months")
    cac, ltv, customers = view.metric("cac_blended"), view.metric("ltv"), view.customers
    return (
        Figure(
            "LTV:CAC", f"{ratio['p50']:.1f}x", f"P50 of the trials; P10-P90 {ratio['p10']:.1f}x - {ratio['p90']:.1f}x"
        ),
        Figure(
            "Payback",
            f"{payback['p50']:.0f} mo",
            f"CAC payback in months, P50; P10-P90 {payback['p10']:.1f} - {payback['p90']:.1f}",
        ),
        Figure(
            "CAC",
            money(cac["p50"]),
            f"Blended, fully loaded CAC, P50; P10-P90 {money(cac['p10'])} - {money(cac['p90'])}",
        ),
        Figure("LTV", money(ltv["p50"]), "Lifetime gross profit per new customer, discounted (P50)"),
        Figure(
            "Customers / mo",
            count(customers["p50"]),
            f"New customers per month, P50; P10-P90 {count(customers['p10'])} - {count(customers['p90'])}",
        ),
    )


def display_metrics(table: pd.DataFrame) -> pd.DataFrame:
    """Each measure in its own unit, as text: $9.7k, 2.9x, 12.3 months."""

    def fmt(value, unit: str) -> str:
        if value is None or pd.isna(value):
            return ""
        if unit == "$":
            return money(value)
        return f"{value:.1f} months" if unit == "months" else f"{value:.2f}x"

    return pd.DataFrame(
        {
            "Measure": table["label"],
            **{
                name: [fmt(v, u) for v, u in zip(table[col], table["unit"], strict=False)]
                for name, col in (("P10", "p10"), ("P50", "p50"), ("P90", "p90"), ("Bar", "bar"))
            },
            "Chance of meeting the bar": ["" if pd.isna(p) else f"{p:.0%}" for p in table["p_meets_bar"]],
        }
    )


def method_notes(view: EconomicsView) -> str:
    """How every figure on the page is calculated (markdown), with the plan's lead stage, discount and trials."""
    return f"""
- **Month**: one steady month of the plan; new customers are those that month's leads eventually become.
- **Leads** per channel: max leads x (1 - exp(-spend / (max leads x first cost per lead))): doubling spend does not double leads.
- **Lead -> customer**: the Funnel page's conversion rates from *{view.plan.lead_stage}* to the last stage, uncertain as set there.
- **Blended CAC** = (paid marketing + sales headcount + commissions) / all new customers (organic included). **Paid CAC** = paid marketing / paid customers + sales cost per customer.
- **LTV**: lifetime gross profit of a new customer, discounted at {view.plan.annual_discount_rate:.0%} a year. Subscription: ARPA x margin x discounted expected lifetime from the shifted-beta-geometric retention model. Repeat purchase: first purchase plus BG/NBD expected repeat purchases x Gamma-Gamma spend over the horizon. Simple: ARPA x margin / churn.
- **CAC payback (months)** = CAC / (ARPA x gross margin), ignoring churn. **Marketing ROI** = (paid customers x LTV - paid marketing) / paid marketing.
- **Magic number** = new ARR won in a quarter / S&M spend of the prior quarter; here, in a steady month, new customers x first-year revenue / monthly S&M (ARR is annual, so no x4).
- **Value created** = customers x (LTV - CAC) = customers x LTV - all sales and marketing spend.
- {view.trials:,} trials, seed {view.seed}: the same inputs and seed give the same numbers.
"""


def economics_page(view: EconomicsView) -> EconomicsPage:
    """The page's figures, tables and notes from a summarised run."""
    figures = view.metrics[FIGURE_COLUMNS]
    return EconomicsPage(
        view=view,
        headline=headline_figures(view),
        channels=view.channels[CHANNEL_TABLE_COLUMNS],
        figures=figures,
        figures_text=display_metrics(figures),
        notes=method_notes(view),
    )


def build_economics_page(scenario: Scenario) -> EconomicsPage:
    """Run the scenario's economics plan (or the default) and everything the page shows for it."""
    return economics_page(build_economics_view(scenario))
