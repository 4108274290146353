"""Presentation mode: the current scenario's answer in large type, for a meeting. Nothing to edit here."""

from __future__ import annotations

import streamlit as st

from charts import funnel as charts
from kpi.wording import chance_in_10, count, money, percent
from ui import render, scenarios_page, simcache, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

scenario = state.current()
st.set_page_config(initial_sidebar_state="collapsed", layout="wide", page_title=f"{scenario.name} - presentation")
view = simcache.funnel_view(scenario.to_json())
head = view.headline

st.title(render.escape(scenario.name), anchor=False)
st.subheader(f"Plan for {head.period_label}", anchor=False)
st.markdown(f"### {head.sentence}")

cols = st.columns(3)
cells = [
    (
        "Likely revenue (P50)",
        money(head.revenue.p50),
        f"P10 {money(head.revenue.p10)} to P90 {money(head.revenue.p90)}",
    ),
    ("Chance of hitting the target", percent(head.hit.p), f"{chance_in_10(head.hit.p)}"),
    (
        "Won deals (P50)",
        count(head.won_deals.p50),
        f"P10 {count(head.won_deals.p10)} to P90 {count(head.won_deals.p90)}",
    ),
]
for col, (label, value, note) in zip(cols, cells, strict=True):
    with col.container(border=True, key=f"present.{label.split()[0].lower()}"):
        st.markdown(f"**{label}**")
        st.markdown(f"# {value}")
        st.caption(note)

left, right = st.columns(2)
with left:
    render.chart(
        charts.fan_chart(view.revenue_bands, title="Revenue by month", unit="$", y_title="Revenue", height=340)  # "$": money
    )
with right:
    is_revenue = scenario.target.metric == "revenue"
    render.chart(
        charts.histogram_chart(
            view.period_hist,
            target=scenario.target.value,
            unit="$" if is_revenue else "#",
            x_title=f"{'Revenue' if is_revenue else 'Won deals'} in {head.period_label}",
            title="Outcomes of the simulated futures",
            height=340,
        )
    )
st.caption(f"{scenario.trials:,} simulated futures, seed {scenario.seed}. Same scenario and seed, same numbers.")

# --- take it to the meeting: the same files as on Scenarios & compare, built when clicked ---------------------
text = scenario.to_json()
deck, report = st.columns(2)
scenarios_page.meeting_downloads(text, deck, report, key="present", width="stretch")
