"""Funnel what-if: inputs -> scenario -> Monte Carlo -> headline, fan charts, histogram, reverse funnel."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from charts import funnel as charts
from kpi.wording import chance_in_10, count, format_value, money
from simulate.scenario import CycleLength, DealSize, ScenarioError, Target
from ui import render, simcache, stage_table, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PERIODS = {"month": "A month", "quarter": "A quarter", "horizon": "The whole horizon"}
METRICS = {"revenue": "Revenue", "won_deals": "Won deals"}

scenario = state.current()
st.title("Funnel what-if")
st.caption(
    "Traffic flows through your funnel; each conversion rate is uncertain, deals take a while to close and vary in size. "
    "We simulate thousands of possible futures and tell you how likely the target is."
)

# --- widget starting values come from the scenario (the link, the store or the example) ----------
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
}.items():
    state.init_widget(key, value)
if "funnel.stages_base" not in st.session_state:
    st.session_state["funnel.stages_base"] = stage_table.to_table(scenario.stages)
if "funnel.season_base" not in st.session_state:
    st.session_state["funnel.season_base"] = pd.DataFrame([list(v.seasonality)], columns=MONTHS)

inputs, results = st.columns([1.25, 2], gap="large")

with inputs:
    st.subheader("Funnel")
    edited_stages = st.data_editor(
        st.session_state["funnel.stages_base"],
        key="funnel.stages",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "Stage": st.column_config.TextColumn(help="Stage name, top of the funnel first", required=True),
            "Given as": st.column_config.SelectboxColumn(
                options=list(stage_table.GIVEN_AS),
                help="rate: one number; range 90%: you are 90% sure it lies between Low and High; "
                "history: Won of Of converted in the past",
            ),
            "Rate %": st.column_config.NumberColumn(
                help="Share of the previous stage that reaches this one", format="%.2f"
            ),
            "Low %": st.column_config.NumberColumn(format="%.2f"),
            "High %": st.column_config.NumberColumn(format="%.2f"),
            "Won": st.column_config.NumberColumn(help="How many converted (history)", format="%d"),
            "Of": st.column_config.NumberColumn(help="Out of how many (history)", format="%d"),
        },
    )
    st.subheader("Volume at the top")
    st.number_input(
        f"{scenario.stages[0].name} per month",
        key="funnel.level",
        step=1000.0,
        format="%.0f",
        help="Expected volume entering the funnel in the first month, before seasonality.",
    )
    col1, col2 = st.columns(2)
    col1.number_input(
        "Growth per month (%)", key="funnel.growth_pct", step=0.5, help="Compound growth, e.g. 1 = +1% a month"
    )
    col2.number_input(
        "Month-to-month noise (%)",
        key="funnel.noise_pct",
        step=1.0,
        help="How much a month's volume wobbles beyond pure chance: 10 means a typical month lands within about +/-10% of plan.",
    )
    with st.expander("Seasonality (index per calendar month; 1 = average)"):
        edited_season = st.data_editor(st.session_state["funnel.season_base"], key="funnel.season", hide_index=True)
    if v.forecast_paths is not None:
        st.info(
            f"Volume comes from a forecast: {v.forecast_label}. Level, growth and noise are not used. "
            "A copied link carries every input but not the forecast's sample paths: save the scenario to keep them."
        )
        if st.button("Use level and growth instead", key="funnel.drop_forecast"):
            state.publish(scenario.without_volume_paths())
            st.rerun()
    st.subheader("Sales cycle and deal size")
    col1, col2 = st.columns(2)
    col1.number_input(
        "Median cycle (days)",
        key="funnel.cycle_median",
        step=5.0,
        help="Half of deals close faster than this, from entering the funnel.",
    )
    col2.number_input(
        "P90 cycle (days)", key="funnel.cycle_p90", step=5.0, help="9 in 10 deals close within this many days."
    )
    col1.number_input(
        "Median deal ($)",
        key="funnel.deal_median",
        step=1000.0,
        format="%.0f",
        help="Half of won deals are smaller than this.",
    )
    col2.number_input(
        "P90 deal ($)",
        key="funnel.deal_p90",
        step=1000.0,
        format="%.0f",
        help="9 in 10 won deals are smaller than this.",
    )
    st.subheader("Horizon and target")
    st.slider("Horizon (months)", 6, 36, key="funnel.horizon")
    st.text_input("First month (YYYY-MM)", key="funnel.start")
    col1, col2 = st.columns(2)
    col1.selectbox("Target", list(METRICS), format_func=METRICS.get, key="funnel.target_metric")
    col2.number_input("Target value", key="funnel.target_value", step=100_000.0, format="%.0f")
    col1.selectbox("Period", list(PERIODS), format_func=PERIODS.get, key="funnel.target_period")
    col2.number_input(
        "Which month / quarter", key="funnel.target_index", step=1, help="1 = the first month or quarter of the horizon"
    )


def scenario_from_inputs():
    """Build the scenario from the widgets; raises ScenarioError naming the input to fix."""
    ss = st.session_state
    season_row = edited_season.iloc[0].tolist() if len(edited_season) else []
    seasonality = []
    for k, value in enumerate(season_row):
        if value is None or pd.isna(value):
            raise ScenarioError(f"volume.seasonality[{k}]", f"seasonality for {MONTHS[k]} is empty")
        seasonality.append(float(value))
    return scenario.replace(
        stages=stage_table.from_table(edited_stages),
        volume=dataclasses.replace(
            scenario.volume,
            level=ss["funnel.level"],
            growth=ss["funnel.growth_pct"] / 100,
            overdispersion=ss["funnel.noise_pct"] / 100,
            seasonality=tuple(seasonality),
        ),
        cycle=CycleLength(ss["funnel.cycle_median"], ss["funnel.cycle_p90"]),
        deal_size=DealSize(ss["funnel.deal_median"], ss["funnel.deal_p90"]),
        horizon_months=int(ss["funnel.horizon"]),
        start_month=str(ss["funnel.start"]).strip(),
        target=Target(
            ss["funnel.target_metric"],
            ss["funnel.target_value"],
            ss["funnel.target_period"],
            int(ss["funnel.target_index"]),
        ),
    )


input_error = state.apply_inputs(scenario_from_inputs)
scenario = state.current()

with results:
    state.show_input_error(input_error)
    view = simcache.funnel_view(scenario.to_json())
    head = view.headline
    unit = "$" if scenario.target.metric == "revenue" else "#"
    headline_box = st.container(key="funnel.headline")
    headline_box.markdown(f"### {head.sentence}")
    m1, m2, m3 = headline_box.columns(3)
    m1.metric(
        "Expected won deals",
        count(head.won_deals.mean),
        help=f"Mean over {scenario.trials:,} trials, {head.period_label}",
    )
    m2.metric(
        "P50 revenue",
        money(head.revenue.p50),
        help=f"Half the simulated futures book more than this in {head.period_label}",
    )
    m3.metric(
        "Chance of hitting the target",
        f"{head.hit.p:.0%}",
        help=f"{chance_in_10(head.hit.p)}; Monte Carlo error +/- {head.hit.mc_se:.1%}",
    )
    st.caption(
        f"Target: {format_value(scenario.target.value, scenario.target.metric)} in {head.period_label}. "
        f"Revenue P10-P90: {money(head.revenue.p10)} - {money(head.revenue.p90)}; "
        f"won deals P10-P90: {count(head.won_deals.p10)} - {count(head.won_deals.p90)}."
    )
    revenue_tab, won_tab = st.tabs(["Revenue by month", "Won deals by month"])
    with revenue_tab:
        render.chart_from(
            charts.fan_chart, view.revenue_bands, title="Revenue by close month", unit="$", y_title="Revenue"
        )
    with won_tab:
        render.chart_from(
            charts.fan_chart, view.won_bands, title="Won deals by close month", unit="#", y_title="Won deals"
        )
    left, right = st.columns(2)
    with left:
        render.chart_from(
            charts.histogram_chart,
            view.period_hist,
            target=float(scenario.target.value),
            unit=unit,
            x_title=METRICS[scenario.target.metric],
            title=f"{METRICS[scenario.target.metric]} in {head.period_label}",
        )
    with right:
        render.chart_from(charts.funnel_chart, view.stages, height=40 * len(view.stages))

    st.subheader("Reverse funnel: what it takes to hit the target")
    confidence = st.slider("Confidence you want", 50, 95, step=5, key="funnel.confidence", format="%d%%")
    levels = (0.5, confidence / 100)
    needed = {level: view.required_scale(level) for level in levels}
    rows = []
    for stage in view.stages.itertuples():
        row = {"Stage": stage.stage, "Planned per month": round(stage.mean)}
        for level in levels:
            scale = needed.get(level)
            row[f"Needed for {level:.0%} chance"] = round(stage.mean * scale) if scale else None
        rows.append(row)
    table = pd.DataFrame(rows)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.NumberColumn(format="localized") for c in table.columns[1:]},
    )
    scale = needed.get(confidence / 100)
    if scale:
        top = scenario.stages[0].name
        change = scale - 1
        st.markdown(
            f"For a **{confidence}%** chance of the target you need about **{count(view.stages['mean'].iloc[0] * scale)} "
            f"{top.lower()} a month** on average, {abs(change):.0%} {'more' if change >= 0 else 'fewer'} than planned, "
            "with every conversion as it is."
        )
    st.caption(
        "Model: conversion rates drawn once per simulated future; Poisson arrivals with month-to-month noise; lognormal sales cycle "
        "and deal size; deals close in the month their cycle ends; the funnel already holds deals from earlier months."
    )
