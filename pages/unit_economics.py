"""Unit economics: what a customer costs to win (CAC) against what they are worth (LTV), and how much to spend."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import streamlit as st

from charts import economics as charts
from forecast.clv import ClvInputError, fit_bgnbd, fit_gamma_gamma, fit_sbg
from forecast.clv.transactions import read_cdnow, read_transactions_csv, summarise_transactions
from kpi.wording import count, money
from simulate.economics import build_economics_view, fit_response_curve, team_commission_rate
from simulate.scenario import Channel, EconomicsPlan, RepeatPurchaseModel, Scenario, ScenarioError
from ui import state
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

P = "economics."  # widget key prefix
METHODS = {
    "subscription": "Subscription (retention model)",
    "repeat": "Repeat purchase (BG/NBD + Gamma-Gamma)",
    "simple": "Simple formula (constant churn)",
}
CHANNEL_COLUMNS = ["Channel", "Monthly spend", "Max leads / month", "First cost per lead", "Uncertainty %"]
DEFAULT_RETENTION = pd.DataFrame(
    {"Month": range(13), "Active": [1000, 952, 909, 870, 834, 802, 771, 744, 718, 694, 671, 650, 631]}
)
DEFAULT_HISTORY = pd.DataFrame(
    {"Spend": [10_000, 20_000, 30_000, 40_000, 50_000, 60_000], "Leads": [160, 300, 410, 500, 580, 640]}
)


@st.cache_data(max_entries=32, ttl=3600, show_spinner="Simulating...")
def economics_view(scenario_json: str):
    return build_economics_view(Scenario.from_json(scenario_json))


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Simulating the team plan...")
def team_commission(scenario_json: str) -> float:
    return team_commission_rate(Scenario.from_json(scenario_json))


def use_team_commission(rate: float) -> None:
    st.session_state[P + "commission_pct"] = round(rate * 100, 2)


@st.cache_data(max_entries=8, ttl=3600, show_spinner="Fitting BG/NBD and Gamma-Gamma...")
def fit_transaction_log(digest: str, calibration_end: str, _data: bytes) -> dict:
    """Keyed on the upload's sha256 (not its bytes), so two uploads never collide."""
    text_head = _data[:2000].decode("utf-8", errors="replace").splitlines()[0] if _data else ""
    raw = read_transactions_csv(_data) if "," in text_head else read_cdnow(io.BytesIO(_data))
    imported = summarise_transactions(raw, calibration_end)
    summary = imported.customer_summary()
    purchases, spend = fit_bgnbd(summary), fit_gamma_gamma(summary)
    return {
        "params": {**purchases.params.to_dict(), **spend.params.to_dict()},
        "report": imported.report.lines(),
        "excluded": imported.report.excluded.head(500),
    }


def channels_table(plan: EconomicsPlan) -> pd.DataFrame:
    return pd.DataFrame(
        [[c.name, c.monthly_spend, c.max_leads, c.initial_cost_per_lead, c.uncertainty * 100] for c in plan.channels],
        columns=CHANNEL_COLUMNS,
    )


def channels_from_table(table: pd.DataFrame) -> tuple[Channel, ...]:
    channels = []
    for k, row in enumerate(table.itertuples(index=False)):
        name, spend, max_leads, cpl, unc = row
        if any(pd.isna(v) for v in (spend, max_leads, cpl, unc)) or not isinstance(name, str) or not name.strip():
            raise ScenarioError(f"economics.channels[{k}]", f"channel row {k + 1} has an empty cell")
        channels.append(Channel(name.strip(), float(spend), float(max_leads), float(cpl), float(unc) / 100))
    return tuple(channels)


def display_metrics(table: pd.DataFrame) -> pd.DataFrame:
    """Each measure in its own unit, as text: $9.7k, 2.9x, 12.3 months."""

    def fmt(value, unit: str) -> str:
        if value is None or pd.isna(value):
            return ""
        if unit == "$":
            return money(value)
        return f"{value:.1f} months" if unit == "months" else f"{value:.2f}x"

    return pd.DataFrame(
        {
            "Measure": table["label"],
            **{
                name: [fmt(v, u) for v, u in zip(table[col], table["unit"], strict=False)]
                for name, col in (("P10", "p10"), ("P50", "p50"), ("P90", "p90"), ("Bar", "bar"))
            },
            "Chance of meeting the bar": ["" if pd.isna(p) else f"{p:.0%}" for p in table["p_meets_bar"]],
        }
    )


scenario = state.current()
plan = scenario.economics or EconomicsPlan()
st.title("Unit economics")
st.caption(
    "Is growth worth what it costs? What a new customer costs to win (CAC) against what they are worth over "
    "their lifetime (LTV), with the uncertainty of both, and the marketing spend that creates the most value."
)

for key, value in {
    "organic": plan.organic_leads,
    "lead_stage": plan.lead_stage,
    "headcount": plan.sales_headcount_cost,
    "commission_pct": plan.commission_rate * 100,
    "commission_cost": plan.commission_cost,
    "method": plan.ltv_method,
    "arpa_low": plan.arpa_low,
    "arpa_high": plan.arpa_high,
    "margin_pct": plan.gross_margin * 100,
    "discount_pct": plan.annual_discount_rate * 100,
    "churn_pct": plan.monthly_churn * 100,
    "alpha": plan.sbg_alpha,
    "beta": plan.sbg_beta,
    "horizon_years": plan.ltv_horizon_years,
    "target": plan.target_customers,
    "confidence_pct": round(plan.target_confidence * 100),
    "bar_ratio": plan.ltv_cac_bar,
    "bar_payback": plan.payback_bar_months,
    **{f"repeat_{k}": v for k, v in plan.repeat.__dict__.items()},
}.items():
    state.init_widget(P + key, value)
if P + "channels_base" not in st.session_state:
    st.session_state[P + "channels_base"] = channels_table(plan)


def use_retention_fit(table: pd.DataFrame) -> None:
    try:
        fit = fit_sbg(pd.to_numeric(table["Active"], errors="coerce").to_numpy(dtype=float))
    except ClvInputError as exc:
        st.session_state[P + "fit_message"] = f"Retention table: {exc}"
        return
    st.session_state[P + "alpha"], st.session_state[P + "beta"] = round(fit.params.alpha, 4), round(fit.params.beta, 4)
    st.session_state[P + "fit_message"] = (
        f"Fitted: alpha {fit.params.alpha:.3f}, beta {fit.params.beta:.3f}; "
        f"average churn in month 1 {fit.params.mean_churn:.1%}"
    )


def use_curve_fit(history: pd.DataFrame, channel: str, table: pd.DataFrame) -> None:
    try:
        fit = fit_response_curve(pd.to_numeric(history["Spend"]).to_numpy(), pd.to_numeric(history["Leads"]).to_numpy())
    except (ScenarioError, ValueError) as exc:
        st.session_state[P + "fit_message"] = f"Spend history: {exc}"
        return
    base = table.copy()
    rows = base["Channel"] == channel
    base.loc[rows, "Max leads / month"] = round(fit.max_leads, 1)
    base.loc[rows, "First cost per lead"] = round(fit.initial_cost_per_lead, 2)
    st.session_state[P + "channels_base"] = base
    st.session_state.pop(P + "channels", None)
    st.session_state[P + "fit_message"] = f"{channel}: {fit.note}"


def use_repeat_fit(params: dict) -> None:
    for name, value in params.items():
        st.session_state[P + f"repeat_{name}"] = float(value)


inputs, results = st.columns([1.2, 2], gap="large")
with inputs:
    st.subheader("Acquisition")
    edited = st.data_editor(
        st.session_state[P + "channels_base"],
        key=P + "channels",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "Monthly spend": st.column_config.NumberColumn(format="$%d", help="Paid spend per month"),
            "Max leads / month": st.column_config.NumberColumn(
                help="The most leads the channel can give, however much you spend"
            ),
            "First cost per lead": st.column_config.NumberColumn(
                format="$%.2f", help="Cost of a lead at very low spend; it rises as the channel saturates"
            ),
            "Uncertainty %": st.column_config.NumberColumn(help="90% range of a month's leads: x/÷ (1 + this)"),
        },
    )
    with st.expander("Fit a channel's curve from monthly spend and leads"):
        history = st.data_editor(DEFAULT_HISTORY, key=P + "history", num_rows="dynamic", hide_index=True)
        names = [n for n in edited["Channel"].tolist() if isinstance(n, str) and n.strip()]
        if names:
            chosen = st.selectbox("Channel", names, key=P + "history_channel")
            st.button("Fit and use", key=P + "fit_curve", on_click=use_curve_fit, args=(history, chosen, edited))
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
        "Sales headcount cost / month ($)", key=P + "headcount", min_value=0.0, step=10_000.0, format="%.0f"
    )
    col2.number_input(
        "Commission (% of first-year revenue)", key=P + "commission_pct", min_value=0.0, max_value=100.0, step=1.0
    )
    if scenario.team is not None:
        try:
            team_rate = team_commission(scenario.replace(economics=None).to_json())
            st.button(
                f"Use the team plan's commission ({team_rate:.1%} of bookings)",
                key=P + "use_team",
                on_click=use_team_commission,
                args=(team_rate,),
            )
        except (ValueError, ScenarioError) as exc:
            st.caption(f"Team plan commission not available: {exc}")
    st.number_input(
        "Commission cost / month from the capacity plan ($, optional)",
        key=P + "commission_cost",
        min_value=0.0,
        value=None,
        step=5_000.0,
        format="%.0f",
        help="When given, replaces the commission rate",
    )

    st.subheader("Customer value")
    method = st.radio("Kind of business", list(METHODS), format_func=METHODS.get, key=P + "method")
    col1, col2 = st.columns(2)
    if method != "repeat":
        col1.number_input(
            "ARPA low ($ / month)",
            key=P + "arpa_low",
            min_value=1.0,
            step=50.0,
            help="Revenue per account per month: 90% sure it is between low and high",
        )
        col2.number_input("ARPA high ($ / month)", key=P + "arpa_high", min_value=1.0, step=50.0)
    col1.number_input("Gross margin %", key=P + "margin_pct", min_value=1.0, max_value=100.0, step=1.0)
    col2.number_input("Discount rate % / year", key=P + "discount_pct", min_value=0.1, max_value=100.0, step=1.0)
    if method == "subscription":
        col1.number_input("Retention alpha", key=P + "alpha", min_value=0.001, step=0.1, format="%.3f")
        col2.number_input("Retention beta", key=P + "beta", min_value=0.001, step=1.0, format="%.3f")
        with st.expander("Fit the retention model from a cohort table"):
            st.caption("Customers of one cohort still active at the end of each month (month 0 = acquired).")
            retention = st.data_editor(DEFAULT_RETENTION, key=P + "retention", num_rows="dynamic", hide_index=True)
            st.button("Fit and use", key=P + "fit_retention", on_click=use_retention_fit, args=(retention,))
    elif method == "simple":
        col1.number_input("Monthly churn %", key=P + "churn_pct", min_value=0.1, max_value=100.0, step=0.5)
    else:
        col1.number_input("LTV horizon (years)", key=P + "horizon_years", min_value=0.25, max_value=30.0, step=1.0)
        with st.expander("Repeat-purchase model (time in weeks, spend per transaction)"):
            st.caption(
                "Defaults: the published CDNOW estimates. Upload a transaction log (customer, date, amount) to fit yours."
            )
            upload = st.file_uploader(
                "Transaction log (CSV)", type=["csv", "txt"], key=P + "upload", max_upload_size=50
            )
            cal_end = st.text_input("Calibration end (YYYY-MM-DD)", value="1997-09-30", key=P + "cal_end")
            if upload is not None:
                data = upload.getvalue()
                try:
                    fitted = fit_transaction_log(hashlib.sha256(data).hexdigest(), cal_end, data)
                    st.button(
                        "Use these estimates", key=P + "use_repeat", on_click=use_repeat_fit, args=(fitted["params"],)
                    )
                    st.json({k: round(v, 4) for k, v in fitted["params"].items()}, expanded=False)
                    for line in fitted["report"]:
                        st.caption(line)
                    if len(fitted["excluded"]):
                        st.caption("Rows not used, with the reason (first 500):")
                        st.dataframe(fitted["excluded"], hide_index=True)
                except ClvInputError as exc:
                    st.error(f"Transaction log: {exc}")
            cols = st.columns(4)
            for k, name in enumerate(RepeatPurchaseModel().__dict__):
                cols[k % 4].number_input(name, key=P + f"repeat_{name}", min_value=0.0001, format="%.4f")
    if st.session_state.get(P + "fit_message"):
        st.info(st.session_state[P + "fit_message"])

    st.subheader("Targets and bars")
    col1, col2 = st.columns(2)
    col1.number_input("Target new customers / month", key=P + "target", min_value=1.0, step=5.0)
    col2.slider("Confidence", 50, 95, step=5, key=P + "confidence_pct", format="%d%%")
    col1.number_input("LTV:CAC bar", key=P + "bar_ratio", min_value=0.5, step=0.5)
    col2.number_input("Payback bar (months)", key=P + "bar_payback", min_value=1.0, step=1.0)


def plan_from_inputs() -> EconomicsPlan:
    ss = st.session_state
    return EconomicsPlan(
        channels=channels_from_table(edited),
        organic_leads=ss[P + "organic"],
        lead_stage=ss[P + "lead_stage"],
        sales_headcount_cost=ss[P + "headcount"],
        commission_rate=ss[P + "commission_pct"] / 100,
        commission_cost=ss[P + "commission_cost"],
        ltv_method=ss[P + "method"],
        arpa_low=ss[P + "arpa_low"],
        arpa_high=ss[P + "arpa_high"],
        gross_margin=ss[P + "margin_pct"] / 100,
        monthly_churn=ss[P + "churn_pct"] / 100,
        sbg_alpha=ss[P + "alpha"],
        sbg_beta=ss[P + "beta"],
        annual_discount_rate=ss[P + "discount_pct"] / 100,
        repeat=RepeatPurchaseModel(**{name: ss[P + f"repeat_{name}"] for name in RepeatPurchaseModel().__dict__}),
        ltv_horizon_years=ss[P + "horizon_years"],
        target_customers=ss[P + "target"],
        target_confidence=ss[P + "confidence_pct"] / 100,
        ltv_cac_bar=ss[P + "bar_ratio"],
        payback_bar_months=ss[P + "bar_payback"],
    )


input_error = state.apply_inputs(lambda: scenario.replace(economics=plan_from_inputs()))
scenario = state.current()

with results:
    state.show_input_error(input_error)
    try:
        view = economics_view(scenario.to_json())
    except ScenarioError as exc:
        st.error(f"**Cannot simulate:** {exc.message}")
        st.stop()
    ratio, payback = view.metric("ltv_cac"), view.metric("payback_months")
    headline = st.container(key="economics-headline")
    headline.markdown(f"### {view.verdicts[0]}")
    m = headline.columns(5)
    m[0].metric(
        "LTV:CAC", f"{ratio['p50']:.1f}x", help=f"P50 of the trials; P10-P90 {ratio['p10']:.1f}x - {ratio['p90']:.1f}x"
    )
    m[1].metric(
        "Payback",
        f"{payback['p50']:.0f} mo",
        help=f"CAC payback in months, P50; P10-P90 {payback['p10']:.1f} - {payback['p90']:.1f}",
    )
    cac, ltv = view.metric("cac_blended"), view.metric("ltv")
    m[2].metric(
        "CAC",
        money(cac["p50"]),
        help=f"Blended, fully loaded CAC, P50; P10-P90 {money(cac['p10'])} - {money(cac['p90'])}",
    )
    m[3].metric("LTV", money(ltv["p50"]), help="Lifetime gross profit per new customer, discounted (P50)")
    m[4].metric(
        "Customers / mo",
        count(view.customers["p50"]),
        help=f"New customers per month, P50; P10-P90 {count(view.customers['p10'])} - {count(view.customers['p90'])}",
    )
    for warning in view.warnings:
        st.warning(warning, icon=":material/warning:")
    for line in view.verdicts[1:]:
        st.markdown(f"- {line}")

    left, right = st.columns(2)
    left.altair_chart(
        charts.bar_histogram(
            view.ltv_cac_hist,
            bar=view.plan.ltv_cac_bar,
            bar_label=f"{view.plan.ltv_cac_bar:g}:1",
            x_title="LTV:CAC",
            title="LTV:CAC across simulated months",
        ),
        width="stretch",
    )
    right.altair_chart(
        charts.bar_histogram(
            view.payback_hist,
            bar=view.plan.payback_bar_months,
            bar_label=f"{view.plan.payback_bar_months:g} months",
            x_title="CAC payback (months)",
            title="CAC payback across simulated months",
            good_side="left",
        ),
        width="stretch",
    )
    st.altair_chart(
        charts.frontier_chart(
            view.frontier, current=view.plan.paid_spend, best=view.best.budget, bar=view.plan.ltv_cac_bar
        ),
        width="stretch",
    )
    st.altair_chart(charts.value_chart(view.frontier, best=view.best.budget), width="stretch")
    st.altair_chart(charts.channel_chart(view.channels), width="stretch")
    st.dataframe(
        view.channels[
            [
                "channel",
                "spend",
                "leads",
                "customers",
                "cost_per_lead",
                "average_cac",
                "marginal_cac",
                "value_maximising_spend",
                "verdict",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "spend": st.column_config.NumberColumn("Spend", format="$%.0f"),
            "leads": st.column_config.NumberColumn("Leads", format="%.0f"),
            "customers": st.column_config.NumberColumn("Customers", format="%.1f"),
            "cost_per_lead": st.column_config.NumberColumn("Cost per lead", format="$%.0f"),
            "average_cac": st.column_config.NumberColumn("Average CAC", format="$%.0f"),
            "marginal_cac": st.column_config.NumberColumn("Next customer's CAC", format="$%.0f"),
            "value_maximising_spend": st.column_config.NumberColumn("Best spend", format="$%.0f"),
        },
    )
    table = view.metrics[["label", "unit", "p10", "p50", "p90", "bar", "p_meets_bar"]]
    st.dataframe(display_metrics(table), hide_index=True, width="stretch")
    st.download_button(
        "Download these figures (CSV)",
        data=lambda: table.to_csv(index=False),
        file_name="unit_economics.csv",
        mime="text/csv",
        on_click="ignore",
        key=P + "download",
    )
    with st.expander("How these are calculated"):
        st.markdown(
            f"""
- **Month**: one steady month of the plan; new customers are those that month's leads eventually become.
- **Leads** per channel: max leads x (1 - exp(-spend / (max leads x first cost per lead))): doubling spend does not double leads.
- **Lead -> customer**: the Funnel page's conversion rates from *{view.plan.lead_stage}* to the last stage, uncertain as set there.
- **Blended CAC** = (paid marketing + sales headcount + commissions) / all new customers (organic included). **Paid CAC** = paid marketing / paid customers + sales cost per customer.
- **LTV**: lifetime gross profit of a new customer, discounted at {view.plan.annual_discount_rate:.0%} a year. Subscription: ARPA x margin x discounted expected lifetime from the shifted-beta-geometric retention model. Repeat purchase: first purchase plus BG/NBD expected repeat purchases x Gamma-Gamma spend over the horizon. Simple: ARPA x margin / churn.
- **CAC payback (months)** = CAC / (ARPA x gross margin), ignoring churn. **Marketing ROI** = (paid customers x LTV - paid marketing) / paid marketing.
- **Magic number** = new ARR won in a quarter / S&M spend of the prior quarter; here, in a steady month, new customers x first-year revenue / monthly S&M (ARR is annual, so no x4).
- **Value created** = customers x (LTV - CAC) = customers x LTV - all sales and marketing spend.
- {view.trials:,} trials, seed {view.seed}: the same inputs and seed give the same numbers.
"""
        )
