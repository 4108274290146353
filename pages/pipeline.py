"""Will we make the quarter? Import a CRM export, map it, forecast bookings from the open pipeline, check the backtest."""

from __future__ import annotations

import streamlit as st

from charts import pipeline as charts
from kpi.wording import currency_symbol
from simulate.pipeline import MAX_TRIALS, SEGMENTS, backtest_sentences, export_date
from simulate.scenario import ScenarioError
from ui import currency, pipeline_page, render, state, tables
from ui.entry import require_app
from ui.render import escape

require_app()  # a deep link on a fresh server must still go through app.py

scenario = state.current()
st.title("Will we make the quarter?")
st.caption(
    "Bookings forecast from your CRM: every open deal may close in the period (or not) and be won (or not), sized "
    "from its product's history; deals not yet created add their share. Calibrated on your closed deals and checked by a backtest."
)
data_key, result = pipeline_page.load_data()
if result is None:
    st.stop()
pipeline_page.import_summary(result)
currency_note = currency.adopt_from_column(data_key.split(":")[0], result.mapping.amount)  # "Amount EUR" -> EUR, once a file
if currency_note:
    st.caption(currency_note)
opp = result.opportunities
try:
    last = export_date(opp)
except ScenarioError as exc:
    st.error(exc.message)
    st.stop()

# --- inputs ----------------------------------------------------------------------------------------------
state.init_widget("pipeline.as_of", last.date())
if st.session_state["pipeline.as_of"] > last.date() or st.session_state.get("pipeline.data_key") != data_key:
    st.session_state["pipeline.as_of"] = last.date()  # a new file: start at its export date
st.session_state["pipeline.data_key"] = data_key
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
    f"Bookings target ({currency_symbol().strip()}, empty = none)",
    min_value=0.0,
    step=100_000.0,
    format="%.0f",
    key="pipeline.target",
    value=None,
    placeholder="e.g. 3000000",
)
trials, seed = min(scenario.trials, MAX_TRIALS), scenario.seed
picked = st.session_state.get("pipeline.lost_pick", [])
try:
    with st.spinner("Calibrating on history and simulating..."):
        view = pipeline_page.forecast_view(data_key, opp, as_of, period, trials, seed, segment, target, picked)
except ScenarioError as exc:
    st.error(f"**Cannot forecast:** {escape(exc.message)}", icon=":material/error:")
    st.info(pipeline_page.what_can_be_answered(opp), icon=":material/info:")
    st.stop()

# --- the answer ------------------------------------------------------------------------------------------
fc = view.forecast
head = st.container(key="pipeline-headline")
head.markdown(f"### {view.headline}")
for column, m in zip(head.columns(4), view.metrics, strict=True):
    column.metric(m.label, m.value, help=m.help)
for column, m in zip(st.columns(4), view.pipeline_metrics, strict=True):
    column.metric(m.label, m.value, help=m.help)
for note in view.notes:
    st.caption(note)
render.chart(
    charts.histogram_chart(
        fc.histogram, target=fc.target, unit="$", x_title="Bookings", title=f"Bookings in {fc.period.label}"
    )
)
st.download_button(
    "Download this forecast (JSON)",
    data=view.forecast_json,
    file_name=view.download_name,
    mime="application/json",
    on_click="ignore",
    key="pipeline.download",
)

rep_tab, product_tab, drivers_tab, whatif_tab, calib_tab = st.tabs(
    ["By rep", "By product", "Biggest uncertainties", "What if we lose a deal", "Calibration and backtest"],
    key="pipeline.tab",
    on_change="rerun",  # lazy: the backtest below runs only once its tab is opened (then cached per file)
)
with rep_tab:
    render.chart(charts.breakdown_chart(fc.breakdown("owner"), column="owner", title="Sales rep"))
with product_tab:
    render.chart(charts.breakdown_chart(fc.breakdown("product"), column="product", title="Product"))
with drivers_tab:
    st.caption("Open deals whose outcome moves the total most (share of the variance of bookings from existing deals).")
    tables.show_table(fc.uncertainty_drivers(), pipeline_page.DRIVER_COLUMNS, key="pipeline.drivers")
with whatif_tab:
    st.session_state["pipeline.lost_pick"] = list(view.lost)  # drop deals no longer open at this as-of date
    st.multiselect(
        "Treat these deals as lost (largest expected bookings first)",
        list(view.lost_options),
        format_func=view.lost_options.get,
        key="pipeline.lost_pick",
    )
    if view.what_if:
        st.markdown(view.what_if)
with calib_tab:
    calib = fc.calibration
    st.markdown(view.calibration_note)
    left, right = st.columns(2)
    with left:
        render.chart(charts.close_curves_chart(calib.curves.table()))
    with right:
        render.chart(
            charts.win_rate_chart(calib.win_rates, segment_title=view.segment_title, overall=calib.overall_win_rate)
        )
    tables.show_table(view.sizes, pipeline_page.SIZE_COLUMNS, key="pipeline.sizes")
    if calib_tab.open is not False:  # replay history only for a leader who opens this tab (then cached per file)
        with st.spinner("Backtesting: replaying history at every month-end..."):
            bt, skipped = pipeline_page.run_backtest(data_key, opp, seed, segment)
        if skipped:
            st.caption(pipeline_page.skipped_sentence(skipped))
        if bt is None or bt.scores.empty:
            st.info(
                "Not enough history for a backtest: it needs month-ends with at least 5 closed deals (one won) before "
                "them and a whole month or quarter after them inside the export."
            )
        else:
            box = st.container(key="pipeline-backtest")
            for sentence in backtest_sentences(bt.scores):
                box.markdown(sentence)
            left, right = st.columns(2)
            with left:
                render.chart(charts.backtest_chart(bt.rows, kind="month"))
            with right:
                render.chart(charts.reliability_chart(bt.reliability))
            tables.show_table(bt.rows, pipeline_page.BACKTEST_COLUMNS, key="pipeline.backtest_rows", only=True)
    st.caption(
        "Model: time to close from created date (Kaplan-Meier, open deals censored; won vs lost by Aalen-Johansen); "
        "win rate by segment (Beta, pulled towards the overall rate); lognormal deal size by product; a quarter rhythm "
        "and one shared multiplier per simulated future on all win chances (months differ), both fitted on past months."
    )
