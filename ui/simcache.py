"""Cached simulation runs for pages: raw trials stay on the server; pages get aggregates.

Keyed by the scenario's JSON (the scenario is a value), so any page showing the same scenario
reuses the run, and the same scenario + seed always gives the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from simulate.funnel import (
    FunnelSummary,
    funnel_summary,
    histogram,
    monthly_bands,
    required_scale,
    stage_table,
    volume_thresholds,
)
from simulate.funnel import run as run_funnel
from simulate.scenario import Scenario

PROGRESS_ABOVE_TRIALS = 50_000


@dataclass(frozen=True)
class FunnelView:
    """Everything the funnel page and reports draw for one scenario."""

    headline: FunnelSummary
    won_bands: pd.DataFrame
    revenue_bands: pd.DataFrame
    period_hist: pd.DataFrame
    stages: pd.DataFrame
    volume_thresholds: np.ndarray  # sorted per-trial multipliers on planned volume that reach the target

    def required_scale(self, confidence: float) -> float:
        """Multiplier on planned volume for a `confidence` chance of the target."""
        return required_scale(self.volume_thresholds, confidence)


def build_view(scenario: Scenario, progress=None) -> FunnelView:
    """Run and summarise (pure; used by the cached wrapper, reports and tests)."""
    result = run_funnel(scenario, progress=progress)
    metric = result.period_metric()
    return FunnelView(
        headline=funnel_summary(result),
        won_bands=monthly_bands(result.won, result.months),
        revenue_bands=monthly_bands(result.revenue, result.months),
        period_hist=histogram(metric, bins=40, integer=scenario.target.metric == "won_deals"),
        stages=stage_table(result),
        volume_thresholds=volume_thresholds(result),
    )


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def funnel_view(scenario_json: str) -> FunnelView:
    scenario = Scenario.from_json(scenario_json)
    if scenario.trials <= PROGRESS_ABOVE_TRIALS:
        return build_view(scenario)
    bar = st.progress(0.0, text=f"Simulating {scenario.trials:,} trials...")
    view = build_view(scenario, progress=lambda f: bar.progress(f, text=f"Simulating... {f:.0%}"))
    bar.empty()
    return view
