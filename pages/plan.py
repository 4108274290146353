"""Plan from your data: calibrate the funnel from a CRM export and forecast every month ahead in one model."""

from __future__ import annotations

import datetime
import json

import numpy as np
import streamlit as st

from charts import plan as charts
from kpi.wording import chance_in_10, money
from simulate.plan import (
    MAX_PLAN_MONTHS,
    PlanInputError,
    fan_rows,
    inputs_rows,
    missing_amounts_message,
    plan_sentence,
    quarter_rows,
)
from simulate.scenario import ScenarioError, Target
from ui import plan_page, render, state, tables
from ui.entry import require_app
from ui.render import escape

require_app()  # a deep link on a fresh server must still go through app.py

current = state.current()
st.title("Plan from your data")
st.caption(
    "Calibrated from your CRM export as of a date (nothing after it is used): win rate, sales cycle, deal size, "
    "volume and team, each with its source. Every simulated future books the deals open on that date and the deals "
    "created after it, month by month."
)
data_key, result, keep = plan_page.load_data()
if result is None:
    st.stop()
opp = result.opportunities
problem = missing_amounts_message(result.report, opp)
if problem:
    st.error(f"**Cannot calibrate:** {escape(problem)}.", icon=":material/payments:")
    st.stop()
saved = plan_page.saved_plan()
monthly_key, monthly, monthly_bytes = plan_page.monthly_step(saved)
volume = st.radio(
    "Volume at the top",
    ["trend", "forecast"],
    format_func={"trend": "Level, growth, seasonality", "forecast": "Forecast (time-series sample paths)"}.get,
    horizontal=True,
    key="plan.volume",
    help="The forecast fits the forecast page's models to the monthly volume and checks them on past months.",
)
note = plan_page.link_without_data(keep["label"])
if note:
    st.info(note, icon=":material/link_off:")

# --- as of, horizon, target -------------------------------------------------------------------------------
first = opp["created_date"].min().date()
last = max(opp["created_date"].max(), opp["close_date"].max()).date()
start_as_of = (saved[0].get("as_of") if saved else None) or plan_page.as_of_from_name(current.name)
# the bundled export's last quarter is incomplete (deals without a created date yet): start at its last full one
default_as_of = plan_page.BUNDLED_AS_OF if data_key == "bundled" else last
start_as_of = datetime.date.fromisoformat(str(start_as_of)) if start_as_of else default_as_of
if not first <= start_as_of <= last or st.session_state.get("plan.data_key") != data_key:
    st.session_state.pop("plan.as_of", None)
    start_as_of = min(max(start_as_of, first), last)
st.session_state["plan.data_key"] = data_key
state.init_widget("plan.as_of", start_as_of)
state.init_widget("plan.months", int((saved[0].get("months") if saved else None) or 12))
c1, c2, c3, c4 = st.columns([1, 1, 1.2, 1])
as_of = c1.date_input(
    "As of",
    key="plan.as_of",
    min_value=first,
    max_value=last,
    help="Calibrate with only what was known at the end of this day.",
)
months = c2.slider("Months ahead", 1, MAX_PLAN_MONTHS, key="plan.months")
deal_size = None
if not (opp.loc[opp["status"] == "won", "amount"] > 0).any():
    st.warning("The export has no amounts on won deals: give the deal size.", icon=":material/payments:")
    d1, d2 = st.columns(2)
    deal_size = (d1.number_input("Deal size median", min_value=1.0, value=2_500.0, key="plan.deal_median"),
                 d2.number_input("Deal size P90", min_value=1.0, value=6_000.0, key="plan.deal_p90"))  # fmt: skip

try:
    with st.spinner("Calibrating on your data..."):
        cal = plan_page.calibrated(data_key, opp, f"{as_of:%Y-%m-%d}", monthly_key, monthly, deal_size, volume)
except (PlanInputError, ScenarioError) as exc:
    st.error(f"**Cannot calibrate:** {escape(exc.message)}", icon=":material/error:")
    st.stop()
for line in cal.notes:
    st.caption(escape(line))
if cal.volume_verdict:
    st.caption(f"Volume forecast: {escape(cal.volume_verdict)}")
for message in cal.messages:
    st.warning(escape(message), icon=":material/info:")

quarters = max(months // 3, 0)
period_options = [f"quarter:{q}" for q in range(1, quarters + 1)] + ["horizon"]
period_words = {
    **{f"quarter:{q}": f"Quarter {q} of the plan" for q in range(1, quarters + 1)},
    "horizon": "The whole plan",
}
if st.session_state.get("plan.target_period") not in period_options:
    st.session_state["plan.target_period"] = period_options[0]
period = c3.selectbox("Target period", period_options, format_func=period_words.get, key="plan.target_period")
state.init_widget(
    "plan.target",
    float(
        round(current.target.value if current.name.startswith(plan_page.PLAN_PREFIX) else cal.scenario.target.value, -3)
    ),
)
target_value = c4.number_input("Bookings target", min_value=1.0, step=100_000.0, format="%.0f", key="plan.target",
                               help="Default: bookings of the last 3 full months before the as-of date.")  # fmt: skip
kind, _, index = period.partition(":")
target = Target("revenue", float(target_value), kind, int(index or 1))

# --- the calibrated inputs and what-ifs -------------------------------------------------------------------
sig = f"{data_key}|{as_of}|{monthly_key}|{deal_size}|{volume}"
with st.expander("What-if: override a calibrated input (the link and a saved plan keep it)"):
    overrides = plan_page.what_if_widgets(cal, str(abs(hash(sig)) % 10**8), plan_page.start_overrides(cal))
words = plan_page.band_words()

try:
    plan = plan_page.planned(
        sig,
        cal,
        int(months),
        min(current.trials, 100_000),
        current.seed,
        json.dumps(overrides, sort_keys=True),
        (target.metric, target.value, target.period, target.index),
    )
except (PlanInputError, ScenarioError) as exc:
    st.error(f"**Fix this input:** {escape(exc.message)}", icon=":material/error:")
    st.stop()

name = plan_page.plan_name(keep["label"], as_of)
scenario = plan_page.plan_scenario(plan, name, current)
if (overrides or (current.name.startswith(plan_page.PLAN_PREFIX) and not note)) and scenario != current:
    state.publish(scenario)  # a what-if, or a plan already on screen: the link follows the plan and its what-ifs

# --- the answer -------------------------------------------------------------------------------------------
head = st.container(key="plan-headline")
head.markdown(f"### {escape(plan_sentence(plan, words))}")
total = plan.bookings.sum(axis=1)
c, m, b = (float(x) for x in np.percentile(total, words.quantiles))
chance = plan.chance()
cols = head.columns(4)
cols[0].metric(f"{words.commit} ({len(plan.months)} months)", money(c))
cols[1].metric(words.likely, money(m))
cols[2].metric(words.best, money(b))
cols[3].metric(
    f"Chance of {money(target.value)}",
    f"{chance.p:.0%}",
    help=f"{chance_in_10(chance.p)}: {chance.p:.1%} of {plan.trials:,} futures reach it in {plan.target_label()}.",
)
st.caption(escape(words.mapping()))
render.chart(
    charts.fan_chart(
        fan_rows(plan, words),
        labels=(words.commit, words.likely, words.best),
        target_per_month=plan_page.target_months_frame(plan),
    ),
    key="plan.fan",
)
tables.show_table(quarter_rows(plan, words), key="plan.quarters")

st.subheader("Calibrated inputs and where they come from")
tables.show_table(inputs_rows(cal, overrides), key="plan.inputs")

if st.toggle("Plan per rep (their open deals + new deals routed to them through capacity)", key="plan.per_rep"):
    reps = plan_page.rep_table(
        sig, plan, len(plan.months), plan.trials, plan.seed, json.dumps(overrides, sort_keys=True)
    )
    if reps is None:
        st.info("No owners in the export: nothing to show per rep.")
    else:
        st.caption(
            "New deals go to reps by the capacity model (each rep's ramp and productivity, capacity-limited), "
            "not by their past share, so their new-deal means are alike; their open deals are their own."
        )
        tables.show_table(reps, plan_page.REP_COLUMNS, key="plan.reps")

# --- from here: the other pages, and keeping the plan -----------------------------------------------------
st.subheader("Use this plan")
st.caption("The funnel, capacity and unit-economics pages open on this calibrated scenario (with your what-ifs).")
go = st.columns(3)
for column, (path, label) in zip(
    go,
    [
        ("pages/funnel.py", "Funnel what-if"),
        ("pages/capacity.py", "Capacity & quota"),
        ("pages/unit_economics.py", "Unit economics"),
    ],
    strict=True,
):
    if column.button(f"Open on {label}", key=f"plan.go.{path}"):
        state.load(scenario)
        st.switch_page(path)
with st.form("plan.save_form", border=False):
    save_name = st.text_input("Save as", value=name, max_chars=120, key=f"plan.save_name.{name}")
    if st.form_submit_button("Save the plan with its data"):
        extras = {"as_of": f"{as_of:%Y-%m-%d}", "months": int(months), "label": keep["label"]}
        try:
            st.success(plan_page.save_with_data(scenario, keep, monthly_bytes, extras, save_name.strip() or name))
        except Exception as exc:  # noqa: BLE001 - StoreError and friends: say it, keep the page
            st.error(escape(exc), icon=":material/error:")
