"""Capacity & quota: team inputs -> TeamPlan in the scenario -> team Monte Carlo -> quota, headcount, pay."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import capacity as charts
from kpi.wording import format_value, money, percent
from simulate.capacity import (
    TeamResult,
    build_capacity_view,
    change_cases,
    change_sentence,
    changes_table,
    format_accelerators,
    format_hires,
    format_ramp,
    headcount_needed,
    parse_accelerators,
    parse_hires,
    parse_ramp,
    simulate_team,
    simulation_key,
    with_plan,
)
from simulate.funnel import SimulationResult
from simulate.funnel import run as run_funnel
from simulate.scenario import CommissionPlan, RepGroup, Scenario, ScenarioError, TeamPlan, default_team, month_labels
from ui import render, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

ROUTINGS = {"capacity": "By capacity (ramp x skill)", "equal": "Equal share", "territory": "Skewed territories"}
RAMP_SLOWER_MONTHS = 3
ATTRITION_EXTRA = 0.10


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Simulating the team...")
def team_simulation(key_json: str) -> tuple[SimulationResult, TeamResult]:
    """Funnel and team trials for a scenario whose quota and pay inputs are normalised (stays on the server)."""
    scenario = Scenario.from_json(key_json)
    funnel = run_funnel(scenario)
    return funnel, simulate_team(scenario, funnel)


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Working out the headcount...")
def hiring_advice(key_json: str, confidence: float) -> object:
    """Headcount advice; independent of the quota and the pay plan."""
    scenario = Scenario.from_json(key_json)
    funnel, _ = team_simulation(key_json)
    return headcount_needed(scenario, funnel, confidence=confidence)


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Simulating a slower ramp and more attrition...")
def what_if_runs(key_json: str) -> list:
    """Team simulations with a slower ramp and more attrition (quota-free; shared, never mutated)."""
    scenario = Scenario.from_json(key_json)
    funnel, _ = team_simulation(key_json)
    return change_cases(scenario, funnel, ramp_extra_months=RAMP_SLOWER_MONTHS, attrition_extra=ATTRITION_EXTRA)


scenario = state.current()
st.title("Capacity & quota")
st.caption(
    "Your funnel's deals are shared among the reps in seat. New reps ramp up, some reps leave, and no two sell alike. "
    "We simulate every rep in thousands of possible futures: what quota most of them can make, and whether the team makes the plan."
)
if scenario.team is None:
    st.info("This scenario has no sales team yet: starting from the example team. Change it below.")
team = scenario.team or default_team()
pay = team.commission
unit = "$" if scenario.target.metric == "revenue" else "#"
for key, value in {
    "capacity.ramp": format_ramp(team.ramp_curve),
    "capacity.hires": format_hires(team.hiring_plan),
    "capacity.attrition_pct": round(team.attrition_annual * 100, 4),
    "capacity.backfill": team.backfill,
    "capacity.backfill_delay": team.backfill_delay_months,
    "capacity.spread_pct": round(team.productivity_spread * 100, 4),
    "capacity.deals_per_rep": float(team.deals_per_rep_month),
    "capacity.routing": team.routing,
    "capacity.skew_pct": round(team.territory_skew * 100, 4),
    "capacity.quota": float(team.quota),
    "capacity.ramped_quota": team.ramped_quota,
    "capacity.target_share": int(round(team.target_share_at_quota * 100)),
    "capacity.confidence": int(round(team.plan_confidence * 100)),
    "capacity.base_pct": round(pay.base_rate * 100, 4),
    "capacity.decel_at_pct": round(pay.decelerator_threshold * 100, 4),
    "capacity.decel_pct": round(pay.decelerator_rate * 100, 4),
    "capacity.accelerators": format_accelerators(pay.accelerators),
    "capacity.cap_pct": round(pay.cap_attainment * 100, 4),
}.items():
    state.init_widget(key, value)
if "capacity.reps_base" not in st.session_state:
    st.session_state["capacity.reps_base"] = pd.DataFrame(
        [{"Reps": g.count, "Tenure (months)": g.tenure_months} for g in team.current_reps]
    )

inputs, results = st.columns([1.1, 2], gap="large")
months = month_labels(scenario.start_month, scenario.horizon_months)
with inputs:
    st.subheader("Team today and hiring")
    edited_reps = st.data_editor(
        st.session_state["capacity.reps_base"], key="capacity.reps", num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "Reps": st.column_config.NumberColumn(help="How many reps have this tenure", format="%d", min_value=0),
            "Tenure (months)": st.column_config.NumberColumn(help="Months in the job at the start", format="%d", min_value=0),
        },
    )  # fmt: skip
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
    col1, col2 = st.columns(2)
    col1.number_input(f"Quota per rep ({scenario.target_period_label()})", key="capacity.quota", step=5_000.0 if unit == "$" else 1.0, format="%.0f",
                      help="Each rep's quota for the target period, in the target's unit")  # fmt: skip
    col2.checkbox("Ramped quota for new reps", key="capacity.ramped_quota",
                  help="Reduce a new rep's quota by the ramp curve (otherwise only by months in seat)")  # fmt: skip
    col1.slider("Reps who should make quota", 30, 95, step=5, key="capacity.target_share", format="%d%%")
    col2.slider("Confidence for the plan", 50, 95, step=5, key="capacity.confidence", format="%d%%")
    with st.expander("Commission plan"):
        col1, col2 = st.columns(2)
        col1.number_input("Base rate (%)", key="capacity.base_pct", step=0.5)
        col2.number_input(
            "Cap (% attainment)",
            key="capacity.cap_pct",
            step=25.0,
            help="No commission on bookings above this attainment",
        )
        col1.number_input("Decelerator below (% attainment)", key="capacity.decel_at_pct", step=5.0)
        col2.number_input("Decelerator rate (%)", key="capacity.decel_pct", step=0.5)
        st.text_input("Accelerators (attainment %: rate %)", key="capacity.accelerators",
                      help="From 100% attainment pay 15%, from 150% pay 20%: 100: 15, 150: 20")  # fmt: skip


def team_from_inputs() -> TeamPlan:
    """The TeamPlan the widgets describe; ScenarioError names the input to fix."""
    ss = st.session_state
    groups = []
    for k, row in enumerate(edited_reps.itertuples(index=False)):
        count, tenure = row[0], row[1]
        if pd.isna(count) and pd.isna(tenure):
            continue
        if pd.isna(count) or pd.isna(tenure):
            raise ScenarioError(f"team.current_reps[{k}]", f"row {k + 1} of the team table needs both reps and tenure")
        groups.append(
            RepGroup(
                int(count) if float(count) == int(count) else count,
                int(tenure) if float(tenure) == int(tenure) else tenure,
            )
        )
    commission = CommissionPlan(
        base_rate=ss["capacity.base_pct"] / 100, decelerator_threshold=ss["capacity.decel_at_pct"] / 100,
        decelerator_rate=ss["capacity.decel_pct"] / 100, accelerators=parse_accelerators(ss["capacity.accelerators"]),
        cap_attainment=ss["capacity.cap_pct"] / 100,
    )  # fmt: skip
    return TeamPlan(
        current_reps=tuple(groups), hiring_plan=parse_hires(ss["capacity.hires"]), ramp_curve=parse_ramp(ss["capacity.ramp"]),
        attrition_annual=ss["capacity.attrition_pct"] / 100, backfill=bool(ss["capacity.backfill"]),
        backfill_delay_months=int(ss["capacity.backfill_delay"]), productivity_spread=ss["capacity.spread_pct"] / 100,
        deals_per_rep_month=ss["capacity.deals_per_rep"], routing=ss["capacity.routing"],
        territory_skew=ss["capacity.skew_pct"] / 100, quota=ss["capacity.quota"], ramped_quota=bool(ss["capacity.ramped_quota"]),
        target_share_at_quota=ss["capacity.target_share"] / 100, plan_confidence=ss["capacity.confidence"] / 100,
        commission=commission,
    )  # fmt: skip


input_error = state.apply_inputs(lambda: scenario.replace(team=team_from_inputs()))
scenario = state.current()
if input_error is not None and scenario.team is None:
    scenario = scenario.replace(team=team)

with results:
    state.show_input_error(input_error)
    _, simulated = team_simulation(simulation_key(scenario).to_json())
    view = build_capacity_view(with_plan(simulated, scenario))
    s = view.summary
    metric = scenario.target.metric
    headline = st.container(key="capacity.headline")
    headline.markdown(f"### {s.sentence}")
    m1, m2, m3, m4 = headline.columns(4)
    m1.metric("Reps at quota (expected)", percent(s.expected_share_at_quota.p),
              help=f"P10-P90 across trials: {percent(s.share_at_quota.p10)} - {percent(s.share_at_quota.p90)}; "
              f"Monte Carlo error +/- {percent(s.expected_share_at_quota.mc_se, 1)}")  # fmt: skip
    m2.metric(f"Quota for {percent(s.target_share)} at quota", format_value(s.recommended_quota, metric))
    m3.metric("Chance the team makes the plan", percent(s.hit_plan.p),
              help=f"Team bookings reach {format_value(scenario.target.value, metric)} in {scenario.target_period_label()}")  # fmt: skip
    m4.metric("Quota over-assignment", f"{s.over_assignment:.0%}",
              help=f"Sum of rep quotas / company target. Attainment factor (expected bookings / sum of quotas): {s.attainment_factor:.0%}")  # fmt: skip
    st.caption(
        f"Share of reps at quota P10 / P50 / P90: {percent(s.share_at_quota.p10)} / {percent(s.share_at_quota.p50)} / "
        f"{percent(s.share_at_quota.p90)}. Team bookings P10-P90: {format_value(s.team_bookings.p10, metric)} - "
        f"{format_value(s.team_bookings.p90, metric)} against a plan of {format_value(scenario.target.value, metric)}. "
        f"Over-assignment {s.over_assignment:.0%} (typical: 120-125%), attainment factor {s.attainment_factor:.0%}."
    )
    left, right = st.columns(2)
    with left:
        render.chart(charts.quota_curve_chart(view.quota_curve, quota=s.quota, recommended=s.recommended_quota,
                                              target_share=s.target_share, unit=unit))  # fmt: skip
    with right:
        render.chart(charts.attainment_histogram_chart(view.histogram))
    value_word = "Revenue" if metric == "revenue" else "Won deals"
    cap_tab, size_tab, reps_tab = st.tabs(["Capacity vs plan by month", "Ramped reps by month", "Each rep"])
    with cap_tab:
        render.chart(charts.monthly_bands_chart(view.monthly, unit=unit, title="Capacity, funnel demand and bookings by month",
                                                y_title=f"{value_word} per month", plan_per_month=view.plan_per_month,
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
    key_json = simulation_key(scenario).to_json()
    advice = hiring_advice(key_json, scenario.team.plan_confidence)
    changes = changes_table(what_if_runs(key_json), scenario)
    change_text = change_sentence(changes, metric)
    st.markdown(f"**Headcount for a {percent(advice.confidence)} chance of the plan.** {advice.sentence}")
    table = advice.table()
    table["chance_of_plan"] = table["chance_of_plan"].where(table["extra_hires"].notna())  # blank when out of reach
    table["extra_hires"] = [("not reachable" if v is None or pd.isna(v) else f"{int(v)}") for v in table["extra_hires"]]
    table = table.rename(
        columns={
            "hire_by": "Extra reps starting in",
            "extra_hires": "Extra reps needed",
            "chance_of_plan": "Chance of plan",
        }
    )
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Chance of plan": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)})  # fmt: skip
    st.markdown(f"**Ramp and attrition.** {change_text}")
    changes = changes.assign(
        team_bookings=changes["team_bookings"].round(), bookings_change=changes["bookings_change"].round()
    )
    shown = changes.rename(columns={"case": "Case", "team_bookings": "Team bookings", "bookings_change": "Change",
                                    "p_hit_plan": "Chance of plan", "share_at_quota": "Reps at quota"})  # fmt: skip
    st.dataframe(shown[["Case", "Team bookings", "Change", "Chance of plan", "Reps at quota"]], hide_index=True, width="stretch",
                 column_config={"Team bookings": st.column_config.NumberColumn(format="localized"),
                                "Change": st.column_config.NumberColumn(format="localized"),
                                "Chance of plan": st.column_config.NumberColumn(format="percent"),
                                "Reps at quota": st.column_config.NumberColumn(format="percent")})  # fmt: skip

    st.subheader("Commission cost")
    c1, c2, c3 = st.columns(3)
    c1.metric("Total commission (mean)", money(s.commission_cost.mean),
              help=f"P10-P90: {money(s.commission_cost.p10)} - {money(s.commission_cost.p90)}, {scenario.target_period_label()}")  # fmt: skip
    c2.metric(
        "Cost of sales", percent(s.cost_of_sales, 1), help="Expected commission / expected revenue booked by the team"
    )
    c3.metric("Per rep (median)", money(s.payout_per_rep.p50),
              help=f"P10-P90 per rep: {money(s.payout_per_rep.p10)} - {money(s.payout_per_rep.p90)}")  # fmt: skip
    render.chart(charts.payout_histogram_chart(view.payout_hist))
    st.caption(
        f"Plan: {scenario.team.commission.describe()}; the same plan for every rep. Model and conventions: docs/capacity.md."
    )
