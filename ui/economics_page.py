"""Streamlit glue for the unit-economics page: cached runs and fits, the buttons' callbacks and the widget groups
with more than a line of set-up. Every key starts with P ("economics."); the logic is in simulate.economics.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from forecast.clv import ClvInputError
from kpi.wording import currency_symbol
from simulate.economics import (
    DEFAULT_HISTORY,
    DEFAULT_RETENTION,
    REPEAT_PARAMETERS,
    WIDGET_NAMES,
    EconomicsPage,
    InputFit,
    TransactionFit,
    build_economics_page,
    channels_table,
    fit_channel_curve,
    fit_retention_table,
    fit_transaction_log,
    plan_from_values,
    team_commission_rate,
    widget_values,
)
from simulate.scenario import EconomicsPlan, Scenario, ScenarioError
from ui import state, tables
from ui.render import escape

P = "economics."  # widget key prefix


@st.cache_data(max_entries=32, ttl=3600, show_spinner="Simulating...")
def cached_page(scenario_json: str) -> EconomicsPage:
    return build_economics_page(Scenario.from_json(scenario_json))


@st.cache_data(max_entries=16, ttl=3600, show_spinner="Simulating the team plan...")
def team_commission(scenario_json: str) -> float:
    return team_commission_rate(Scenario.from_json(scenario_json))


@st.cache_data(max_entries=8, ttl=3600, show_spinner="Fitting BG/NBD and Gamma-Gamma...")
def transaction_log_fit(digest: str, calibration_end: str, _data: bytes) -> TransactionFit:
    """Keyed on the upload's sha256 (not its bytes), so two uploads never collide."""
    return fit_transaction_log(_data, calibration_end)


def init_widgets(plan: EconomicsPlan) -> None:
    """Start every widget from the plan unless the user already set it."""
    for name, value in widget_values(plan).items():
        state.init_widget(P + name, value)
    if P + "channels_base" not in st.session_state:
        st.session_state[P + "channels_base"] = channels_table(plan)


def plan_from_widgets(channels: pd.DataFrame) -> EconomicsPlan:
    """The EconomicsPlan the widgets and the edited channel table describe."""
    return plan_from_values({name: st.session_state[P + name] for name in WIDGET_NAMES}, channels)


def _show_fit(fit: InputFit) -> None:
    for name, value in fit.values.items():
        st.session_state[P + name] = value
    st.session_state[P + "fit_message"] = fit.message


def use_retention_fit(table: pd.DataFrame) -> None:
    _show_fit(fit_retention_table(table))


def use_curve_fit(history: pd.DataFrame, channel: str, table: pd.DataFrame) -> None:
    fit = fit_channel_curve(history, channel, table)
    if fit.ok:  # the editor restarts from the refitted table
        st.session_state[P + "channels_base"] = fit.values["channels_base"]
        st.session_state.pop(P + "channels", None)
    st.session_state[P + "fit_message"] = fit.message


def use_repeat_fit(params: dict) -> None:
    for name, value in params.items():
        st.session_state[P + f"repeat_{name}"] = float(value)


def use_team_commission(rate: float) -> None:
    st.session_state[P + "commission_pct"] = round(rate * 100, 2)


def channel_editor() -> pd.DataFrame:
    """The editable channel table; returns the table as edited."""
    return st.data_editor(
        st.session_state[P + "channels_base"],
        key=P + "channels",
        placeholder="",  # empty cells blank, not "None"
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "Monthly spend": st.column_config.NumberColumn(
                format=f"{currency_symbol()}%d", help="Paid spend per month"
            ),
            "Max leads / month": st.column_config.NumberColumn(
                help="The most leads the channel can give, however much you spend"
            ),
            "First cost per lead": st.column_config.NumberColumn(
                format=f"{currency_symbol()}%.2f",
                help="Cost of a lead at very low spend; it rises as the channel saturates",
            ),
            "Uncertainty %": st.column_config.NumberColumn(help="90% range of a month's leads: x/÷ (1 + this)"),
        },
    )


def curve_fit_expander(channels: pd.DataFrame) -> None:
    with st.expander("Fit a channel's curve from monthly spend and leads"):
        history = st.data_editor(
            DEFAULT_HISTORY, key=P + "history", num_rows="dynamic", hide_index=True, placeholder=""
        )
        names = [n for n in channels["Channel"].tolist() if isinstance(n, str) and n.strip()]
        if names:
            chosen = st.selectbox("Channel", names, key=P + "history_channel")
            st.button("Fit and use", key=P + "fit_curve", on_click=use_curve_fit, args=(history, chosen, channels))


def team_commission_button(scenario: Scenario) -> None:
    """Offer the capacity plan's cost of sales as the commission rate (only when the scenario has a team)."""
    if scenario.team is None:
        return
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


def retention_expander() -> None:
    with st.expander("Fit the retention model from a cohort table"):
        st.caption("Customers of one cohort still active at the end of each month (month 0 = acquired).")
        retention = st.data_editor(
            DEFAULT_RETENTION, key=P + "retention", num_rows="dynamic", hide_index=True, placeholder=""
        )
        st.button("Fit and use", key=P + "fit_retention", on_click=use_retention_fit, args=(retention,))


def repeat_purchase_expander() -> None:
    """The BG/NBD + Gamma-Gamma parameters, with a transaction-log upload that fits them."""
    with st.expander("Repeat-purchase model (time in weeks, spend per transaction)"):
        st.caption(
            "Defaults: the published CDNOW estimates. Upload a transaction log (customer, date, amount) to fit yours."
        )
        upload = st.file_uploader("Transaction log (CSV)", type=["csv", "txt"], key=P + "upload", max_upload_size=50)
        cal_end = st.text_input("Calibration end (YYYY-MM-DD)", value="1997-09-30", key=P + "cal_end")
        if upload is not None:
            data = upload.getvalue()
            try:
                fitted = transaction_log_fit(hashlib.sha256(data).hexdigest(), cal_end, data)
                st.button("Use these estimates", key=P + "use_repeat", on_click=use_repeat_fit, args=(fitted.params,))
                st.json({k: round(v, 4) for k, v in fitted.params.items()}, expanded=False)
                for line in fitted.report:
                    st.caption(escape(line))
                if len(fitted.excluded):
                    st.caption("Rows not used, with the reason (first 500):")
                    st.dataframe(fitted.excluded, hide_index=True)
            except (ClvInputError, ScenarioError, ValueError) as exc:  # a message naming the problem, never a trace
                st.error(f"**Transaction log:** {escape(getattr(exc, 'message', exc))}", icon=":material/error:")
        cols = st.columns(4)
        for k, name in enumerate(REPEAT_PARAMETERS):
            cols[k % 4].number_input(name, key=P + f"repeat_{name}", min_value=0.0001, format="%.4f")


def fit_message() -> None:
    if st.session_state.get(P + "fit_message"):
        st.info(st.session_state[P + "fit_message"])


def show_channels(channels: pd.DataFrame) -> None:
    tables.show_table(channels, {
        "channel": ("Channel", "text"), "spend": ("Spend", "money"), "leads": ("Leads", "count"),
        "customers": ("Customers", "number"), "cost_per_lead": ("Cost per lead", "money"),
        "average_cac": ("Average CAC", "money"), "marginal_cac": ("Next customer's CAC", "money"),
        "value_maximising_spend": ("Best spend", "money"),
    })  # fmt: skip
