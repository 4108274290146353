"""What the funnel page shows besides charts: its inputs as a scenario, the headline numbers, the reverse funnel.

Pure (no streamlit): the page reads widgets, calls these and draws the values they return.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.wording import article, chance_in_10, count, format_value, money
from simulate.funnel.goalseek import required_scale
from simulate.funnel.summary import FunnelSummary
from simulate.scenario import MONTH_NAMES, CycleLength, DealSize, Scenario, ScenarioError, Stage, Target

MONTHS = MONTH_NAMES  # calendar month names, Jan..Dec


@dataclass(frozen=True)
class Metric:
    """One headline number as a page shows it: label, value in words, and the hover text."""

    label: str
    value: str
    help: str


def seasonality_from_row(row: Sequence[float | None]) -> tuple[float, ...]:
    """The seasonality table's one row as 12 indices; an empty cell is an error naming its month."""
    seasonality = []
    for k, value in enumerate(row):
        if value is None or pd.isna(value):
            raise ScenarioError(f"volume.seasonality[{k}]", f"seasonality for {MONTHS[k]} is empty")
        seasonality.append(float(value))
    return tuple(seasonality)


def scenario_with_inputs(
    scenario: Scenario,
    *,
    stages: tuple[Stage, ...],
    seasonality: tuple[float, ...],
    level: float,
    growth_pct: float,
    noise_pct: float,
    cycle_median_days: float,
    cycle_p90_days: float,
    deal_median: float,
    deal_p90: float,
    horizon_months: int,
    start_month: str,
    target_metric: str,
    target_value: float,
    target_period: str,
    target_index: int,
    cycle_median_range: tuple[float | None, float | None] = (None, None),
    deal_median_range: tuple[float | None, float | None] = (None, None),
) -> Scenario:
    """`scenario` with the funnel page's inputs (growth and noise in percent); raises ScenarioError naming the input.

    The optional ranges are 90% ranges (low, high) on the cycle's and the deal size's medians; (None, None)
    or empty cells mean the median is certain."""
    return scenario.replace(
        stages=stages,
        volume=dataclasses.replace(
            scenario.volume,
            level=level,
            growth=growth_pct / 100,
            overdispersion=noise_pct / 100,
            seasonality=seasonality,
        ),
        cycle=CycleLength(cycle_median_days, cycle_p90_days, *_range(cycle_median_range)),
        deal_size=DealSize(deal_median, deal_p90, *_range(deal_median_range)),
        horizon_months=int(horizon_months),
        start_month=str(start_month).strip(),
        target=Target(target_metric, target_value, target_period, int(target_index)),
    )


def _range(pair: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    """(low, high) with empty cells (None, NaN) as None; both empty means no range."""
    return tuple(None if v is None or pd.isna(v) else float(v) for v in pair)  # type: ignore[return-value]


def headline_metrics(head: FunnelSummary, trials: int) -> tuple[Metric, Metric, Metric]:
    """Expected won deals, P50 revenue and the chance of the target, for the target period."""
    return (
        Metric(
            "Expected won deals",
            count(head.won_deals.mean),
            f"Mean over {trials:,} trials, {head.period_label}",
        ),
        Metric(
            "P50 revenue",
            money(head.revenue.p50),
            f"Half the simulated futures book more than this in {head.period_label}",
        ),
        Metric(
            "Chance of hitting the target",
            f"{head.hit.p:.0%}",
            f"{chance_in_10(head.hit.p)}; Monte Carlo error +/- {head.hit.mc_se:.1%}",
        ),
    )


def target_caption(head: FunnelSummary, target: Target) -> str:
    """The target and the P10-P90 ranges of revenue and won deals in one line."""
    return (
        f"Target: {format_value(target.value, target.metric)} in {head.period_label}. "
        f"Revenue P10-P90: {money(head.revenue.p10)} - {money(head.revenue.p90)}; "
        f"won deals P10-P90: {count(head.won_deals.p10)} - {count(head.won_deals.p90)}."
    )


@dataclass(frozen=True)
class ReverseFunnel:
    """Volume per stage needed for an even chance and for the chosen chance of the target."""

    table: pd.DataFrame  # Stage, Planned per month, Needed for 50% chance, Needed for <confidence>% chance
    sentence: str | None  # the top of the funnel needed at the chosen confidence; None when it has no answer


def reverse_funnel(
    stages: pd.DataFrame, volume_thresholds: np.ndarray, confidence_pct: int, top_name: str
) -> ReverseFunnel:
    """Scale every stage's planned monthly volume (`stages`: stage, mean) by the multiplier on top-of-funnel
    volume that gives a 50% and a `confidence_pct`% chance of the target (same conversions)."""
    needed = {level: required_scale(volume_thresholds, level) for level in (0.5, confidence_pct / 100)}
    rows = []
    for stage in stages.itertuples():
        row = {"Stage": stage.stage, "Planned per month": round(stage.mean)}
        for level, scale in needed.items():
            row[f"Needed for {level:.0%} chance"] = round(stage.mean * scale) if scale else None
        rows.append(row)
    scale = needed[confidence_pct / 100]
    sentence = None
    if scale:
        change = scale - 1
        sentence = (
            f"For {article(f'{confidence_pct}%')} **{confidence_pct}%** chance of the target you need about "
            f"**{count(stages['mean'].iloc[0] * scale)} {top_name.lower()} a month** on average, "
            f"{abs(change):.0%} {'more' if change >= 0 else 'fewer'} than planned, with every conversion as it is."
        )
    return ReverseFunnel(pd.DataFrame(rows), sentence)
