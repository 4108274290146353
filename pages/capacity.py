"""Capacity & quota: team inputs -> TeamPlan in the scenario -> team Monte Carlo -> quota, headcount, pay."""

from __future__ import annotations

import streamlit as st

from charts import capacity as charts
from kpi.wording import currency_symbol
from simulate.capacity import ROUTINGS
from simulate.scenario import default_team, month_labels
from ui import capacity_page, render, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

scenario = state.current()
st.title("Capacity & quota")
st.caption(
    "Your funnel's deals are shared among the reps in seat. New reps ramp up, some reps leave, and no two sell alike. "
    "We simulate every rep in thousands of possible futures: what quota most of them can make, and whether the team makes the plan."
)
if scenario.team is None:
    st.info("This scenario has no sales team yet: starting from the example team. Change it below.")
team = scenario.team or default_team()
unit = "$" if scenario.target.metric == "revenue" else "#"
capacity_page.init_widgets(team)

inputs, results = st.columns([1.1, 2], gap="large")
months = month_labels(scenario.start_month, scenario.horizon_months)
with inputs:
    st.subheader("Team today and hiring")
    edited_reps = capacity_page.reps_editor()
    st.text_input("New hires per month", key="capacity.hires",
                  help=f"Reps starting in each month from {months[0]}, separated by commas: 2, 0, 2 = two in "
                  f"{months[0]}, two in {months[2] if len(months) > 2 else 'month 3'}.")  # fmt: skip
    st.text_input("Ramp curve (% of full productivity by month)", key="capacity.ramp",
                  help="Month 1, month 2, ... of a new rep's tenure; after the last value a rep is fully productive. "
                  "Must not decrease or exceed 100.")  # fmt: skip
    col1, col2 = st.columns(2)
    col1.number_input(
        "Attrition (% a year)",
        key="capacity.attrition_pct",
        step=5.0,
        help="Share of reps who leave in a year, at random",
    )
    col2.number_input("Productivity spread (%)", key="capacity.spread_pct", step=5.0,
                      help="How much reps differ at full ramp: 25 means a typical rep is within about +/-25% of average.")  # fmt: skip
    col1.checkbox("Backfill leavers", key="capacity.backfill")
    col2.number_input("Backfill delay (months)", key="capacity.backfill_delay", step=1, min_value=0,
                      help="Months a seat stays empty before the replacement starts")  # fmt: skip
    col1.number_input("Deals per ramped rep per month", key="capacity.deals_per_rep", step=0.1, format="%.2f",
                      help="Most won deals an average, fully ramped rep can close in a month (capacity)")  # fmt: skip
    col2.selectbox("Lead routing", list(ROUTINGS), format_func=ROUTINGS.get, key="capacity.routing",
                   help="How the funnel's deals are shared among reps in seat")  # fmt: skip
    if st.session_state["capacity.routing"] == "territory":
        st.number_input(
            "Territory skew (%)", key="capacity.skew_pct", step=5.0, help="Spread of territory sizes between seats"
        )
    st.subheader("Quota and plan")
    money_unit = f", {currency_symbol().strip()}" if unit == "$" else ", won deals"
    st.number_input(f"Quota per rep ({scenario.target_period_label()}{money_unit})", key="capacity.quota",  # full width:
                    step=5_000.0 if unit == "$" else 1.0, format="%.0f",  # a half column cut "120000" to "12000"
                    help="Each rep's quota for the target period, in the target's unit")  # fmt: skip
    st.checkbox("Ramped quota for new reps", key="capacity.ramped_quota",
                help="Reduce a new rep's quota by the ramp curve (otherwise only by months in seat)")  # fmt: skip
    col1, col2 = st.columns(2)
    col1.slider("Reps who should make quota", 30, 95, step=5, key="capacity.target_share", format="%d%%")
    col2.slider("Confidence for the plan", 50, 95, step=5, key="capacity.confidence", format="%d%%")
    capacity_page.commission_inputs()

input_error = state.apply_inputs(lambda: scenario.replace(team=capacity_page.team_from_widgets(edited_reps)))
scenario = state.current()
if input_error is not None and scenario.team is None:
    scenario = scenario.replace(team=team)

with results:
    state.show_input_error(input_error)
    shown = capacity_page.team_view(scenario)
    view, s = shown.view, shown.view.summary
    headline = st.container(key="capacity.headline")
    headline.markdown(f"### {s.sentence}")
    for column, figure in zip(headline.columns(4), shown.headline, strict=True):
        column.metric(figure.label, figure.value, help=figure.help)
    st.caption(shown.spread)
    if shown.over_assignment_note:
        st.markdown(shown.over_assignment_note)
    left, right = st.columns(2)
    with left:
        render.chart(charts.quota_curve_chart(view.quota_curve, quota=s.quota, recommended=s.recommended_quota,
                                              target_share=s.target_share, unit=shown.unit))  # fmt: skip
    with right:
        render.chart(charts.attainment_histogram_chart(view.histogram))
    cap_tab, size_tab, reps_tab = st.tabs(["Capacity vs plan by month", "Ramped reps by month", "Each rep"])
    with cap_tab:
        render.chart(charts.monthly_bands_chart(view.monthly, unit=shown.unit, title="Capacity, funnel demand and bookings by month",
                                                y_title=f"{shown.value_word} per month", plan_per_month=view.plan_per_month,
                                                plan_months=view.period_months))  # fmt: skip
        st.caption("Capacity = deals the reps in seat could close (ramp x skill x deals per ramped rep), at the mean deal value. "
                   "Red ticks: the plan per month in the target period.")  # fmt: skip
    with size_tab:
        render.chart(
            charts.monthly_bands_chart(
                view.team_size, unit="#", title="Reps in seat and ramped rep equivalents", y_title="Reps"
            )
        )
    with reps_tab:
        render.chart(charts.rep_attainment_chart(view.reps))

    st.subheader("Decisions")
    decided = capacity_page.decisions(scenario)
    st.markdown(f"**{decided.hiring_title}** {decided.hiring_sentence}")
    capacity_page.show_hiring(decided.hiring)
    st.markdown(f"**Ramp and attrition.** {decided.changes_sentence}")
    capacity_page.show_changes(decided.changes, money=shown.unit == "$")

    st.subheader("Commission cost")
    for column, figure in zip(st.columns(3), shown.commission, strict=True):
        column.metric(figure.label, figure.value, help=figure.help)
    render.chart(charts.payout_histogram_chart(view.payout_hist))
    st.caption(shown.plan_note)
