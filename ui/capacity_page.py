"""Streamlit glue for the capacity page: cached team simulations and decisions, and the widget groups with
more than a line of set-up. Every key starts with P ("capacity."); the logic is in simulate.capacity.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulate.capacity import (
    WIDGET_NAMES,
    CapacityDecisions,
    CapacityPage,
    HeadcountAdvice,
    TeamResult,
    capacity_decisions,
    capacity_page,
    change_cases,
    headcount_needed,
    simulate_team,
    simulation_key,
    team_from_values,
    team_table,
    widget_values,
    with_plan,
)
from simulate.funnel import SimulationResult
from simulate.funnel import run as run_funnel
from simulate.scenario import Scenario, TeamPlan
from ui import state, tables

P = "capacity."  # widget key prefix
RAMP_SLOWER_MONTHS = 3
ATTRITION_EXTRA = 0.10


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Simulating the team...")
def team_simulation(key_json: str) -> tuple[SimulationResult, TeamResult]:
    """Funnel and team trials for a scenario whose quota and pay inputs are normalised (stays on the server)."""
    scenario = Scenario.from_json(key_json)
    funnel = run_funnel(scenario)
    return funnel, simulate_team(scenario, funnel)


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Working out the headcount...")
def hiring_advice(key_json: str, confidence: float) -> HeadcountAdvice:
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


def team_view(scenario: Scenario) -> CapacityPage:
    """The page's figures for the scenario: one cached simulation serves every quota and pay plan."""
    _, simulated = team_simulation(simulation_key(scenario).to_json())
    return capacity_page(with_plan(simulated, scenario))


def decisions(scenario: Scenario) -> CapacityDecisions:
    """Headcount for the plan confidence and the cost of a slower ramp or more attrition (cached runs)."""
    key_json = simulation_key(scenario).to_json()
    advice = hiring_advice(key_json, scenario.team.plan_confidence)
    return capacity_decisions(advice, what_if_runs(key_json), scenario)


def init_widgets(team: TeamPlan) -> None:
    """Start every widget from the team plan unless the user already set it."""
    for name, value in widget_values(team).items():
        state.init_widget(P + name, value)
    if P + "reps_base" not in st.session_state:
        st.session_state[P + "reps_base"] = team_table(team)


def team_from_widgets(reps: pd.DataFrame) -> TeamPlan:
    """The TeamPlan the widgets and the edited team table describe; ScenarioError names the input to fix."""
    return team_from_values({name: st.session_state[P + name] for name in WIDGET_NAMES}, reps)


def reps_editor() -> pd.DataFrame:
    """The editable table of reps in seat today by tenure; returns the table as edited."""
    return st.data_editor(
        st.session_state[P + "reps_base"], key=P + "reps", num_rows="dynamic", hide_index=True, width="stretch", placeholder="",
        column_config={
            "Reps": st.column_config.NumberColumn(help="How many reps have this tenure", format="%d", min_value=0),
            "Tenure (months)": st.column_config.NumberColumn(help="Months in the job at the start", format="%d", min_value=0),
        },
    )  # fmt: skip


def commission_inputs() -> None:
    with st.expander("Commission plan"):
        col1, col2 = st.columns(2)
        col1.number_input("Base rate (%)", key=P + "base_pct", step=0.5)
        col2.number_input(
            "Cap (% attainment)",
            key=P + "cap_pct",
            step=25.0,
            help="No commission on bookings above this attainment",
        )
        col1.number_input("Decelerator below (% attainment)", key=P + "decel_at_pct", step=5.0)
        col2.number_input("Decelerator rate (%)", key=P + "decel_pct", step=0.5)
        st.text_input("Accelerators (attainment %: rate %)", key=P + "accelerators",
                      help="From 100% attainment pay 15%, from 150% pay 20%: 100: 15, 150: 20")  # fmt: skip


def show_hiring(table: pd.DataFrame) -> None:
    tables.show_table(table)  # already text (simulate.capacity.hiring_table)


def show_changes(table: pd.DataFrame, money: bool = True) -> None:
    amount, change = ("money", "money_change") if money else ("count", "count_change")
    tables.show_table(table, {"Team bookings": (None, amount), "Change": (None, change),
                              "Chance of plan": (None, "percent"), "Reps at quota": (None, "percent")})  # fmt: skip
