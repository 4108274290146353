"""Performance standards: KPI scorecard, attainability and fairness (thin page over simulate.standards)."""

from __future__ import annotations

import streamlit as st

from charts import scorecard as charts
from simulate.scenario import PERIODS, ScenarioError, StandardSet, default_standards
from simulate.standards import edited_standards, focus_labels, split_focus, standard_inputs
from ui import render, scorecard_page, state
from ui.entry import require_app
from ui.render import escape

require_app()  # a deep link on a fresh server must still go through app.py

# --- data ------------------------------------------------------------------------------------------
scenario = state.current()
standards: StandardSet = scenario.standards or default_standards()
st.title("Performance standards")
st.caption(
    "Standards of performance per KPI: a target with a green / amber / red band, per team or per rep. "
    "See who meets them, how attainable they are, and whether reps got a fair share of leads."
)
data = scorecard_page.choose_data()

# --- standards: the one in focus can be edited; the set lives in the scenario (and the link) ----------
standards, labels = focus_labels(standards)
scorecard_page.take_focus(labels)
editor, status_box = st.columns([1, 2], gap="large")
with editor:
    st.subheader("Standard in focus")
    focus = st.selectbox("Standard", list(labels), format_func=labels.get, key="scorecard.focus")
    kpi_key, scope = split_focus(focus)
    current = standards.get(kpi_key, scope)
    inputs = standard_inputs(current)
    scorecard_page.fill_inputs(focus, current, inputs)
    st.number_input(inputs.target_label, key="scorecard.target", step=inputs.step)
    st.number_input(
        inputs.amber_label,
        key="scorecard.amber",
        step=inputs.step,
        help="Values between amber and the target are amber; worse than amber is red.",
    )
    st.selectbox("Per", list(PERIODS), key="scorecard.period")
    st.caption(inputs.definition)
    share = st.slider(
        "Share of reps who should be able to meet a standard",
        50,
        90,
        int(round(standards.attainable_share * 100)),
        5,
        format="%d%%",
        key="scorecard.share",
    )
    try:
        candidate = edited_standards(
            standards,
            focus,
            target=st.session_state["scorecard.target"],
            amber=st.session_state["scorecard.amber"],
            period=st.session_state["scorecard.period"],
            share_percent=share,
        )
        if candidate != standards:
            standards = candidate
            state.publish(scenario.replace(standards=standards))
        st.session_state["scorecard.loaded"] = (focus, standards.get(kpi_key, scope).to_dict())
    except ScenarioError as exc:
        st.error(f"**Fix this standard:** {exc.message}", icon=":material/error:")
    scorecard_page.add_or_remove(scenario, standards, focus, labels[focus], data)

try:
    view = scorecard_page.scorecard_view(data, standards, scenario, focus, share=share, label=labels[focus])
except (ValueError, ScenarioError) as exc:  # data the KPIs cannot be computed on: say so, keep the inputs
    st.error(f"**The scorecard cannot be computed on this data:** {escape(getattr(exc, 'message', exc))}")
    st.stop()
with status_box:
    st.container(key="scorecard.status").markdown(
        f"### {scorecard_page.STATUS_BADGE[view.focus.status]} {view.focus.headline}"
    )
    if view.focus.attain is not None:
        attain = view.focus.attain
        attain_box = st.container(key="scorecard.attain")
        for column, metric in zip(attain_box.columns(3), attain.metrics, strict=True):
            column.metric(metric.label, metric.value, help=metric.help)
        attain_box.caption(attain.verdict)
        chart = attain.chart
        render.chart(
            charts.attainability_chart(
                chart.per_rep,
                status=chart.status,
                target=chart.target,
                share_level=chart.share_level,
                unit=chart.unit,
                title=chart.title,
            )
        )
    elif view.focus.team_chance is not None:
        st.markdown(view.focus.team_chance)
    elif view.focus.warning is not None:
        st.warning(view.focus.warning)

# --- the scorecard ---------------------------------------------------------------------------------
st.subheader("Scorecard")
st.caption(scorecard_page.counts_caption(view.counts))
st.dataframe(
    scorecard_page.styled_scorecard(view.table),
    hide_index=True,
    width="stretch",
    key="scorecard.table",
    column_config={"Trend": st.column_config.LineChartColumn("Trend (team)", help="Team value, last 12 periods")},
)

st.subheader("Reps")
if view.reps is not None:
    st.dataframe(scorecard_page.styled_reps(view.reps), hide_index=True, width="stretch", key="scorecard.reps")
    st.caption(
        "Latest complete period of each standard. Click a column header to sort; 'Reds' counts red standards per rep."
    )

st.subheader("Fairness: leads per rep")
if view.fair is not None:
    (st.warning if view.fair.unequal else st.success)(view.fair.message)
    render.chart(charts.fairness_chart(view.fair.per_rep, average=view.fair.mean_per_rep))
for message in view.messages:
    st.warning(message)

with st.expander("All KPIs in the catalogue (latest month, team)"):
    st.dataframe(view.overview, hide_index=True, width="stretch")

# --- export / import -----------------------------------------------------------------------------------
st.subheader("Export and import")
scorecard_page.export_and_import(scenario, standards, view, data.notes)
st.caption(view.footnote)
