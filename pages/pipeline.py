"""Will we make the quarter? Import a CRM export, map it, forecast bookings from the open pipeline, check the backtest."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import streamlit as st

import crm
from charts import pipeline as charts
from kpi.wording import chance_in_10, count, money
from simulate.pipeline import PipelineForecast, backtest_pipeline, export_date, forecast_pipeline
from simulate.scenario import ScenarioError
from ui import render, state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

MAX_TRIALS = 50_000  # the pipeline Monte Carlo is per deal: more trials add nothing a leader can see
BACKTEST_TRIALS = 1_000
STATUS_CHOICES = ["open", "won", "lost"]
NOT_IN_FILE = "(not in the file)"
SEGMENTS = {"product": "Product", "owner": "Sales rep"}


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
def run_backtest(data_key: str, _opp: pd.DataFrame, seed: int, segment: str):
    return backtest_pipeline(_opp, trials=BACKTEST_TRIALS, seed=seed, segment=segment)


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
        st.error(f"**{upload.name}:** {exc.message}", icon=":material/error:")
        return "none", None
    mapping, date_format = mapping_step(raw, key)
    missing = mapping.missing()
    if missing:
        st.warning(
            "Choose the column for: " + ", ".join(crm.FIELD_LABELS[f] for f in missing), icon=":material/table_edit:"
        )
        return "none", None
    stage_json = None
    if mapping.stage:
        labels = sorted({str(v) for v in raw.frame[mapping.stage].dropna().unique()})
        guessed = crm.guess_stage_mapping(labels)
        with st.expander("Stage mapping", expanded=False):
            table = st.data_editor(
                pd.DataFrame({"stage": labels, "means": [guessed[x] for x in labels]}),
                key=f"pipeline.stages.{key}",
                hide_index=True,
                disabled=["stage"],
                column_config={
                    "means": st.column_config.SelectboxColumn("means", options=STATUS_CHOICES, required=True)
                },
            )
        stage_json = json.dumps(dict(zip(table["stage"], table["means"], strict=True)))
    try:
        result = import_upload(key, raw, json.dumps(mapping.to_dict()), date_format, stage_json)
    except crm.AmbiguousDateFormat as exc:
        st.warning(f"{exc.message}: pick it under **Column mapping > Date format**.", icon=":material/calendar_month:")
        return "none", None
    except crm.CrmImportError as exc:
        st.error(exc.message, icon=":material/error:")
        return "none", None
    return f"{key}:{hash((mapping, date_format, stage_json))}", result


def import_summary(result: crm.ImportResult) -> None:
    opp = result.opportunities
    status = opp["status"].value_counts()
    st.markdown(
        f"Imported **{len(opp):,}** of {result.rows_read:,} rows: {status.get('open', 0):,} open, {status.get('won', 0):,} won, "
        f"{status.get('lost', 0):,} lost; dates read as {result.date_format}; "
        f"**{len(result.excluded):,} excluded**, {len(result.repaired):,} repaired."
    )
    with st.expander("What was imported (first 200 rows)"):
        st.dataframe(opp.head(200), hide_index=True, key="pipeline.preview")
    with st.expander(
        f"Import report ({len(result.report):,} rows excluded or repaired)", expanded=not result.excluded.empty
    ):
        for note in result.notes:
            st.markdown(f"- {note}")
        if not result.report.empty:
            st.dataframe(result.report_summary(), hide_index=True, key="pipeline.report_summary")
            st.dataframe(result.report, hide_index=True, height=240, key="pipeline.report")
            st.download_button(
                "Download the import report (CSV)",
                data=result.report.to_csv(index=False),
                file_name="import_report.csv",
                mime="text/csv",
                on_click="ignore",
                key="pipeline.report_download",
            )


# --- page ----------------------------------------------------------------------------------------------
scenario = state.current()
st.title("Will we make the quarter?")
st.caption(
    "Bookings forecast from your CRM: every open deal may close in the period (or not) and be won (or not), sized "
    "from its product's history; deals not yet created add their share. Calibrated on your closed deals and checked by a backtest."
)
data_key, result = load_data()
if result is None:
    st.stop()
import_summary(result)
opp = result.opportunities
try:
    last = export_date(opp)
except ScenarioError as exc:
    st.error(exc.message)
    st.stop()

state.init_widget("pipeline.as_of", last.date())
if st.session_state["pipeline.as_of"] > last.date():  # a new file that ends earlier
    st.session_state["pipeline.as_of"] = last.date()
state.init_widget("pipeline.period", "quarter")
state.init_widget("pipeline.segment", "product")
c1, c2, c3, c4 = st.columns([1, 1, 1, 1.2])
as_of = c1.date_input(
    "As of",
    key="pipeline.as_of",
    max_value=last.date(),
    help="Forecast with only what was known at the end of this day.",
)
period = c2.radio(
    "Period",
    ["month", "quarter"],
    key="pipeline.period",
    horizontal=True,
    format_func=str.capitalize,
    help="The month or quarter that starts the day after 'As of' (or the rest of the current one).",
)
segment = c3.selectbox("Win rates by", list(SEGMENTS), format_func=SEGMENTS.get, key="pipeline.segment")
target = c4.number_input(
    "Bookings target ($, empty = none)",
    min_value=0.0,
    step=100_000.0,
    format="%.0f",
    key="pipeline.target",
    value=None,
    placeholder="e.g. 3000000",
)
trials, seed = min(scenario.trials, MAX_TRIALS), scenario.seed
run_args = (data_key, opp, f"{as_of:%Y-%m-%d}", period, trials, seed, segment, target or None)
try:
    with st.spinner("Calibrating on history and simulating..."):
        base = run_forecast(*run_args, ())
        live = base.deals[base.deals["p_win"] > 0].head(200)
        lost = tuple(x for x in st.session_state.get("pipeline.lost_pick", []) if x in set(live["opportunity_id"]))
        fc = run_forecast(*run_args, lost) if lost else base
except ScenarioError as exc:
    st.error(f"**Cannot forecast:** {exc.message}", icon=":material/error:")
    st.stop()

b, w = fc.bookings, fc.won_deals
head = st.container(key="pipeline-headline")
if fc.hit is not None:
    head.markdown(
        f"### {chance_in_10(fc.hit.p)} chance of booking the {money(fc.target)} target in {fc.period.label}; "
        f"8 in 10 chance of at least {money(fc.floor_8_in_10)}."
    )
else:
    head.markdown(
        f"### {fc.period.label}: most likely {money(b.p50)} booked; 8 in 10 chance of {money(b.p10)} to {money(b.p90)}."
    )
m = head.columns(4)
m[0].metric("P50 bookings", money(b.p50), help=f"Half of {fc.trials:,} simulated futures book more than this")
m[1].metric("P10 - P90", f"{money(b.p10)} - {money(b.p90)}", help="8 in 10 simulated futures land in this range")
m[2].metric("Won deals (P50)", count(w.p50), help=f"P10-P90: {count(w.p10)} - {count(w.p90)}")
m[3].metric(
    "Chance of the target",
    "-" if fc.hit is None else f"{fc.hit.p:.0%}",
    help="Set a target above" if fc.hit is None else f"Monte Carlo error +/- {fc.hit.mc_se:.1%}",
)
n = st.columns(4)
n[0].metric(
    "Already booked", money(fc.booked_so_far), help=f"Won between {fc.period.start:%Y-%m-%d} and the as-of date"
)
n[1].metric(
    "From existing pipeline", money(fc.existing.mean), help=f"Mean; {len(fc.deals):,} deals open on {fc.as_of:%Y-%m-%d}"
)
n[2].metric(
    "From new pipeline", money(fc.new.mean), help="Mean; deals created after the as-of date and won by the period end"
)
if fc.coverage is not None:
    n[3].metric(
        "Pipeline coverage",
        f"{fc.coverage:.1f}x",
        help="Value of open deals expected to close in the period / remaining target",
    )
    st.caption(
        f"Coverage {fc.coverage:.1f}x against the {fc.required_coverage:.1f}x this win rate requires (1 / win rate "
        f"{fc.calibration.overall_win_rate:.0%}): {'enough' if fc.coverage >= fc.required_coverage else 'not enough'} "
        "pipeline on average. Pipeline = expected value of open deals that close (won or lost) in the period."
    )
else:
    n[3].metric(
        "Required coverage", f"{fc.required_coverage:.1f}x", help="1 / win rate: pipeline needed per $ of target"
    )
st.caption(
    f"A naive forecast (every open deal at the overall win rate of {fc.calibration.overall_win_rate:.0%}) says "
    f"{money(fc.naive_mean)}: it counts long-dead deals as live."
)
if fc.undated_open:
    st.caption(
        f"{fc.undated_open:,} open deals have no created date (e.g. Prospecting, not yet engaged): they are not counted as "
        "existing pipeline; deals that start after the as-of date are in 'from new pipeline' (recent creation rate)."
    )
render.chart(
    charts.histogram_chart(
        fc.histogram, target=fc.target, unit="$", x_title="Bookings", title=f"Bookings in {fc.period.label}"
    )
)
st.download_button(
    "Download this forecast (JSON)",
    data=lambda: json.dumps(fc.to_dict(), indent=2, default=float),
    file_name=f"pipeline_forecast_{fc.as_of:%Y%m%d}_{fc.period.kind}.json",
    mime="application/json",
    on_click="ignore",
    key="pipeline.download",
)

rep_tab, product_tab, drivers_tab, whatif_tab, calib_tab = st.tabs(
    ["By rep", "By product", "Biggest uncertainties", "What if we lose a deal", "Calibration and backtest"]
)
with rep_tab:
    render.chart(charts.breakdown_chart(fc.breakdown("owner"), column="owner", title="Sales rep"))
with product_tab:
    render.chart(charts.breakdown_chart(fc.breakdown("product"), column="product", title="Product"))
with drivers_tab:
    st.caption("Open deals whose outcome moves the total most (share of the variance of bookings from existing deals).")
    st.dataframe(
        fc.uncertainty_drivers(),
        hide_index=True,
        key="pipeline.drivers",
        column_config={
            "p_win": st.column_config.NumberColumn("chance won in period", format="percent"),
            "expected_size": st.column_config.NumberColumn("expected size", format="dollar"),
            "variance_share": st.column_config.NumberColumn("share of uncertainty", format="percent"),
            "age_days": st.column_config.NumberColumn("age (days)", format="%d"),
        },
    )
with whatif_tab:
    labels = {
        r.opportunity_id: f"{r.opportunity_id} - {r.account} - {r.product} ({r.p_win:.0%} x {money(r.expected_size)})"
        for r in live.itertuples()
    }
    st.session_state["pipeline.lost_pick"] = list(lost)  # drop deals no longer open at this as-of date
    st.multiselect(
        "Treat these deals as lost (largest expected bookings first)",
        list(labels),
        format_func=labels.get,
        key="pipeline.lost_pick",
    )
    if lost:
        delta = fc.bookings.p50 - base.bookings.p50
        text = f"Losing {len(lost)} deal(s) moves P50 bookings from {money(base.bookings.p50)} to {money(fc.bookings.p50)} ({money(delta)})"
        if fc.hit is not None:
            text += f" and the chance of the target from {base.hit.p:.0%} to {fc.hit.p:.0%}"
        st.markdown(text + ". Same random numbers for everything else.")
with calib_tab:
    calib = fc.calibration
    st.markdown(
        f"Calibrated on history up to {fc.as_of:%Y-%m-%d}: {int(calib.win_rates['won'].sum() + calib.win_rates['lost'].sum()):,} closed deals, "
        f"win rate {calib.overall_win_rate:.0%}. Quarter rhythm from {calib.volatility_months} past months: the 1st, 2nd and 3rd "
        f"month of a quarter win x{calib.month_effects[0]:.2f}, x{calib.month_effects[1]:.2f}, x{calib.month_effects[2]:.2f} "
        f"of the average; swing of win chances beyond that {calib.period_volatility(fc.period):.0%} (log-sd) for a {fc.period.kind}."
    )
    left, right = st.columns(2)
    with left:
        render.chart(charts.close_curves_chart(calib.curves.table()))
    with right:
        render.chart(
            charts.win_rate_chart(
                calib.win_rates,
                segment_title=SEGMENTS.get(calib.segment, calib.segment),
                overall=calib.overall_win_rate,
            )
        )
    sizes = calib.sizes.assign(median=lambda d: np.exp(d["log_mean"]))[["product", "won", "median", "mean", "log_sd"]]
    st.dataframe(
        sizes,
        hide_index=True,
        key="pipeline.sizes",
        column_config={
            "won": st.column_config.NumberColumn("won deals", format="%d"),
            "median": st.column_config.NumberColumn("median size", format="dollar"),
            "mean": st.column_config.NumberColumn("mean size", format="dollar"),
            "log_sd": st.column_config.NumberColumn("spread (log-sd)", format="%.2f"),
        },
    )
    with st.spinner("Backtesting: replaying history at every month-end..."):
        bt = run_backtest(data_key, opp, seed, segment)
    if bt.scores.empty:
        st.info(
            "Not enough history for a backtest: it needs closed deals in at least two months before the export date."
        )
    else:
        box = st.container(key="pipeline-backtest")
        for s in bt.scores.itertuples():
            box.markdown(
                f"**Next {s.kind}, {s.origins} origins:** the P10-P90 range held the actual bookings **{s.coverage:.0%}** of the "
                f"time (goal about 80%); median error of P50 **{s.mdape:.0%}** (naive model: {s.naive_mdape:.0%}, "
                f"typically {'over' if s.naive_bias > 0 else 'under'} by {abs(s.naive_bias):.0%})."
            )
        left, right = st.columns(2)
        with left:
            render.chart(charts.backtest_chart(bt.rows, kind="month"))
        with right:
            render.chart(charts.reliability_chart(bt.reliability))
        st.dataframe(bt.rows, hide_index=True, key="pipeline.backtest_rows")
    st.caption(
        "Model: time to close from created date (Kaplan-Meier, open deals censored; won vs lost by Aalen-Johansen); "
        "win rate by segment (Beta, pulled towards the overall rate); lognormal deal size by product; a quarter rhythm "
        "and one shared multiplier per simulated future on all win chances (months differ), both fitted on past months."
    )
