"""Unit economics: what a customer costs to win (CAC) against what they are worth (LTV), and how much to spend."""

from __future__ import annotations

import streamlit as st

from charts import economics as charts
from kpi.wording import current_currency
from report.safe import to_csv
from simulate.economics import LTV_METHODS
from simulate.scenario import EconomicsPlan, ScenarioError
from ui import economics_page, render, state, tables
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

P = economics_page.P  # widget key prefix

scenario = state.current()
plan = scenario.economics or EconomicsPlan()
st.title("Unit economics")
st.caption(
    "Is growth worth what it costs? What a new customer costs to win (CAC) against what they are worth over "
    "their lifetime (LTV), with the uncertainty of both, and the marketing spend that creates the most value."
)
economics_page.init_widgets(plan)

inputs, results = st.columns([1.2, 2], gap="large")
with inputs:
    st.subheader("Acquisition")
    edited = economics_page.channel_editor()
    economics_page.curve_fit_expander(edited)
    stages = scenario.stage_names[:-1]
    if st.session_state[P + "lead_stage"] not in stages:
        st.session_state[P + "lead_stage"] = stages[min(1, len(stages) - 1)]
    col1, col2 = st.columns(2)
    col1.number_input(
        "Organic leads / month", key=P + "organic", min_value=0.0, step=50.0, help="Leads that cost no media spend"
    )
    col2.selectbox(
        "Leads enter the funnel at",
        stages,
        key=P + "lead_stage",
        help="Leads become customers at the funnel's conversion rates from this stage on (Funnel page)",
    )
    col1.number_input(
        f"Sales headcount cost / month ({current_currency()})",
        key=P + "headcount",
        min_value=0.0,
        step=10_000.0,
        format="%.0f",
    )
    col2.number_input(
        "Commission (% of first-year revenue)", key=P + "commission_pct", min_value=0.0, max_value=100.0, step=1.0
    )
    economics_page.team_commission_button(scenario)
    st.number_input(
        f"Commission cost / month from the capacity plan ({current_currency()}, optional)",
        key=P + "commission_cost",
        min_value=0.0,
        value=None,
        step=5_000.0,
        format="%.0f",
        help="When given, replaces the commission rate",
    )

    st.subheader("Customer value")
    method = st.radio("Kind of business", list(LTV_METHODS), format_func=LTV_METHODS.get, key=P + "method")
    col1, col2 = st.columns(2)
    if method != "repeat":
        col1.number_input(
            f"ARPA low ({current_currency()} / month)",
            key=P + "arpa_low",
            min_value=1.0,
            step=50.0,
            help="Revenue per account per month: 90% sure it is between low and high",
        )
        col2.number_input(f"ARPA high ({current_currency()} / month)", key=P + "arpa_high", min_value=1.0, step=50.0)
    col1.number_input("Gross margin %", key=P + "margin_pct", min_value=1.0, max_value=100.0, step=1.0)
    col2.number_input("Discount rate % / year", key=P + "discount_pct", min_value=0.1, max_value=100.0, step=1.0)
    if method == "subscription":
        col1.number_input("Retention alpha", key=P + "alpha", min_value=0.001, step=0.1, format="%.3f")
        col2.number_input("Retention beta", key=P + "beta", min_value=0.001, step=1.0, format="%.3f")
        economics_page.retention_expander()
    elif method == "simple":
        col1.number_input("Monthly churn %", key=P + "churn_pct", min_value=0.1, max_value=100.0, step=0.5)
    else:
        col1.number_input("LTV horizon (years)", key=P + "horizon_years", min_value=0.25, max_value=30.0, step=1.0)
        economics_page.repeat_purchase_expander()
    economics_page.fit_message()

    st.subheader("Targets and bars")
    col1, col2 = st.columns(2)
    col1.number_input("Target new customers / month", key=P + "target", min_value=1.0, step=5.0)
    col2.slider("Confidence", 50, 95, step=5, key=P + "confidence_pct", format="%d%%")
    col1.number_input("LTV:CAC bar", key=P + "bar_ratio", min_value=0.5, step=0.5)
    col2.number_input("Payback bar (months)", key=P + "bar_payback", min_value=1.0, step=1.0)

input_error = state.apply_inputs(lambda: scenario.replace(economics=economics_page.plan_from_widgets(edited)))
scenario = state.current()

with results:
    state.show_input_error(input_error)
    try:
        shown = economics_page.cached_page(scenario.to_json())
    except ScenarioError as exc:
        st.error(f"**Cannot simulate:** {exc.message}")
        st.stop()
    view = shown.view
    headline = st.container(key="economics-headline")
    headline.markdown(f"### {view.verdicts[0]}")
    for column, figure in zip(headline.columns(5), shown.headline, strict=True):
        column.metric(figure.label, figure.value, help=figure.help)
    for warning in view.warnings:
        st.warning(warning, icon=":material/warning:")
    for line in view.verdicts[1:]:
        st.markdown(f"- {line}")

    left, right = st.columns(2)
    render.chart(
        charts.bar_histogram(
            view.ltv_cac_hist,
            bar=view.plan.ltv_cac_bar,
            bar_label=f"{view.plan.ltv_cac_bar:g}:1",
            x_title="LTV:CAC",
            title="LTV:CAC across simulated months",
        ),
        container=left,
    )
    render.chart(
        charts.bar_histogram(
            view.payback_hist,
            bar=view.plan.payback_bar_months,
            bar_label=f"{view.plan.payback_bar_months:g} months",
            x_title="CAC payback (months)",
            title="CAC payback across simulated months",
            good_side="left",
        ),
        container=right,
    )
    render.chart(
        charts.frontier_chart(
            view.frontier, current=view.plan.paid_spend, best=view.best.budget, bar=view.plan.ltv_cac_bar
        )
    )
    render.chart(charts.value_chart(view.frontier, best=view.best.budget))
    render.chart(charts.channel_chart(view.channels))
    economics_page.show_channels(shown.channels)
    tables.show_table(shown.figures_text)
    st.download_button(
        "Download these figures (CSV)",
        data=lambda: to_csv(shown.figures),
        file_name="unit_economics.csv",
        mime="text/csv",
        on_click="ignore",
        key=P + "download",
    )
    with st.expander("How these are calculated"):
        st.markdown(shown.notes)
