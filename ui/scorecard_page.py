"""Streamlit glue for the scorecard page: cached data and scoring, the data source (bundled example or
uploads), the add/remove widget group, status colours for tables, and the export/import row.

Every widget key starts with "scorecard." (tests and end-to-end tests select by them).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

import crm
from kpi import CATALOGUE, get
from kpi.compute import KPIValues, Tables
from kpi.display import format_value
from kpi.wording import current_currency
from simulate.scenario import Scenario, ScenarioError, Standard, StandardSet
from simulate.standards import (
    BUNDLED_QUOTA_PER_MONTH,
    STATUSES,
    RepsTable,
    Scorecard,
    ScorecardView,
    StandardInputs,
    added_standards,
    build_scorecard,
    build_scorecard_view,
    bundled_tables,
    split_focus,
    uploaded_tables,
    value_plan,
)
from ui import state
from ui.render import escape

CHANCE_TRIALS = 4_000
LAST_GOOD = "scorecard.last_good"  # the last uploaded ScorecardData that could be scored
STATUS_BADGE = {
    "green": ":green-background[**GREEN**]",
    "amber": ":orange-background[**AMBER**]",
    "red": ":red-background[**RED**]",
    "no data": ":gray-background[**NO DATA**]",
}
STATUS_CSS = {
    "green": "background-color: #c6efce; color: #006100",
    "amber": "background-color: #ffeb9c; color: #9c5700",
    "red": "background-color: #ffc7ce; color: #9c0006",
    "no data": "background-color: #e7e6e6; color: #595959",
}
BUNDLED_NOTE = (
    "Bundled example: the Maven CRM sample (35 reps, 8,800 opportunities). The activity log and the monthly "
    "marketing table are **synthetic** (made up by data/activities/make_activities.py) to show those KPIs."
)


@dataclass(frozen=True)
class ScorecardData:
    """The tables to score, notes on where they came from, and a key that changes when they do."""

    tables: Tables
    notes: list[str]
    key: str


# --- cached loaders and scoring (read only; shared across sessions) --------------------------------------
@st.cache_resource(max_entries=1, show_spinner=False)
def load_bundled() -> tuple[Tables, list[str]]:
    return bundled_tables()


@st.cache_resource(max_entries=8, ttl=3600, show_spinner=False)
def load_uploads(
    key: str,
    _crm: bytes | None,
    _activities: bytes | None,
    _monthly: bytes | None,
    quota: float,
    date_format: str | None = None,
) -> tuple[Tables, list[str]]:
    """Uploaded files as tables (keyed by the sha256 of their bytes); raises ValueError with a user message."""
    return uploaded_tables(_crm, _activities, _monthly, quota, date_format)


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)
def scenario_run(scenario_json: str):
    """The current scenario's Monte Carlo (read only; shared across sessions)."""
    from simulate.funnel import run as run_funnel

    scenario = Scenario.from_json(scenario_json)
    return run_funnel(scenario, trials=min(scenario.trials, CHANCE_TRIALS))


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def period_values(
    data_key: str, _tables: Tables, period: str, keys: tuple[str, ...] | None, coverage_target: float | None
) -> KPIValues:
    """KPI values of one period (read only): they depend on the data, not on the standards' targets."""
    from kpi.compute import compute

    return compute(dataclasses.replace(_tables, coverage_target=coverage_target), period, list(keys) if keys else None)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def scorecard(data_key: str, _tables: Tables, standards_json: str, scenario_json: str) -> Scorecard:
    standards = StandardSet.from_json(standards_json)
    planned, plan = value_plan(_tables, standards)
    values = {period: period_values(data_key, _tables, period, keys, planned.coverage_target) for period, keys in plan}
    card = build_scorecard(_tables, standards, result=scenario_run(scenario_json), values=values)
    card.values = {}  # already cached per period; keep the pickled copy small
    return card


def scorecard_view(
    data: ScorecardData, standards: StandardSet, scenario: Scenario, focus: str, *, share: int, label: str
) -> ScorecardView:
    """The standards scored on the data (cached) and put in words for the page."""
    card = scorecard(data.key, data.tables, standards.to_json(), scenario.to_json())
    return build_scorecard_view(card, focus, share=share, label=label, notes=data.notes)


def sha(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest()[:16] if data is not None else "-"


# --- widget groups ---------------------------------------------------------------------------------------
def choose_data() -> ScorecardData:
    """Sidebar: bundled example or uploads, and the quota; the main area says which data is scored.

    Stops the page (with a message) until at least one usable file is uploaded."""
    state.init_widget("scorecard.source", "Bundled example")
    state.init_widget("scorecard.quota", BUNDLED_QUOTA_PER_MONTH)
    with st.sidebar:
        source = st.radio("Scorecard data", ["Bundled example", "Upload my data"], key="scorecard.source")
        quota = st.number_input(
            f"Quota per rep per month ({current_currency()})",
            min_value=0.0,
            step=5_000.0,
            format="%.0f",
            key="scorecard.quota",
            help="Used for quota attainment and share of reps at quota; 0 = no quota.",
        )
    if source == "Bundled example":
        tables, notes = load_bundled()
        if quota != tables.quota_per_month:
            tables = dataclasses.replace(tables, quota_per_month=quota or None)
        st.info(BUNDLED_NOTE, icon=":material/science:")
        return ScorecardData(tables, notes, f"bundled:{quota}")
    up1, up2, up3 = st.columns(3)
    crm_file = up1.file_uploader("CRM export (CSV/Excel)", type=["csv", "xlsx", "txt"], key="scorecard.crm_file")
    act_file = up2.file_uploader(
        "Activity log (CSV)",
        type=["csv", "txt"],
        key="scorecard.act_file",
        help="Columns rep, date (YYYY-MM-DD), type; optional response_minutes, prospect",
    )
    mon_file = up3.file_uploader(
        "Monthly KPI table (CSV)",
        type=["csv", "txt"],
        key="scorecard.mon_file",
        help="Column month (YYYY-MM) and team totals: visitors, leads, mqls, sqls, spend, ...",
    )
    date_choice = up1.selectbox(
        "CRM date format",
        ["Detect", *crm.DATE_FORMATS],
        key="scorecard.date_format",
        help="M/D/YYYY is the US order (3/14/2017); D/M/YYYY the European one (14/3/2017).",
    )
    date_format = None if date_choice == "Detect" else date_choice
    blobs = [f.getvalue() if f is not None else None for f in (crm_file, act_file, mon_file)]
    if not any(b is not None for b in blobs):
        st.info("Upload at least one file, or switch back to the bundled example.")
        st.stop()
    data_key = "upload:" + ":".join(sha(b) for b in blobs) + f":{quota}:{date_format}"
    try:
        tables, notes = load_uploads(data_key, *blobs, quota, date_format)
    except crm.AmbiguousDateFormat as exc:
        st.warning(f"{escape(exc.message)}: choose it under **CRM date format**.", icon=":material/calendar_month:")
        return _last_good()
    except ValueError as exc:  # CrmImportError, TableError: user-facing messages
        message = getattr(exc, "message", str(exc))
        st.error(f"**This file cannot be used:** {escape(message)}", icon=":material/error:")
        return _last_good()
    data = ScorecardData(tables, notes, data_key)
    st.session_state[LAST_GOOD] = data
    return data


def _last_good() -> ScorecardData:
    """After files that cannot be used: the last uploads that could be (said so); else the page stops."""
    if LAST_GOOD not in st.session_state:
        st.stop()
    st.info("Still scoring the last files that could be read.", icon=":material/history:")
    return st.session_state[LAST_GOOD]


def take_focus(labels: dict[str, str]) -> None:
    """Before the focus selectbox exists: apply a focus set by add/remove/import, or start at the first one."""
    if "scorecard.next_focus" in st.session_state:
        st.session_state["scorecard.focus"] = st.session_state.pop("scorecard.next_focus")
    if st.session_state.get("scorecard.focus") not in labels:
        st.session_state["scorecard.focus"] = next(iter(labels))


def fill_inputs(focus: str, standard: Standard, inputs: StandardInputs) -> None:
    """Put the standard's numbers in the editor's boxes when the focus or the saved standard changed."""
    if st.session_state.get("scorecard.loaded") != (focus, standard.to_dict()):
        st.session_state["scorecard.target"] = inputs.target
        st.session_state["scorecard.amber"] = inputs.amber
        st.session_state["scorecard.period"] = inputs.period


def add_or_remove(scenario: Scenario, standards: StandardSet, focus: str, label: str, data: ScorecardData) -> None:
    """Expander: add a standard for any catalogue KPI (at today's level), or remove the one in focus."""
    with st.expander("Add or remove a standard"):
        new_kpi = st.selectbox("KPI", list(CATALOGUE), format_func=lambda k: get(k).name, key="scorecard.new_kpi")
        new_scope = st.radio("Scope", get(new_kpi).scopes, horizontal=True, key="scorecard.new_scope")
        if st.button("Add this standard", key="scorecard.add"):
            month_values = period_values(data.key, data.tables, "month", None, data.tables.coverage_target)
            try:
                added, new_focus = added_standards(standards, data.tables, new_kpi, new_scope, month_values)
                state.publish(scenario.replace(standards=added))
                st.session_state["scorecard.next_focus"] = new_focus
                st.rerun()
            except ScenarioError as exc:
                st.error(exc.message)
        if len(standards.standards) > 1 and st.button(f"Remove '{label}'", key="scorecard.remove"):
            state.publish(scenario.replace(standards=standards.without(*split_focus(focus))))
            st.session_state["scorecard.next_focus"] = None
            st.rerun()


# --- tables ----------------------------------------------------------------------------------------------
def counts_caption(counts: dict[str, int]) -> str:
    return " · ".join(f"{STATUS_BADGE[s]} {counts[s]}" for s in STATUSES)


def styled_scorecard(table: pd.DataFrame) -> Styler:
    return table.style.map(lambda s: STATUS_CSS.get(s, ""), subset=["Status"])


def styled_reps(reps: RepsTable) -> Styler:
    """Status colours on the standards' cells; values formatted in their unit (the frame keeps numbers to sort)."""
    colours = reps.status.map(lambda v: STATUS_CSS.get(v, ""))
    fmt = {column: (lambda u: lambda v: format_value(v, u))(unit) for column, unit in reps.units.items()}
    return reps.frame.style.apply(lambda _: colours, axis=None).format(fmt)


# --- export / import -------------------------------------------------------------------------------------
def export_and_import(scenario: Scenario, standards: StandardSet, view: ScorecardView, notes: list[str]) -> None:
    """Downloads (Excel, CSV, standards JSON; built on click) and an import of standards (JSON or .xlsx)."""
    card = view.card
    c1, c2, c3, c4 = st.columns(4)

    def xlsx_bytes() -> bytes:
        from report.scorecard_xlsx import write_xlsx

        return write_xlsx(card, notes=notes + card.messages)

    def csv_text() -> str:
        from report.scorecard_xlsx import scorecard_csv

        return scorecard_csv(card)

    c1.download_button(
        "Scorecard (Excel)",
        xlsx_bytes,
        "scorecard.xlsx",
        on_click="ignore",
        key="scorecard.dl_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    c2.download_button(
        "Scorecard (CSV)", csv_text, "scorecard.csv", on_click="ignore", key="scorecard.dl_csv", mime="text/csv"
    )
    c3.download_button(
        "Standards (JSON)",
        standards.to_json,
        "standards.json",
        on_click="ignore",
        key="scorecard.dl_json",
        mime="application/json",
    )
    uploaded = c4.file_uploader(
        "Import standards (JSON or scorecard .xlsx)", type=["json", "xlsx"], key="scorecard.import"
    )
    if uploaded is not None and st.session_state.get("scorecard.imported") != sha(uploaded.getvalue()):
        try:
            if uploaded.name.lower().endswith(".xlsx"):
                from report.scorecard_xlsx import read_standards_xlsx

                imported = read_standards_xlsx(uploaded.getvalue())
            else:
                imported = StandardSet.from_json(uploaded.getvalue())
            st.session_state["scorecard.imported"] = sha(uploaded.getvalue())
            state.publish(scenario.replace(standards=imported))
            st.session_state["scorecard.next_focus"] = None
            st.rerun()
        except ScenarioError as exc:
            st.error(f"**These standards cannot be imported:** {exc.message}", icon=":material/error:")
