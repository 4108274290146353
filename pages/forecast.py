"""Forecast from history: upload monthly history (or use an example), see the forecast fan, the backtest
and a plain verdict, and send the forecast to the funnel as its volume."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import streamlit as st

from charts import forecast as charts
from forecast import MODEL_LABELS, MODEL_NAMES, ForecastInputError, forecast_with_backtest
from forecast.crm_history import crm_monthly_history
from forecast.history import HistoryError, ImportIssue, prepare_series, read_history
from kpi.wording import count, money
from report.safe import to_csv
from simulate.scenario import ScenarioError
from ui import render, state, tables
from ui.entry import require_app
from ui.render import escape

require_app()  # a deep link on a fresh server must still go through app.py

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_monthly_history.csv"
EXAMPLES = {
    "crm": "CRM example: opportunities created by month (15 months), won deals and bookings (10 months)",
    "sample": "Synthetic 5-year history: visitors, leads, MQLs, won deals, bookings",
}
MONEY_WORDS = ("booking", "revenue", "spend", "value", "mrr", "arr", "cost")
MODEL_CHOICES = ("auto", *MODEL_NAMES)
PATHS_FOR_FUNNEL = 200  # sample paths carried into the scenario (they travel in the link)
BACKTEST_ORIGINS = 4
TOTAL_PATHS = 2_000  # simulated futures behind the headline's total over the horizon


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def load_history(source_key: str, _data: bytes | None, filename: str | None) -> tuple[pd.DataFrame, list[ImportIssue]]:
    """Parsed history; cached on `source_key` (an example name or the sha256 of the uploaded bytes)."""
    if source_key == "crm":
        return crm_monthly_history()
    if source_key == "sample":
        return read_history(SAMPLE)
    return read_history(_data, filename=filename)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def run_forecast(
    source_key: str, _frame: pd.DataFrame, metric: str, h: int, model: str, path_months: int, seed: int
) -> dict:
    """What the page draws, as plain data (a dict) so st.cache_data can pickle it; paths is an array
    (months, PATHS_FOR_FUNNEL) for the funnel."""
    series, issues = prepare_series(_frame, metric)
    outcome = forecast_with_backtest(series, h, model, n_origins=BACKTEST_ORIGINS)
    result = outcome.result
    paths = result.sample_paths(max(h, path_months), PATHS_FOR_FUNNEL, seed)
    return dict(
        history=series,
        forecast=result.frame(h),
        model=result.model_name,
        description=result.description,
        by_horizon=outcome.backtest.by_horizon(result.model_name),
        why=outcome.why,
        verdict=outcome.verdict,
        fallbacks=tuple(result.fallbacks),
        messages=tuple(result.messages),
        issues=tuple(issues),
        backtest=outcome.backtest.summary(),
        backtest_failures=tuple(outcome.backtest.failures),
        paths=paths,
        total=np.percentile(result.sample_paths(h, TOTAL_PATHS, seed).sum(axis=0), [10, 50, 90]),
    )


def headline(metric: str, h: int, total, unit: str) -> str:
    """The forecast first: "Next 12 months: about 9,800 leads; 8 in 10 chance between 8,900 and 10,700."."""
    p10, p50, p90 = (money(v) if unit else count(v) for v in total)
    what = "" if unit else f" {escape(metric.replace('_', ' '))}"  # a file column: shown as text
    return f"Next {h} months: about {p50}{what} in total; 8 in 10 chance between {p10} and {p90}."


def unit_of(metric: str) -> str:
    return "$" if any(word in metric.lower() for word in MONEY_WORDS) else ""


def backtest_table(summary: pd.DataFrame, chosen: str) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "Model": [MODEL_LABELS.get(m, m) + ("  (used)" if m == chosen else "") for m in summary.index],
            "MASE": summary["mase"].round(2).to_numpy(),
            "sMAPE %": summary["smape"].round(1).to_numpy(),
            "80% range held": summary["coverage_80"].map("{:.0%}".format).to_numpy(),
            "95% range held": summary["coverage_95"].map("{:.0%}".format).to_numpy(),
            "MSIS": summary["msis"].round(2).to_numpy(),
            "Forecasts checked": summary["n"].astype(int).to_numpy(),
        }
    )
    return table


def show_issues(issues: list[ImportIssue]) -> None:
    problems = [i for i in issues if i.severity != "info"]
    label = f"What we found in the file ({len(problems)} warning{'s' if len(problems) != 1 else ''} or error{'s' if len(problems) != 1 else ''})"
    with st.expander(label, expanded=bool(problems) and len(problems) <= 5):
        for issue in issues:
            st.markdown(f"- {escape(issue)}")


# --- layout ------------------------------------------------------------------------------------------
scenario = state.current()
st.title("Forecast from history")
st.caption(
    "Upload monthly history (a date column and one or more metrics). We fit several forecasting models, check each "
    "against the last months of your own data, and show the forecast with the range it will most likely fall in."
)

inputs, results = st.columns([1, 2.4], gap="large")
with inputs:
    upload = st.file_uploader("Monthly history (CSV or Excel)", type=["csv", "xlsx"], key="forecast.upload")
    example = st.radio(
        "...or use an example",
        list(EXAMPLES),
        format_func=EXAMPLES.get,
        key="forecast.example",
        disabled=upload is not None,
    )
    if upload is not None:
        data = upload.getvalue()
        source_key, source_label = "upload:" + hashlib.sha256(data).hexdigest(), upload.name
    else:
        data, source_key, source_label = None, example, EXAMPLES[example].split(":")[0]
    try:
        frame, import_issues = load_history(source_key, data, upload.name if upload is not None else None)
        st.session_state["forecast.last_good"] = (source_key, data, upload.name if upload else None, source_label)
    except (HistoryError, ValueError) as exc:  # HistoryError names the problem; ValueError: any other bad value
        st.error(f"**{escape(source_label)} cannot be used:** {escape(exc)}", icon=":material/error:")
        last = st.session_state.get("forecast.last_good")
        if last is None or last[0] == source_key:
            st.stop()
        source_key, data, name, source_label = last
        st.info(f"Still showing the last history that could be read: {escape(source_label)}.")
        frame, import_issues = load_history(source_key, data, name)
    metrics = list(frame.columns)
    # the funnel's top stage first (its paths can drive the funnel), then what a leader books
    preferred = [scenario.stages[0].name.lower(), "leads", "bookings", "won_deals"]
    months = frame.notna().sum()
    full = [m for m in metrics if months[m] == months.max()]
    default_metric = next((m for m in preferred if m in metrics), full[0] if full else metrics[0])
    metric = st.selectbox("Metric", metrics, key="forecast.metric", index=metrics.index(default_metric))
    h = st.slider("Months ahead", 1, 36, 12, key="forecast.h")
    model = st.selectbox(
        "Model",
        MODEL_CHOICES,
        key="forecast.model",
        format_func=lambda m: "Automatic (recommended)" if m == "auto" else MODEL_LABELS[m],
        help="Automatic: the combination of ETS, ARIMA and Theta, unless another model clearly beat it on your own "
        "last months (backtest MASE over 25% lower).",
    )
    show_issues(import_issues)

with results:
    try:
        with st.spinner("Fitting and backtesting..."):
            out = SimpleNamespace(
                **run_forecast(source_key, frame, metric, h, model, scenario.horizon_months, scenario.seed)
            )
    except (HistoryError, ForecastInputError, ValueError) as exc:
        st.error(f"**Cannot forecast '{escape(metric)}':** {escape(exc)}", icon=":material/error:")
        st.stop()
    for issue in out.issues:
        if issue.severity != "info":
            st.warning(escape(issue.message))
    said = " ".join(issue.message for issue in out.issues)
    for note in out.messages:
        if not ("seasonal models skipped" in note and "seasonal models skipped" in said):  # said once is enough
            st.info(note)
    if out.fallbacks:
        st.warning("Some models were rejected, so another was used: " + "; ".join(out.fallbacks))
    verdict_box = st.container(key="forecast.verdict")
    verdict_box.markdown(f"### {headline(metric, h, out.total, unit_of(metric))}")
    verdict_box.markdown(out.verdict)  # how far to trust it: the backtest on this history
    verdict_box.caption(
        f"Forecast of '{escape(metric)}' from {escape(source_label)} by {MODEL_LABELS.get(out.model, out.model)} "
        f"({out.description}); {out.why}."
    )
    unit = unit_of(metric)
    with st.container(key="forecast.chart"):
        render.chart(
            charts.forecast_fan_chart(
                out.history, out.forecast, title=f"{metric}: history and forecast", y_title=metric, unit=unit
            )
        )
    st.subheader("How each model did on your last months")
    st.caption(
        f"Rolling-origin backtest: each model refitted at {BACKTEST_ORIGINS} past month-ends, 3 months apart, "
        f"forecasting up to {h} months ahead. MASE below 1 beats 'same month last year'; a well-calibrated "
        "80% range holds about 8 times in 10."
    )
    st.dataframe(backtest_table(out.backtest, out.model), hide_index=True, key="forecast.backtest")
    with st.expander(f"{MODEL_LABELS.get(out.model, out.model)} in the backtest, by months ahead"):
        by_h = out.by_horizon.rename(
            columns={
                "mase": "MASE",
                "smape": "sMAPE %",
                "coverage_80": "80% range held",
                "coverage_95": "95% range held",
                "msis": "MSIS",
                "n": "Forecasts checked",
            }
        )
        st.dataframe(by_h.rename_axis("Months ahead").round(2), key="forecast.by_horizon")
    with st.expander("Forecast table"):
        table = out.forecast.copy()
        table.index = table.index.astype(str)
        kind = "money_exact" if unit_of(metric) else "number"
        tables.show_table(table.rename_axis("month").reset_index(), {"month": ("Month", "text"), "mean": ("Forecast", kind)}
                          | {c: (None, kind) for c in table.columns if c != "mean"}, key="forecast.table")  # fmt: skip
        st.download_button(
            "Download forecast (CSV)",
            data=to_csv(table, index=True),
            file_name="forecast_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", metric)[:60] + ".csv",
            mime="text/csv",
            key="forecast.download",
            on_click="ignore",
        )

    st.subheader("Use it in the funnel")
    start = str(out.forecast.index[0])
    st.caption(
        f"The funnel simulator will follow {PATHS_FOR_FUNNEL} simulated futures of '{escape(metric)}' from {start} "
        f"as its top-of-funnel volume, so its uncertainty includes this forecast's."
    )
    if st.button(
        f"Use this forecast as the funnel's {escape(scenario.stages[0].name.lower())} volume", key="forecast.to_funnel"
    ):
        label = f"{metric} forecast ({MODEL_LABELS.get(out.model, out.model)}) from {source_label}"
        try:
            state.publish(scenario.with_volume_paths(out.paths, label=label, start_month=start))
        except ScenarioError as exc:
            st.error(escape(exc.message))
        else:
            st.success(f"The funnel now uses this forecast from {start}.")
            st.page_link("pages/funnel.py", label="Open the funnel what-if", icon=":material/filter_alt:")
