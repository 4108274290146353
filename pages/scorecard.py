"""Performance standards: KPI scorecard, attainability and fairness (thin page over simulate.scorecard)."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from charts import scorecard as charts
from kpi import CATALOGUE, get
from kpi.compute import Tables
from kpi.display import format_value, input_label, input_scale
from simulate.scenario import PERIODS, ScenarioError, Standard, StandardSet, default_standards
from simulate.standards import (
    BUNDLED_QUOTA_PER_MONTH,
    Scorecard,
    build_scorecard,
    bundled_tables,
    suggested_target,
    value_plan,
)
from ui import render, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

CHANCE_TRIALS = 4_000
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


@st.cache_resource(max_entries=1, show_spinner=False)
def load_bundled() -> tuple[Tables, list[str]]:
    return bundled_tables()


@st.cache_resource(max_entries=8, ttl=3600, show_spinner=False)
def load_uploads(
    key: str, _crm: bytes | None, _activities: bytes | None, _monthly: bytes | None, quota: float
) -> tuple[Tables, list[str]]:
    """Uploaded files as tables (keyed by the sha256 of their bytes); raises ValueError with a user message."""
    import crm
    from kpi.tables import read_activities, read_monthly

    notes = []
    opportunities = activities = monthly = None
    if _crm is not None:
        imported = crm.load_opportunities(_crm)
        opportunities = imported.opportunities
        notes.append(f"CRM export: {len(opportunities):,} opportunities; {len(imported.excluded):,} rows excluded.")
    if _activities is not None:
        read = read_activities(_activities)
        activities = read.frame
        notes.append(f"Activity log: {len(read.frame):,} rows; {read.excluded} excluded.")
    if _monthly is not None:
        read = read_monthly(_monthly)
        monthly = read.frame
        notes.append(f"Monthly table: {len(read.frame)} months; {read.excluded} excluded.")
    return Tables(
        opportunities=opportunities, activities=activities, monthly=monthly, quota_per_month=quota or None
    ), notes


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)
def scenario_run(scenario_json: str):
    """The current scenario's Monte Carlo (read only; shared across sessions)."""
    from simulate.funnel import run as run_funnel
    from simulate.scenario import Scenario

    scenario = Scenario.from_json(scenario_json)
    return run_funnel(scenario, trials=min(scenario.trials, CHANCE_TRIALS))


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def period_values(
    data_key: str, _tables: Tables, period: str, keys: tuple[str, ...] | None, coverage_target: float | None
):
    """KPI values of one period (read only): they depend on the data, not on the standards' targets."""
    import dataclasses

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


def sha(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest()[:16] if data is not None else "-"


# --- data ------------------------------------------------------------------------------------------
scenario = state.current()
standards: StandardSet = scenario.standards or default_standards()
st.title("Performance standards")
st.caption(
    "Standards of performance per KPI: a target with a green / amber / red band, per team or per rep. "
    "See who meets them, how attainable they are, and whether reps got a fair share of leads."
)
state.init_widget("scorecard.source", "Bundled example")
state.init_widget("scorecard.quota", BUNDLED_QUOTA_PER_MONTH)
with st.sidebar:
    source = st.radio("Scorecard data", ["Bundled example", "Upload my data"], key="scorecard.source")
    quota = st.number_input(
        "Quota per rep per month ($)",
        min_value=0.0,
        step=5_000.0,
        format="%.0f",
        key="scorecard.quota",
        help="Used for quota attainment and share of reps at quota; 0 = no quota.",
    )
if source == "Bundled example":
    tables, notes = load_bundled()
    if quota != tables.quota_per_month:
        import dataclasses

        tables = dataclasses.replace(tables, quota_per_month=quota or None)
    data_key = f"bundled:{quota}"
    st.info(
        "Bundled example: the Maven CRM sample (35 reps, 8,800 opportunities). The activity log and the monthly "
        "marketing table are **synthetic** (made up by data/activities/make_activities.py) to show those KPIs.",
        icon=":material/science:",
    )
else:
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
    blobs = [f.getvalue() if f is not None else None for f in (crm_file, act_file, mon_file)]
    if not any(b is not None for b in blobs):
        st.info("Upload at least one file, or switch back to the bundled example.")
        st.stop()
    data_key = "upload:" + ":".join(sha(b) for b in blobs) + f":{quota}"
    try:
        tables, notes = load_uploads(data_key, *blobs, quota)
    except ValueError as exc:  # CrmImportError, TableError: user-facing messages
        st.error(f"**This file cannot be used:** {getattr(exc, 'message', str(exc))}", icon=":material/error:")
        st.stop()

# --- standards: the one in focus can be edited; the set lives in the scenario (and the link) ----------
labels = {
    f"{s.kpi}|{s.scope}": f"{get(s.kpi).name} ({'per rep' if s.scope == 'rep' else 'team'})"
    for s in standards.standards
}
if not labels:
    standards = default_standards()
    labels = {f"{s.kpi}|{s.scope}": get(s.kpi).name for s in standards.standards}
if "scorecard.next_focus" in st.session_state:  # set by add/remove/import before the selectbox exists
    st.session_state["scorecard.focus"] = st.session_state.pop("scorecard.next_focus")
if st.session_state.get("scorecard.focus") not in labels:
    st.session_state["scorecard.focus"] = next(iter(labels))
editor, status_box = st.columns([1, 2], gap="large")
with editor:
    st.subheader("Standard in focus")
    focus = st.selectbox("Standard", list(labels), format_func=labels.get, key="scorecard.focus")
    kpi_key, scope = focus.split("|")
    current = standards.get(kpi_key, scope)
    scale = input_scale(kpi_key)
    if st.session_state.get("scorecard.loaded") != (focus, current.to_dict()):
        st.session_state["scorecard.target"] = round(current.target * scale, 6)
        st.session_state["scorecard.amber"] = round(current.amber * scale, 6)
        st.session_state["scorecard.period"] = current.period
    better = "or more" if get(kpi_key).higher_is_better else "or less"
    st.number_input(
        f"Target ({input_label(kpi_key)}); green at this {better}",
        key="scorecard.target",
        step=1.0 if scale == 100 else None,
    )
    st.number_input(
        f"Amber from ({input_label(kpi_key)})",
        key="scorecard.amber",
        step=1.0 if scale == 100 else None,
        help="Values between amber and the target are amber; worse than amber is red.",
    )
    st.selectbox("Per", list(PERIODS), key="scorecard.period")
    st.caption(get(kpi_key).definition + f" Formula: `{get(kpi_key).formula}`.")
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
        edited = Standard(
            kpi_key,
            st.session_state["scorecard.target"] / scale,
            green=st.session_state["scorecard.target"] / scale,
            amber=st.session_state["scorecard.amber"] / scale,
            scope=scope,
            period=st.session_state["scorecard.period"],
        )
        candidate = StandardSet(standards.with_standard(edited).standards, attainable_share=share / 100)
        if candidate != standards:
            standards = candidate
            state.publish(scenario.replace(standards=standards))
        st.session_state["scorecard.loaded"] = (focus, standards.get(kpi_key, scope).to_dict())
    except ScenarioError as exc:
        st.error(f"**Fix this standard:** {exc.message}", icon=":material/error:")
    with st.expander("Add or remove a standard"):
        new_kpi = st.selectbox("KPI", list(CATALOGUE), format_func=lambda k: get(k).name, key="scorecard.new_kpi")
        new_scope = st.radio("Scope", get(new_kpi).scopes, horizontal=True, key="scorecard.new_scope")
        if st.button("Add this standard", key="scorecard.add"):
            new_scope = new_scope if new_scope in get(new_kpi).scopes else "team"
            month_values = period_values(data_key, tables, "month", None, tables.coverage_target)
            start = suggested_target(tables, new_kpi, new_scope, month_values)  # today's level: the user adjusts it
            target = start if start is not None and start > 0 else 1.0
            try:
                added = standards.with_standard(Standard(new_kpi, target, scope=new_scope))
                state.publish(scenario.replace(standards=added))
                st.session_state["scorecard.next_focus"] = f"{new_kpi}|{new_scope}"
                st.rerun()
            except ScenarioError as exc:
                st.error(exc.message)
        if len(standards.standards) > 1 and st.button(f"Remove '{labels[focus]}'", key="scorecard.remove"):
            state.publish(scenario.replace(standards=standards.without(kpi_key, scope)))
            st.session_state["scorecard.next_focus"] = None
            st.rerun()

card = scorecard(data_key, tables, standards.to_json(), scenario.to_json())
row = card.rows.set_index(["kpi", "scope"]).loc[(kpi_key, scope)]
unit = get(kpi_key).unit
with status_box:
    box = st.container(key="scorecard.status")
    shown = row["note"] if pd.isna(row["actual"]) else format_value(row["actual"], unit)
    who = "median rep" if scope == "rep" else "team"
    box.markdown(
        f"### {STATUS_BADGE[row['status']]} {labels[focus]}: {shown} ({who}, {row['latest_period'] or 'no period'})"
    )
    if scope == "rep" and (kpi_key, scope) in card.attain:
        a = card.attain[(kpi_key, scope)]
        attain_box = st.container(key="scorecard.attain")
        m1, m2, m3 = attain_box.columns(3)
        m1.metric(
            "Met it before",
            format_value(a.historical_share, "share"),
            help=f"Share of rep-periods over the last 6 periods ({a.rep_periods} rep-periods, {a.reps} reps)",
        )
        m2.metric(
            "Expected next period",
            format_value(a.expected_share, "share"),
            help=f"Average of each rep's simulated chance (per-rep Monte Carlo, +/- {a.expected_share_mc_se:.1%})",
        )
        m3.metric(
            f"Level {share}% can meet",
            format_value(a.standard_for_share_expected, unit),
            help=f"Historically: {format_value(a.standard_for_share_historical, unit)}",
        )
        verdict = "attainable" if a.attainable else "not attainable for enough reps"
        attain_box.caption(
            f"With this target the standard is **{verdict}** (goal: {share}% of reps). "
            f"In {row['latest_period']}, {int(row['reps_meeting'])} of {int(row['reps_measured'])} reps met it."
        )
        std = standards.get(kpi_key, scope)
        render.chart(
            charts.attainability_chart(
                a.per_rep,
                status=a.per_rep["value"].map(std.status),
                target=std.target,
                share_level=a.standard_for_share_expected,
                unit=unit,
                title=f"{get(kpi_key).name} by rep (last 6 periods)",
            )
        )
    elif scope == "team":
        chance = row["chance_next"]
        text = f"{chance:.0%} (+/- {row['chance_next_se']:.1%})" if pd.notna(chance) else row["chance_note"]
        st.markdown(f"**Chance the team meets it next period** (from the current scenario's Monte Carlo): {text}")
    elif pd.isna(row["actual"]):
        st.warning(row["note"])

# --- the scorecard ---------------------------------------------------------------------------------
st.subheader("Scorecard")
counts = card.rows["status"].value_counts()
st.caption(" · ".join(f"{STATUS_BADGE[s]} {int(counts.get(s, 0))}" for s in ("green", "amber", "red", "no data")))
table = pd.DataFrame(
    {
        "KPI": card.rows["name"],
        "Scope": card.rows["scope"],
        "Per": card.rows["period"],
        "Latest": card.rows["latest_period"],
        "Actual": [r.note if pd.isna(r.actual) else format_value(r.actual, r.unit) for r in card.rows.itertuples()],
        "Target": [format_value(r.target, r.unit) for r in card.rows.itertuples()],
        "Status": card.rows["status"],
        "Reps meeting": [
            f"{int(r.reps_meeting)} of {int(r.reps_measured)}" if r.scope == "rep" and pd.notna(r.reps_measured) else ""
            for r in card.rows.itertuples()
        ],
        "Expected to meet": [format_value(v, "share") if pd.notna(v) else "" for v in card.rows["expected_share"]],
        f"Level {share}% can meet": [
            format_value(r.standard_for_share, r.unit) if pd.notna(r.standard_for_share) else ""
            for r in card.rows.itertuples()
        ],
        "Chance next period": [f"{v:.0%}" if pd.notna(v) else "" for v in card.rows["chance_next"]],
        "Trend": [
            card.trends[(card.trends["kpi"] == r.kpi) & (card.trends["scope"] == r.scope)]["value"]
            .dropna()
            .astype(float)
            .tolist()
            for r in card.rows.itertuples()
        ],
        "Formula": card.rows["formula"],
    }
)
st.dataframe(
    table.style.map(lambda s: STATUS_CSS.get(s, ""), subset=["Status"]),
    hide_index=True,
    width="stretch",
    key="scorecard.table",
    column_config={"Trend": st.column_config.LineChartColumn("Trend (team)", help="Team value, last 12 periods")},
)

st.subheader("Reps")
rep_std = [s for s in standards.standards if s.scope == "rep" and s.kpi in card.reps.columns]
if rep_std:
    reps = card.reps[["rep"] + [s.kpi for s in rep_std] + ["reds"]].rename(
        columns={s.kpi: get(s.kpi).name for s in rep_std} | {"rep": "Rep", "reds": "Reds"}
    )
    if (kpi_key, scope) in card.attain:  # each rep's simulated chance of meeting the standard in focus
        chance = card.attain[(kpi_key, scope)].per_rep.set_index("rep")["chance_next"]
        reps[f"Chance next period: {get(kpi_key).name}"] = card.reps["rep"].map(chance).to_numpy()
    styles = pd.DataFrame("", index=reps.index, columns=reps.columns)
    for s in rep_std:
        styles[get(s.kpi).name] = card.reps[f"{s.kpi}__status"].map(lambda v: STATUS_CSS.get(v, "")).to_numpy()
    fmt = {get(s.kpi).name: (lambda u: lambda v: format_value(v, u))(get(s.kpi).unit) for s in rep_std}
    fmt |= {c: (lambda v: format_value(v, "share")) for c in reps.columns if c.startswith("Chance next period")}
    st.dataframe(
        reps.style.apply(lambda _: styles, axis=None).format(fmt),
        hide_index=True,
        width="stretch",
        key="scorecard.reps",
    )
    st.caption(
        "Latest complete period of each standard. Click a column header to sort; 'Reds' counts red standards per rep."
    )

st.subheader("Fairness: leads per rep")
if card.fair is not None:
    (st.warning if card.fair.unequal else st.success)(card.fair.message)
    render.chart(charts.fairness_chart(card.fair.per_rep, average=card.fair.mean_per_rep))
for message in card.messages:
    st.warning(message)

with st.expander("All KPIs in the catalogue (latest month, team)"):
    overview = card.overview.assign(
        value=[r.note if pd.isna(r.value) else format_value(r.value, r.unit) for r in card.overview.itertuples()]
    )
    st.dataframe(
        overview[["name", "category", "period", "value", "direction", "formula"]].rename(
            columns={
                "name": "KPI",
                "category": "Category",
                "period": "Latest",
                "value": "Team value",
                "direction": "Better when",
                "formula": "Formula",
            }
        ),
        hide_index=True,
        width="stretch",
    )

# --- export / import -----------------------------------------------------------------------------------
st.subheader("Export and import")
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
uploaded = c4.file_uploader("Import standards (JSON or scorecard .xlsx)", type=["json", "xlsx"], key="scorecard.import")
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
st.caption(" ".join(notes) + " Formulas for every KPI are in the Excel export (Formulas sheet) and the CSV header.")
