"""Streamlit glue for the plan page: the data step (bundled, upload, or the data saved with a plan), cached
calibration and plan runs, what-if widgets, and saving the plan with its data in the store.

What the page shows is worded in simulate.plan (fan_rows, inputs_rows, plan_sentence, BandWords).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re

import pandas as pd
import streamlit as st

import crm
from simulate.plan import (
    OVERRIDE_KEYS,
    BandWords,
    PlanCalibration,
    PlanInputError,
    PlanResult,
    calibrate_plan,
    overrides_between,
    run_plan,
)
from simulate.scenario import Scenario, Target
from ui import pipeline_page, state, store_panel
from ui.render import escape

PLAN_PREFIX = "Plan from "
BUNDLED_LABEL = "the bundled example"
BUNDLED_AS_OF = datetime.date(2017, 9, 30)  # its last month-end before the export's volume is cut short
MONTHLY_CHOICES = ("None", "Bundled example (synthetic)", "Upload a monthly table")
# what-if inputs on the page: key -> (label, step, format, scale shown / stored)
WHAT_IFS = {
    "win_rate": ("Win rate (%)", 1.0, "%.1f", 100.0),
    "deal_median": ("Deal size median", 100.0, "%.0f", 1.0),
    "deal_p90": ("Deal size P90", 100.0, "%.0f", 1.0),
    "cycle_median": ("Cycle median (days)", 1.0, "%.0f", 1.0),
    "cycle_p90": ("Cycle P90 (days)", 1.0, "%.0f", 1.0),
    "volume_level": ("Volume per month", 10.0, "%.0f", 1.0),
    "volume_growth": ("Growth per month (%)", 0.5, "%.1f", 100.0),
}
REP_COLUMNS = {
    "owner": ("Rep", "text"),
    "existing_mean": ("From their open deals (mean)", "money"),
    "new_mean": ("From new deals (mean)", "money"),
    "bookings_mean": ("Bookings (mean)", "money"),
    "bookings_p10": ("P10", "money"),
    "bookings_p50": ("P50", "money"),
    "bookings_p90": ("P90", "money"),
}
CALL_CHOICES = {0.7: "7 in 10", 0.8: "8 in 10", 0.9: "9 in 10", 0.95: "19 in 20"}
BEST_CHOICES = {0.05: "1 in 20", 0.1: "1 in 10", 0.2: "2 in 10", 0.3: "3 in 10"}


# --- data ------------------------------------------------------------------------------------------------
@st.cache_resource(max_entries=4, show_spinner=False)
def import_bytes(key: str, _data: bytes, mapping_json: str | None, date_format: str | None, stage_json: str | None):
    """A CRM export's bytes imported (with the mapping it was saved with, if any)."""
    mapping = crm.ColumnMapping.from_dict(json.loads(mapping_json)) if mapping_json else None
    stage_map = json.loads(stage_json) if stage_json else None
    return crm.load_opportunities(_data, mapping=mapping, date_format=date_format, stage_map=stage_map)


def saved_plan() -> tuple[dict, dict] | None:
    """(extras["plan"], datasets) of the saved scenario on screen, when it is a plan; else None."""
    here = store_panel.opened()
    if not here:
        return None
    store = store_panel.get_store()
    if store is None:
        return None
    try:
        saved = store.load(int(here["id"]), int(here["version"]))
    except Exception:  # noqa: BLE001 - a store problem is shown by the sidebar; the page works without it
        return None
    plan = (saved.extras or {}).get("plan")
    return (plan, dict(saved.datasets or {})) if isinstance(plan, dict) else None


def load_data() -> tuple[str, crm.ImportResult | None, dict]:
    """(data key, import result, what to keep when saving: label, bytes, filename, mapping) from the source picked."""
    saved = saved_plan()
    options = ["Bundled example", "Upload a CRM export"]
    if saved and (saved[1].get("crm") or saved[0].get("data") == "bundled"):
        options.insert(0, "Data saved with this plan")
    if st.session_state.get("plan.source") not in options:
        st.session_state["plan.source"] = options[0]
    source = st.radio("CRM data", options, horizontal=True, key="plan.source")
    if source == "Data saved with this plan":
        plan, datasets = saved
        if plan.get("data") == "bundled":
            return "bundled", pipeline_page.bundled(), {"label": BUNDLED_LABEL}
        try:
            content, filename, _ = store_panel.get_store().get_dataset(datasets["crm"])
        except Exception as exc:  # noqa: BLE001 - StoreError: missing or not shared with this user
            st.error(f"The data saved with this plan cannot be read: {escape(exc)}", icon=":material/error:")
            return "none", None, {}
        key = hashlib.sha256(content).hexdigest()[:16]
        try:
            result = import_bytes(key, content, plan.get("mapping"), plan.get("date_format"), plan.get("stage_map"))
        except crm.CrmImportError as exc:
            st.error(escape(exc.message), icon=":material/error:")
            return "none", None, {}
        st.caption(f"Opened with the plan: {escape(filename)} ({len(content):,} bytes, kept in the store).")
        return key, result, {"label": filename, "content": content, "filename": filename, "result": result}
    if source == "Bundled example":
        st.caption("Maven Analytics' CRM Sales Opportunities sample: 8,800 B2B opportunities, Oct 2016 - Dec 2017.")
        return "bundled", pipeline_page.bundled(), {"label": BUNDLED_LABEL}
    upload = st.file_uploader(
        "Opportunities export (CSV or Excel .xlsx)", type=["csv", "txt", "xlsx"], key="plan.upload"
    )
    if upload is None:
        st.info("Upload an export of open and closed opportunities (Salesforce, HubSpot, ...) to plan from it.")
        return "none", None, {}
    content = upload.getvalue()
    key = hashlib.sha256(content).hexdigest()[:16]
    try:
        raw = pipeline_page.read_upload(key, content)
    except crm.CrmImportError as exc:
        st.error(f"**{escape(upload.name)}:** {escape(exc.message)}", icon=":material/error:")
        return "none", None, {}
    mapping, date_format = pipeline_page.mapping_step(raw, key)
    if mapping.missing():
        st.warning("Choose the column for: " + ", ".join(crm.FIELD_LABELS[f] for f in mapping.missing()))
        return "none", None, {}
    stage_json = pipeline_page.stage_step(raw, mapping.stage, key) if mapping.stage else None
    mapping_json = json.dumps(mapping.to_dict())
    try:
        result = pipeline_page.import_upload(key, raw, mapping_json, date_format, stage_json)
    except crm.CrmImportError as exc:
        st.error(escape(exc.message), icon=":material/error:")
        return "none", None, {}
    keep = {
        "label": upload.name,
        "content": content,
        "filename": upload.name,
        "mapping": mapping_json,
        "date_format": date_format,
        "stage_map": stage_json,
    }
    return f"{key}:{hash((mapping_json, date_format, stage_json))}", result, keep


def monthly_step(saved: tuple[dict, dict] | None) -> tuple[str, pd.DataFrame | None, bytes | None]:
    """The optional monthly marketing table: (key, frame, bytes to keep)."""
    from kpi.tables import TableError, bundled_monthly, read_monthly

    if saved and saved[1].get("monthly") and st.session_state.get("plan.source") == "Data saved with this plan":
        try:
            content, _, _ = store_panel.get_store().get_dataset(saved[1]["monthly"])
            return hashlib.sha256(content).hexdigest()[:16], read_monthly(content).frame, content
        except Exception as exc:  # noqa: BLE001
            st.warning(f"The monthly table saved with this plan cannot be read: {escape(exc)}")
    choice = st.radio(
        "Monthly marketing table (optional: visitors, leads, MQLs, SQLs, opportunities)",
        MONTHLY_CHOICES,
        horizontal=True,
        key="plan.monthly",
        help="The scorecard's monthly format. With it the plan starts at visitors; without it, at opportunities.",
    )
    if choice == MONTHLY_CHOICES[1]:
        return "bundled-monthly", bundled_monthly().frame, None
    if choice == MONTHLY_CHOICES[2]:
        upload = st.file_uploader("Monthly table (CSV)", type=["csv", "txt"], key="plan.monthly_upload")
        if upload is None:
            return "none", None, None
        content = upload.getvalue()
        try:
            read = read_monthly(content)
        except (TableError, ValueError) as exc:
            st.error(f"**{escape(upload.name)}:** {escape(exc)}", icon=":material/error:")
            return "none", None, None
        if read.excluded:
            st.caption(
                f"Monthly table: {len(read.frame)} months used; {read.excluded} rows excluded (see the file's report)."
            )
        return hashlib.sha256(content).hexdigest()[:16], read.frame, content
    return "none", None, None


# --- runs ------------------------------------------------------------------------------------------------
@st.cache_resource(max_entries=8, show_spinner=False)
def calibrated(
    data_key: str, _opp: pd.DataFrame, as_of: str, monthly_key: str, _monthly, deal_size, volume: str = "trend"
) -> PlanCalibration:
    return calibrate_plan(_opp, as_of, monthly=_monthly, deal_size=deal_size, volume=volume)


@st.cache_resource(max_entries=16, show_spinner=False)
def planned(
    cal_key: str, _cal: PlanCalibration, months: int, trials: int, seed: int, overrides_json: str, target: tuple
) -> PlanResult:
    return run_plan(
        _cal, months, trials, seed, overrides=json.loads(overrides_json), target=Target(*target), per_rep=False
    )


@st.cache_resource(max_entries=8, show_spinner="Routing new deals to the reps...")
def rep_table(sig: str, _plan: PlanResult, months: int, trials: int, seed: int, overrides_json: str):
    """The plan per rep (computed on demand: it runs the capacity model on the plan's trials)."""
    return _plan.per_rep_table()


def as_of_from_name(name: str) -> datetime.date | None:
    """A plan scenario's as-of date from its name ("Plan from x.csv as of 2017-09-30")."""
    match = re.search(r"as of (\d{4}-\d{2}-\d{2})", name)
    try:
        return datetime.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


def short_label(label: str) -> str:
    return label if len(label) <= 60 else label[:57] + "..."


def plan_name(label: str, as_of: datetime.date) -> str:
    return f"{PLAN_PREFIX}{short_label(label)} as of {as_of:%Y-%m-%d}"


def link_without_data(label: str) -> str | None:
    """The message when the scenario on screen is a plan calibrated on other data than the page has."""
    current = state.current().name
    if not current.startswith(PLAN_PREFIX):
        return None
    made_on = current[len(PLAN_PREFIX) :].rsplit(" as of ", 1)[0]
    if made_on == short_label(label):
        return None
    return (
        f"This scenario was calibrated on **{escape(made_on)}**, which a link does not carry (links hold inputs, not "
        "data). Upload that file, or open the saved scenario from the sidebar: a plan saved here keeps its data. "
        f"Until then the plan below uses {escape(label)}."
    )


def what_if_widgets(cal: PlanCalibration, sig: str, start: dict[str, float]) -> dict[str, float]:
    """Number inputs for the what-ifs, starting at the calibrated value (or a link's / saved plan's override);
    returns the overrides (values that differ from the calibration)."""
    base = {
        "win_rate": cal.scenario.stages[-1].conversion.mean(),
        "deal_median": cal.scenario.deal_size.median,
        "deal_p90": cal.scenario.deal_size.p90,
        "cycle_median": cal.scenario.cycle.median_days,
        "cycle_p90": cal.scenario.cycle.p90_days,
        "volume_level": cal.scenario.volume.level,
        "volume_growth": cal.scenario.volume.growth,
    }
    out = {}
    columns = st.columns(4)
    for k, (key, (label, step, fmt, scale)) in enumerate(WHAT_IFS.items()):
        widget = f"plan.o.{sig}.{key}"
        state.init_widget(widget, round(start.get(key, base[key]) * scale, 4))
        value = columns[k % 4].number_input(label, step=step, format=fmt, key=widget)
        if value is not None and abs(value / scale - base[key]) > 1e-6 * max(1.0, abs(base[key])):
            out[key] = float(value) / scale
    if st.button("Back to the calibrated values", key=f"plan.reset.{sig}"):
        for key in WHAT_IFS:
            st.session_state.pop(f"plan.o.{sig}.{key}", None)
        st.rerun()
    return out


def start_overrides(cal: PlanCalibration) -> dict[str, float]:
    """What-ifs held by the plan scenario on screen (from a link or a saved plan) for this calibration."""
    current = state.current()
    if not current.name.startswith(PLAN_PREFIX) or current.stage_names != cal.scenario.stage_names:
        return {}
    try:
        return {k: v for k, v in overrides_between(cal, current).items() if k in OVERRIDE_KEYS}
    except (PlanInputError, ValueError):
        return {}


def band_words() -> BandWords:
    with st.expander("Forecast-call words"):
        c1, c2, c3, c4, c5 = st.columns(5)
        commit = c1.text_input("Lower figure called", "Commit", key="plan.w.commit", max_chars=30) or "Commit"
        chance = c2.selectbox(
            "... reached in", list(CALL_CHOICES), index=2, format_func=CALL_CHOICES.get, key="plan.w.commit_chance"
        )
        likely = (
            c3.text_input("Middle figure called", "Most likely", key="plan.w.likely", max_chars=30) or "Most likely"
        )
        best = c4.text_input("Upper figure called", "Best case", key="plan.w.best", max_chars=30) or "Best case"
        best_chance = c5.selectbox(
            "... exceeded in", list(BEST_CHOICES), index=1, format_func=BEST_CHOICES.get, key="plan.w.best_chance"
        )
    return BandWords(commit.strip(), likely.strip(), best.strip(), float(chance), float(best_chance))


def target_months_frame(result: PlanResult) -> pd.DataFrame:
    """The target spread evenly over the months of its period (for the fan chart's red dashes)."""
    start, stop = result.target_months()
    if stop <= start or result.target.metric != "revenue":
        return pd.DataFrame(columns=["month", "order", "target"])
    months = [pd.Period(m, "M").strftime("%b %Y") for m in result.months[start:stop]]
    per = result.target.value / (stop - start)
    return pd.DataFrame({"month": months, "order": range(start, stop), "target": per})


def plan_scenario(result: PlanResult, name: str, current: Scenario) -> Scenario:
    """The plan's scenario as the other pages open it: the what-ifs applied, this session's trials and seed."""
    return result.scenario.replace(name=name, trials=current.trials, seed=current.seed)


def save_with_data(scenario: Scenario, keep: dict, monthly_bytes: bytes | None, extras: dict, name: str) -> str:
    """Save the plan scenario with its CRM export (and monthly table) in the store; returns a sentence."""
    store = store_panel.get_store()
    if store is None:
        return "The store is not available: the plan was not saved."
    datasets = {}
    if keep.get("content") is not None:
        datasets["crm"] = store.put_dataset(keep["content"], filename=keep["filename"], kind="crm")
    if monthly_bytes is not None:
        datasets["monthly"] = store.put_dataset(monthly_bytes, filename="monthly.csv", kind="monthly")
    plan = dict(extras)
    if keep.get("content") is None:
        plan["data"] = "bundled"
    else:
        plan.update({k: keep.get(k) for k in ("mapping", "date_format", "stage_map")})
    version = store.save(
        scenario.replace(name=name), name, note="plan with its data", extras={"plan": plan}, datasets=datasets
    )
    store_panel.remember(store.load(name, version))
    state.publish(scenario.replace(name=name))
    kept = " and ".join(f"the {k} file" for k in datasets) or "no file (the bundled example is part of the app)"
    return f"Saved '{name}' version {version} with {kept}. Opening it from the sidebar reopens this data."
