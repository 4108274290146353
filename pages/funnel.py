"""Funnel what-if: inputs -> scenario -> Monte Carlo -> headline, fan charts, histogram, reverse funnel."""

from __future__ import annotations

import streamlit as st

from charts import funnel as charts
from simulate.funnel import headline_metrics, reverse_funnel, target_caption
from ui import funnel_page, render, simcache, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

PERIODS = {"month": "A month", "quarter": "A quarter", "horizon": "The whole horizon"}
METRICS = {"revenue": "Revenue", "won_deals": "Won deals"}

scenario = state.current()
st.title("Funnel what-if")
st.caption(
    "Traffic flows through your funnel; each conversion rate is uncertain, deals take a while to close and vary in size. "
    "We simulate thousands of possible futures and tell you how likely the target is."
)

funnel_page.init_widgets(scenario)  # widget starting values from the scenario (the link, the store or the example)

inputs, results = st.columns([1.45, 2], gap="large")  # room for the stage table's Low % / High % at 1500 px

with inputs:
    st.subheader("Funnel")
    edited_stages = funnel_page.stage_editor()
    st.subheader("Volume at the top")
    st.number_input(
        f"{render.escape(scenario.stages[0].name)} per month",
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
        edited_season = st.data_editor(
            st.session_state["funnel.season_base"], key="funnel.season", hide_index=True, placeholder=""
        )
    if scenario.volume.forecast_paths is not None:
        st.info(
            f"Volume comes from a forecast: {render.escape(scenario.volume.forecast_label)}. Level, growth and noise are not used. "
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
        f"Median deal ({scenario.currency})",
        key="funnel.deal_median",
        step=1000.0,
        format="%.0f",
        help="Half of won deals are smaller than this.",
    )
    col2.number_input(
        f"P90 deal ({scenario.currency})",
        key="funnel.deal_p90",
        step=1000.0,
        format="%.0f",
        help="9 in 10 won deals are smaller than this.",
    )
    funnel_page.median_ranges(scenario.currency)
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


input_error = state.apply_inputs(lambda: funnel_page.scenario_from_widgets(scenario, edited_stages, edited_season))
scenario = state.current()

with results:
    state.show_input_error(input_error)
    view = simcache.funnel_view(scenario.to_json())
    head = view.headline
    unit = "$" if scenario.target.metric == "revenue" else "#"
    headline_box = st.container(key="funnel.headline")
    headline_box.markdown(f"### {head.sentence}")
    for column, m in zip(headline_box.columns(3), headline_metrics(head, scenario.trials), strict=True):
        column.metric(m.label, m.value, help=m.help)
    st.caption(target_caption(head, scenario.target))
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
    reverse = reverse_funnel(view.stages, view.volume_thresholds, confidence, scenario.stages[0].name)
    st.dataframe(
        reverse.table,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.NumberColumn(format="localized") for c in reverse.table.columns[1:]},
    )
    if reverse.sentence:
        st.markdown(reverse.sentence)
    st.caption(
        "Model: conversion rates (and medians given as ranges) drawn once per simulated future; Poisson arrivals with "
        "month-to-month noise; lognormal sales cycle and deal size, revenue summed deal by deal; deals close in the calendar "
        "month their cycle ends; the funnel already holds deals from earlier months."
    )
