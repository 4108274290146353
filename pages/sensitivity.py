"""Sensitivity: which input matters most (tornado, contribution to variance) and goal-seek for any lever."""

from __future__ import annotations

import streamlit as st

from charts import sensitivity as charts
from kpi.wording import money, percent
from simulate import decide
from ui import analysis_cache, chart_download, render, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

scenario = state.current()
st.title("Which lever matters most?")
st.caption(
    f"For '{render.escape(scenario.name)}', target period {scenario.target_period_label()}. Each uncertain input is swung from its P10 to "
    "its P90 while the others stay at their P50, with the same random numbers, so the bars compare like with like."
)
view = analysis_cache.sensitivity_view(scenario.to_json())
tornado = view.tornado

if not tornado.bars:
    st.info(
        "Every input is a single number, so nothing is uncertain to swing. Give a conversion as a range or as history on the funnel page."
    )
else:
    measure = st.segmented_control(
        "Show the effect on",
        ["P50 revenue", "Chance of hitting the target"],
        default="P50 revenue",
        key="sensitivity.measure",
    )
    is_revenue = measure != "Chance of hitting the target"
    chart = charts.tornado_chart(
        tornado.frame(),
        measure="revenue" if is_revenue else "hit",
        base_value=tornado.base_p50 if is_revenue else tornado.base_hit,
    )
    render.chart(chart)
    top = tornado.bars[0]
    if is_revenue:
        st.markdown(
            f"**{render.escape(top.label)}** matters most: from its P10 to its P90, likely revenue moves from "
            f"**{money(top.p50_low)}** to **{money(top.p50_high)}** (base {money(tornado.base_p50)})."
        )
    else:
        st.markdown(
            f"**{render.escape(top.label)}** moves the chance of hitting the target from **{percent(top.hit_low)}** to "
            f"**{percent(top.hit_high)}** (base {percent(tornado.base_hit)}, ± {percent(2 * tornado.hit_mc_se, 1)})."
        )
    chart_download.chart_downloads(chart, name="tornado", key="sensitivity.tornado")
    st.subheader("Contribution to variance")
    st.caption(
        "All inputs varying at once: the share of the outcome's spread each explains (squared rank correlation, Crystal Ball's method)."
    )
    render.chart(charts.contribution_chart(view.contribution))

st.subheader("Goal-seek: what would it take?")
levers = dict(decide.levers(scenario))
col1, col2 = st.columns([2, 1])
lever = col1.selectbox("Lever", list(levers), format_func=levers.get, key="sensitivity.lever")
confidence = col2.slider("Confidence (%)", 50, 95, 80, step=5, key="sensitivity.confidence")
answer = analysis_cache.seek(scenario.to_json(), lever, confidence / 100)
(st.success if answer.value is not None else st.warning)(answer.sentence)
st.caption(
    "Only this lever moves; everything else keeps its uncertainty. Solved on the same simulated futures (common random numbers)."
)
