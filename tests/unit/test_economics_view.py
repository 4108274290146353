"""The unit-economics page's logic without a browser: widget values <-> plan, the channel table, the fits a user
runs from a table or an upload, and the figures and words the page shows."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi.wording import money
from simulate.economics import (
    CHANNEL_COLUMNS,
    REPEAT_PARAMETERS,
    WIDGET_NAMES,
    build_economics_page,
    build_economics_view,
    channels_from_table,
    channels_table,
    display_metrics,
    economics_page,
    fit_channel_curve,
    fit_retention_table,
    fit_transaction_log,
    plan_from_values,
    widget_values,
)
from simulate.scenario import Channel, EconomicsPlan, RepeatPurchaseModel, ScenarioError, default_scenario

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow" / "CDNOW_sample.txt"


def _assert_same_plan(got: EconomicsPlan, expected: EconomicsPlan) -> None:
    """Field by field; numbers that went through percent and back only up to float rounding."""
    for f in dataclasses.fields(EconomicsPlan):
        a, b = getattr(got, f.name), getattr(expected, f.name)
        if f.name == "channels":
            assert len(a) == len(b)
            for ca, cb in zip(a, b, strict=True):
                assert ca.name == cb.name
                assert [ca.monthly_spend, ca.max_leads, ca.initial_cost_per_lead, ca.uncertainty] == pytest.approx(
                    [cb.monthly_spend, cb.max_leads, cb.initial_cost_per_lead, cb.uncertainty]
                )
        elif isinstance(b, float):
            assert a == pytest.approx(b), f.name
        else:
            assert a == b, f.name


@pytest.mark.parametrize(
    "plan",
    [
        EconomicsPlan(),
        EconomicsPlan(
            channels=(Channel("Webinars", 12_000.0, 300.0, 35.0, 0.15),),
            commission_rate=0.07,
            commission_cost=25_000.0,
            ltv_method="repeat",
            gross_margin=0.63,
            monthly_churn=0.033,
            annual_discount_rate=0.12,
            repeat=RepeatPurchaseModel(r=0.5, gamma=20.0),
            target_confidence=0.9,
        ),
    ],
)
def test_widget_values_and_the_channel_table_give_back_the_plan(plan):
    values = widget_values(plan)
    assert set(values) == set(WIDGET_NAMES)
    _assert_same_plan(plan_from_values(values, channels_table(plan)), plan)


def test_percent_widgets_hold_percent_and_the_plan_fractions():
    plan = EconomicsPlan(gross_margin=0.7, commission_rate=0.05)
    values = widget_values(plan)
    assert values["margin_pct"] == pytest.approx(70.0) and values["commission_pct"] == pytest.approx(5.0)
    values["margin_pct"] = 55.0
    assert plan_from_values(values, channels_table(plan)).gross_margin == pytest.approx(0.55)


def test_every_repeat_purchase_parameter_has_a_widget():
    names = {f.name for f in dataclasses.fields(RepeatPurchaseModel)}
    assert set(REPEAT_PARAMETERS) == names
    assert {f"repeat_{n}" for n in names} <= set(WIDGET_NAMES)


def test_channel_table_has_uncertainty_in_percent_and_strips_names():
    table = pd.DataFrame([[" Events ", 5_000, 40, 90.0, 25]], columns=CHANNEL_COLUMNS)
    (channel,) = channels_from_table(table)
    assert channel == Channel("Events", 5_000.0, 40.0, 90.0, 0.25)
    assert channels_table(EconomicsPlan(channels=(channel,))).iloc[0]["Uncertainty %"] == pytest.approx(25.0)


@pytest.mark.parametrize("row", [["Events", None, 40, 90.0, 25], ["  ", 5_000, 40, 90.0, 25], [None, 5, 4, 9, 2]])
def test_an_empty_cell_names_its_channel_row(row):
    table = pd.DataFrame([["Search", 1_000, 100, 20.0, 20], row], columns=CHANNEL_COLUMNS)
    with pytest.raises(ScenarioError) as caught:
        channels_from_table(table)
    assert caught.value.field == "economics.channels[1]"
    assert "row 2" in caught.value.message


def test_retention_fit_matches_fader_and_hardie_high_end_segment():
    # Fader & Hardie (2007), "high end" segment, years 0-7: alpha ~ 0.668, beta ~ 3.806.
    table = pd.DataFrame({"Month": range(8), "Active": [1000, 869, 743, 653, 593, 551, 517, 491]})
    fit = fit_retention_table(table)
    assert fit.ok
    assert fit.values["alpha"] == pytest.approx(0.668, abs=0.002)
    assert fit.values["beta"] == pytest.approx(3.806, abs=0.01)
    assert fit.values["alpha"] == round(fit.values["alpha"], 4)
    churn = fit.values["alpha"] / (fit.values["alpha"] + fit.values["beta"])  # sBG mean churn in the first period
    assert fit.message.startswith("Fitted: alpha 0.66") and f"average churn in month 1 {churn:.1%}" in fit.message


def test_a_retention_table_without_cancellations_explains_itself():
    fit = fit_retention_table(pd.DataFrame({"Month": range(3), "Active": [100, 100, 100]}))
    assert not fit.ok
    assert fit.message.startswith("Retention table:") and "cancelled" in fit.message


def test_curve_fit_recovers_a_known_channel_and_changes_only_its_row():
    max_leads, first_cpl = 1_000.0, 50.0
    spend = np.array([10_000, 25_000, 40_000, 60_000, 90_000, 120_000], dtype=float)
    leads = max_leads * -np.expm1(-spend / (max_leads * first_cpl))
    table = channels_table(EconomicsPlan())
    before = table.copy()
    channel = table["Channel"].iloc[0]
    fit = fit_channel_curve(pd.DataFrame({"Spend": spend, "Leads": leads}), channel, table)
    refitted = fit.values["channels_base"].set_index("Channel")
    assert refitted.loc[channel, "Max leads / month"] == pytest.approx(max_leads, rel=0.01)
    assert refitted.loc[channel, "First cost per lead"] == pytest.approx(first_cpl, rel=0.01)
    others = before.set_index("Channel").drop(index=channel)
    pd.testing.assert_frame_equal(refitted.drop(index=channel), others)
    pd.testing.assert_frame_equal(table, before)  # the editor's table is not changed in place
    assert fit.message.startswith(f"{channel}: fitted on 6 months")


def test_curve_fit_on_too_short_a_history_says_what_is_needed():
    fit = fit_channel_curve(pd.DataFrame({"Spend": [1, 2, 3], "Leads": [1, 2, 3]}), "Search", pd.DataFrame())
    assert not fit.ok and fit.message.startswith("Spend history:") and "at least 4 months" in fit.message


def test_transaction_log_fit_reproduces_the_published_cdnow_estimates():
    # The CDNOW sample (text format, no commas): the repeat-purchase defaults are the published estimates.
    fit = fit_transaction_log(CDNOW.read_bytes(), "1997-09-30")
    published = RepeatPurchaseModel()
    assert set(fit.params) == set(REPEAT_PARAMETERS)
    for name in REPEAT_PARAMETERS:
        assert fit.params[name] == pytest.approx(getattr(published, name), rel=0.005), name
    assert any("2,357 customers" in line for line in fit.report)
    assert len(fit.excluded) == 0


def test_transaction_log_returns_are_reported_not_used():
    lines = ["customer,date,amount"]
    for c in range(30):
        for month in (1, 2 + c % 5, 6 + c % 4):
            lines.append(f"C{c},2024-{month:02d}-{1 + c % 27:02d},{10 + c}")
    lines.append("C1,2024-03-15,-25")
    fit = fit_transaction_log("\n".join(lines).encode(), "2024-12-31")
    assert len(fit.excluded) == 1 and "negative amount" in fit.excluded["reason"].iloc[0]
    assert any("1 returns totalling 25.00" in line for line in fit.report)


def test_metric_text_uses_each_measures_unit_and_leaves_blanks():
    table = pd.DataFrame(
        {
            "label": ["Ratio", "Payback", "Cost"],
            "unit": ["x", "months", "$"],
            "p10": [1.234, 10.04, 9_700.0],
            "p50": [2.0, 12.25, 12_000.0],
            "p90": [3.0, 20.0, 15_000.0],
            "bar": [3.0, 12.0, None],
            "p_meets_bar": [0.375, 0.5, None],
        }
    )
    text = display_metrics(table)
    assert list(text.columns) == ["Measure", "P10", "P50", "P90", "Bar", "Chance of meeting the bar"]
    assert list(text["P10"]) == ["1.23x", "10.0 months", money(9_700.0)]
    assert list(text["Bar"]) == ["3.00x", "12.0 months", ""]
    assert list(text["Chance of meeting the bar"]) == ["38%", "50%", ""]


@pytest.fixture(scope="module")
def view():
    return build_economics_view(default_scenario(), trials=500, seed=11)


def test_headline_shows_the_p50_of_each_measure_with_its_range(view):
    page = economics_page(view)
    figures = {f.label: f for f in page.headline}
    assert list(figures) == ["LTV:CAC", "Payback", "CAC", "LTV", "Customers / mo"]
    ratio = view.metric("ltv_cac")
    assert float(figures["LTV:CAC"].value.rstrip("x")) == pytest.approx(ratio["p50"], abs=0.05)
    assert f"{ratio['p10']:.1f}x - {ratio['p90']:.1f}x" in figures["LTV:CAC"].help
    assert figures["CAC"].value == money(view.metric("cac_blended")["p50"])
    assert float(figures["Payback"].value.removesuffix(" mo")) == pytest.approx(
        view.metric("payback_months")["p50"], abs=0.5
    )


def test_page_tables_come_from_the_view_and_the_notes_name_the_run(view):
    page = economics_page(view)
    assert list(page.channels["channel"]) == list(view.channels["channel"])
    assert page.channels.columns[-1] == "verdict" and "clv_below_cac" not in page.channels.columns
    assert list(page.figures_text["Measure"]) == list(view.metrics["label"])
    csv = pd.read_csv(io.StringIO(page.figures.to_csv(index=False)))
    assert csv["p50"].to_numpy() == pytest.approx(view.metrics["p50"].to_numpy())
    assert f"{view.trials:,} trials, seed {view.seed}" in page.notes
    assert f"*{view.plan.lead_stage}*" in page.notes


def test_build_economics_page_runs_the_scenarios_plan():
    scenario = default_scenario().replace(trials=500, seed=3)
    page = build_economics_page(scenario)
    assert page.view.seed == 3 and page.view.plan == (scenario.economics or EconomicsPlan())
    assert page.view.verdicts[0].startswith("Growth")
