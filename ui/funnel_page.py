"""Streamlit glue for the funnel page: widget starting values from the scenario, the stage editor, and the
scenario the widgets describe (built by simulate.funnel.scenario_with_inputs)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulate.funnel import MONTHS, scenario_with_inputs, seasonality_from_row
from simulate.scenario import Scenario
from ui import stage_table, state

STAGE_COLUMNS = {
    "Stage": st.column_config.TextColumn(help="Stage name, top of the funnel first", required=True, pinned=True),
    "Given as": st.column_config.SelectboxColumn(
        options=list(stage_table.GIVEN_AS),
        help="rate: one number; range 90%: you are 90% sure it lies between Low and High; "
        "history: Won of Of converted in the past",
    ),
    # narrow number columns (and the stage name pinned) so Low % / High % fit beside the name at 1280-1500 px
    "Rate %": st.column_config.NumberColumn(
        help="Share of the previous stage that reaches this one", format="%.2f", width="small"
    ),
    "Low %": st.column_config.NumberColumn(help="Low end of the 90% range", format="%.2f", width="small"),
    "High %": st.column_config.NumberColumn(help="High end of the 90% range", format="%.2f", width="small"),
    "Won": st.column_config.NumberColumn(help="How many converted (history)", format="%d", width="small"),
    "Of": st.column_config.NumberColumn(help="Out of how many (history)", format="%d", width="small"),
}


def init_widgets(scenario: Scenario) -> None:
    """Widget starting values from the scenario (the link, the store or the example), unless already set."""
    v, c, d, t = scenario.volume, scenario.cycle, scenario.deal_size, scenario.target
    for key, value in {
        "funnel.level": float(v.level),
        "funnel.growth_pct": round(v.growth * 100, 4),
        "funnel.noise_pct": round(v.overdispersion * 100, 4),
        "funnel.cycle_median": float(c.median_days),
        "funnel.cycle_p90": float(c.p90_days),
        "funnel.deal_median": float(d.median),
        "funnel.deal_p90": float(d.p90),
        "funnel.horizon": scenario.horizon_months,
        "funnel.start": scenario.start_month,
        "funnel.target_metric": t.metric,
        "funnel.target_value": float(t.value),
        "funnel.target_period": t.period,
        "funnel.target_index": t.index,
        "funnel.confidence": 80,
        "funnel.cycle_low": c.median_low,
        "funnel.cycle_high": c.median_high,
        "funnel.deal_low": d.median_low,
        "funnel.deal_high": d.median_high,
    }.items():
        state.init_widget(key, value)
    if "funnel.stages_base" not in st.session_state:
        st.session_state["funnel.stages_base"] = stage_table.to_table(scenario.stages)
    if "funnel.season_base" not in st.session_state:
        st.session_state["funnel.season_base"] = pd.DataFrame([list(v.seasonality)], columns=list(MONTHS))


def stage_editor() -> pd.DataFrame:
    """The editable stage table (one row per stage, top of the funnel first)."""
    return st.data_editor(
        st.session_state["funnel.stages_base"],
        key="funnel.stages",
        placeholder="",  # empty cells blank, not "None"
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=STAGE_COLUMNS,
        # the default stages are ranges: Low % / High % first, so they show beside the name at 1280-1500 px
        column_order=("Stage", "Given as", "Low %", "High %", "Rate %", "Won", "Of"),
    )


def scenario_from_widgets(scenario: Scenario, stages: pd.DataFrame, season: pd.DataFrame) -> Scenario:
    """The scenario the funnel widgets describe; raises ScenarioError naming the input to fix."""
    ss = st.session_state
    seasonality = seasonality_from_row(season.iloc[0].tolist() if len(season) else [])
    return scenario_with_inputs(
        scenario,
        stages=stage_table.from_table(stages),
        seasonality=seasonality,
        level=ss["funnel.level"],
        growth_pct=ss["funnel.growth_pct"],
        noise_pct=ss["funnel.noise_pct"],
        cycle_median_days=ss["funnel.cycle_median"],
        cycle_p90_days=ss["funnel.cycle_p90"],
        deal_median=ss["funnel.deal_median"],
        deal_p90=ss["funnel.deal_p90"],
        horizon_months=ss["funnel.horizon"],
        start_month=ss["funnel.start"],
        target_metric=ss["funnel.target_metric"],
        target_value=ss["funnel.target_value"],
        target_period=ss["funnel.target_period"],
        target_index=ss["funnel.target_index"],
        cycle_median_range=(ss.get("funnel.cycle_low"), ss.get("funnel.cycle_high")),
        deal_median_range=(ss.get("funnel.deal_low"), ss.get("funnel.deal_high")),
    )


def median_ranges(currency: str) -> None:
    """Optional 90% ranges on the cycle and deal-size medians (empty = the median is certain)."""
    with st.expander("Not sure of the medians? Give a 90% range (optional)"):
        st.caption(
            "Each simulated future draws its median once from this range (you are 90% sure it lies inside); "
            "the P90/median ratio stays as above. Leave both empty when the median is known."
        )
        col1, col2 = st.columns(2)
        col1.number_input("Median cycle low (days)", key="funnel.cycle_low", step=5.0, min_value=1.0)
        col2.number_input("Median cycle high (days)", key="funnel.cycle_high", step=5.0, min_value=1.0)
        col1.number_input(
            f"Median deal low ({currency})",
            key="funnel.deal_low",
            step=1000.0,
            format="%.0f",
            min_value=1.0,
        )
        col2.number_input(
            f"Median deal high ({currency})",
            key="funnel.deal_high",
            step=1000.0,
            format="%.0f",
            min_value=1.0,
        )
