"""Streamlit glue for the pipeline page: the CRM data step (bundled or upload + mapping), cached forecast and
backtest runs, and the import summary. What the page shows is worded in simulate.pipeline (pipeline_view)."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable

import pandas as pd
import streamlit as st

import crm
from report.safe import to_csv
from simulate.pipeline import (
    MAX_BACKTEST_MONTHS,
    MIN_CLOSED,
    BacktestResult,
    PipelineForecast,
    PipelineView,
    backtest_origins,
    backtest_pipeline,
    earliest_as_of,
    forecast_pipeline,
    import_sentence,
    kept_lost,
    pipeline_view,
    what_if_candidates,
)
from simulate.scenario import ScenarioError
from ui import tables
from ui.render import escape

BACKTEST_TRIALS = 1_000
STATUS_CHOICES = ["open", "won", "lost"]
NOT_IN_FILE = "(not in the file)"
LAST_GOOD = "pipeline.last_good"  # (data key, ImportResult, file name) of the last upload that imported

# How the page's result tables read (ui.tables): source column -> (title, kind).
DRIVER_COLUMNS = {
    "opportunity_id": ("Deal", "text"),
    "owner": ("Owner", "text"),
    "product": ("Product", "text"),
    "account": ("Account", "text"),
    "age_days": ("Age", "days"),
    "p_win": ("Chance won in period", "percent"),
    "expected_size": ("Expected size", "money"),
    "variance_share": ("Share of uncertainty", "percent"),
}
SIZE_COLUMNS = {
    "product": ("Product", "text"),
    "won": ("Won deals", "count"),
    "median": ("Median size", "money"),
    "mean": ("Mean size", "money"),
    "log_sd": ("Spread (log-sd)", "number2"),
}
BACKTEST_COLUMNS = {
    "as_of": ("As of", "date"),
    "period": ("Forecast for", "text"),
    "actual": ("Actual bookings", "money"),
    "p10": ("P10", "money"),
    "p50": ("P50", "money"),
    "p90": ("P90", "money"),
    "inside": ("Inside P10-P90", "yesno"),
    "ape": ("Error of P50", "percent"),
    "naive": ("Naive forecast", "money"),
    "naive_ape": ("Naive error", "percent"),
    "actual_won": ("Won deals", "count"),
    "won_p10": ("Won P10", "count"),
    "won_p50": ("Won P50", "count"),
    "won_p90": ("Won P90", "count"),
    "won_inside": ("Won inside P10-P90", "yesno"),
    "won_ape": ("Won error", "percent"),
}
PREVIEW_COLUMNS = {
    "opportunity_id": ("Deal", "text"),
    "owner": ("Owner", "text"),
    "stage": ("Stage", "text"),
    "status": ("Status", "text"),
    "amount": ("Amount", "money_exact"),
    "created_date": ("Created", "date"),
    "close_date": ("Closed", "date"),
    "product": ("Product", "text"),
    "account": ("Account", "text"),
}


@st.cache_resource(max_entries=1, show_spinner=False)
def bundled() -> crm.ImportResult:
    return crm.bundled_example()


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def read_upload(key: str, _data: bytes) -> crm.RawTable:
    """The uploaded file as a table of text (cached on the sha256 of its bytes)."""
    return crm.read_table(_data)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def import_upload(
    key: str, _raw: crm.RawTable, mapping_json: str, date_format: str | None, stage_json: str | None
) -> crm.ImportResult:
    mapping = crm.ColumnMapping.from_dict(json.loads(mapping_json))
    stage_map = json.loads(stage_json) if stage_json else None
    return crm.load_opportunities(_raw, mapping=mapping, date_format=date_format, stage_map=stage_map)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def run_forecast(
    data_key: str,
    _opp: pd.DataFrame,
    as_of: str,
    period: str,
    trials: int,
    seed: int,
    segment: str,
    target: float | None,
    lost: tuple[str, ...],
) -> PipelineForecast:
    return forecast_pipeline(
        _opp, as_of, period, trials=trials, seed=seed, target=target, lost_ids=lost, segment=segment
    )


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def run_backtest(data_key: str, _opp: pd.DataFrame, seed: int, segment: str) -> tuple[BacktestResult | None, int]:
    """The backtest over the origins that have data (None when none has); and the number of origins skipped."""
    origins, skipped = backtest_origins(_opp)
    if not origins:
        return None, skipped
    try:
        return backtest_pipeline(_opp, origins=origins, trials=BACKTEST_TRIALS, seed=seed, segment=segment), skipped
    except ScenarioError:  # an origin the data cannot calibrate after all: no backtest rather than an error
        return None, skipped + len(origins)


def skipped_sentence(skipped: int) -> str:
    return (
        f"{skipped:,} earlier month- or quarter-end(s) were left out of the backtest: before them there were fewer "
        f"than {MIN_CLOSED} closed deals (with a won one) to learn from, or they are more than "
        f"{MAX_BACKTEST_MONTHS} months before the export date."
    )


def what_can_be_answered(opp: pd.DataFrame) -> str:
    """After a failed forecast: what the file does support, and which as-of date would work."""
    start = earliest_as_of(opp)
    closed = int(opp["status"].isin(["won", "lost"]).sum())
    won = int((opp["status"] == "won").sum())
    text = (
        f"The import above is complete: {len(opp):,} opportunities, {closed:,} closed ({won:,} won), "
        f"{int((opp['status'] == 'open').sum()):,} open. "
    )
    if start is None:
        return text + (
            f"A forecast needs at least {MIN_CLOSED} closed deals including a won one: export closed (won and lost) "
            "opportunities too, with their close dates."
        )
    return text + f"Choose an 'As of' date on or after {start:%Y-%m-%d} to forecast from this file."


def forecast_view(
    data_key: str,
    opp: pd.DataFrame,
    as_of: datetime.date,
    period: str,
    trials: int,
    seed: int,
    segment: str,
    target: float | None,
    picked: Iterable[str],
) -> PipelineView:
    """The forecast as of a date, with the picked deals still open treated as lost, and the one without them.

    Raises ScenarioError (e.g. no closed deals to calibrate on) for the page to show.
    """
    run_args = (data_key, opp, f"{as_of:%Y-%m-%d}", period, trials, seed, segment, target or None)
    base = run_forecast(*run_args, ())
    lost = kept_lost(picked, what_if_candidates(base))
    return pipeline_view(base, run_forecast(*run_args, lost) if lost else base)


def mapping_step(raw: crm.RawTable, key: str) -> tuple[crm.ColumnMapping, str | None]:
    """Column and date-format choices; defaults are the importer's guesses."""
    guess = crm.guess_mapping(raw.columns)
    options = [NOT_IN_FILE, *raw.columns]
    chosen = {}
    with st.expander("Column mapping", expanded=bool(guess.missing())):
        st.caption("Which column of your file holds each field. Required: stage, amount, created date, close date.")
        cols = st.columns(4)
        for k, field in enumerate(crm.CANONICAL_FIELDS):
            default = getattr(guess, field)
            label = crm.FIELD_LABELS[field] + (" *" if field in crm.REQUIRED_FIELDS else "")
            picked = cols[k % 4].selectbox(
                label, options, index=options.index(default) if default else 0, key=f"pipeline.map.{key}.{field}"
            )
            chosen[field] = None if picked == NOT_IN_FILE else picked
        fmt = st.selectbox(
            "Date format",
            ["Detect", *crm.DATE_FORMATS],
            key=f"pipeline.datefmt.{key}",
            help="M/D/YYYY is the US order (3/14/2017); D/M/YYYY the European one (14/3/2017).",
        )
    return crm.ColumnMapping(**chosen), None if fmt == "Detect" else fmt


def stage_step(raw: crm.RawTable, stage_column: str, key: str) -> str:
    """What each stage label means (open / won / lost), as JSON; defaults are the importer's guesses."""
    labels = sorted({str(v) for v in raw.frame[stage_column].dropna().unique()})
    guessed = crm.guess_stage_mapping(labels)
    with st.expander("Stage mapping", expanded=False):
        table = st.data_editor(
            pd.DataFrame({"stage": labels, "means": [guessed[x] for x in labels]}),
            key=f"pipeline.stages.{key}",
            placeholder="",  # empty cells blank, not "None"
            hide_index=True,
            disabled=["stage"],
            column_config={"means": st.column_config.SelectboxColumn("means", options=STATUS_CHOICES, required=True)},
        )
    return json.dumps(dict(zip(table["stage"], table["means"], strict=True)))


def load_data() -> tuple[str, crm.ImportResult | None]:
    """The bundled export, or an upload taken through mapping; shows what went wrong instead of a traceback."""
    source = st.radio("CRM data", ["Bundled example", "Upload a CRM export"], horizontal=True, key="pipeline.source")
    if source == "Bundled example":
        st.caption(
            "Maven Analytics' CRM Sales Opportunities sample: 8,800 B2B opportunities, Oct 2016 - Dec 2017 (data/crm)."
        )
        return "bundled", bundled()
    upload = st.file_uploader(
        "Opportunities export (CSV or Excel .xlsx)",
        type=["csv", "txt", "xlsx"],
        key="pipeline.upload",
        help="One row per opportunity: id, owner, stage, amount, created date, close date, product, account.",
    )
    if upload is None:
        st.info("Upload an export of open and closed opportunities (Salesforce, HubSpot, ...) to forecast from it.")
        return "none", None
    data = upload.getvalue()
    key = hashlib.sha256(data).hexdigest()[:16]
    try:
        raw = read_upload(key, data)
    except crm.CrmImportError as exc:
        st.error(f"**{escape(upload.name)}:** {escape(exc.message)}", icon=":material/error:")
        return last_good()
    mapping, date_format = mapping_step(raw, key)
    missing = mapping.missing()
    if missing:
        st.warning(
            "Choose the column for: " + ", ".join(crm.FIELD_LABELS[f] for f in missing), icon=":material/table_edit:"
        )
        return "none", None
    stage_json = stage_step(raw, mapping.stage, key) if mapping.stage else None
    try:
        result = import_upload(key, raw, json.dumps(mapping.to_dict()), date_format, stage_json)
    except crm.AmbiguousDateFormat as exc:
        st.warning(
            f"{escape(exc.message)}: pick it under **Column mapping > Date format**.", icon=":material/calendar_month:"
        )
        return "none", None
    except crm.CrmImportError as exc:
        st.error(f"**{escape(upload.name)}:** {escape(exc.message)}", icon=":material/error:")
        return last_good()
    data_key = f"{key}:{hash((mapping, date_format, stage_json))}"
    st.session_state[LAST_GOOD] = (data_key, result, upload.name)
    return data_key, result


def last_good() -> tuple[str, crm.ImportResult | None]:
    """After a file that cannot be used: the last upload that could be (said so), or nothing."""
    if LAST_GOOD not in st.session_state:
        return "none", None
    data_key, result, name = st.session_state[LAST_GOOD]
    st.info(f"Still showing the last export that could be read: {escape(name)}.", icon=":material/history:")
    return data_key, result


def import_summary(result: crm.ImportResult) -> None:
    """What was imported, a preview, and the report of excluded or repaired rows with its download."""
    st.markdown(import_sentence(result))
    st.caption(result.accounting)
    with st.expander("What was imported (first 200 rows)"):
        tables.show_table(result.opportunities.head(200), PREVIEW_COLUMNS, key="pipeline.preview")
    with st.expander(
        f"Import report ({len(result.report):,} rows excluded or repaired)", expanded=not result.excluded.empty
    ):
        for note in result.notes:
            st.markdown(f"- {escape(note)}")
        if not result.report.empty:
            st.dataframe(result.report_summary(), hide_index=True, key="pipeline.report_summary")
            st.dataframe(result.report, hide_index=True, height=240, key="pipeline.report")
            st.download_button(
                "Download the import report (CSV)",
                data=to_csv(result.report),
                file_name="import_report.csv",
                mime="text/csv",
                on_click="ignore",
                key="pipeline.report_download",
            )
