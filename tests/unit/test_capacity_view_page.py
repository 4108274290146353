"""The capacity page's logic without a browser: widget values <-> team plan, the team table, and the figures,
sentences and decision tables the page shows."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from kpi.wording import format_value, money, percent
from simulate.capacity import (
    REP_COLUMNS,
    WIDGET_NAMES,
    HeadcountAdvice,
    HiringOption,
    capacity_decisions,
    capacity_page,
    capacity_summary,
    change_cases,
    hiring_table,
    rep_groups,
    simulate_team,
    team_from_values,
    team_table,
    widget_values,
)
from simulate.funnel import run as run_funnel
from simulate.scenario import (
    Accelerator,
    CommissionPlan,
    RepGroup,
    ScenarioError,
    Target,
    TeamPlan,
    default_scenario,
)


def _assert_same_team(got: TeamPlan, expected: TeamPlan) -> None:
    for f in dataclasses.fields(TeamPlan):
        a, b = getattr(got, f.name), getattr(expected, f.name)
        if f.name == "commission":
            for g in dataclasses.fields(CommissionPlan):
                assert getattr(a, g.name) == pytest.approx(getattr(b, g.name)), g.name
        elif isinstance(b, float) or f.name == "ramp_curve":  # through percent text and back
            assert a == pytest.approx(b), f.name
        else:
            assert a == b, f.name


@pytest.mark.parametrize(
    "team",
    [
        TeamPlan(),
        TeamPlan(
            current_reps=(RepGroup(3, 0), RepGroup(7, 30)),
            hiring_plan=(0, 1, 0, 3),
            ramp_curve=(0.2, 0.5, 0.8),
            attrition_annual=0.35,
            backfill=False,
            routing="territory",
            territory_skew=0.45,
            quota=80_000.0,
            ramped_quota=True,
            target_share_at_quota=0.7,
            plan_confidence=0.9,
            commission=CommissionPlan(base_rate=0.08, accelerators=(Accelerator(1.2, 0.12),), cap_attainment=2.5),
        ),
    ],
)
def test_widget_values_and_the_team_table_give_back_the_team(team):
    values = widget_values(team)
    assert set(values) == set(WIDGET_NAMES)
    _assert_same_team(team_from_values(values, team_table(team)), team)


def test_lists_are_text_and_rates_are_percent():
    values = widget_values(TeamPlan(ramp_curve=(0.1, 0.55), hiring_plan=(2, 0, 1), attrition_annual=0.2))
    assert values["ramp"] == "10, 55" and values["hires"] == "2, 0, 1" and values["attrition_pct"] == 20
    assert values["accelerators"] == "100: 15, 150: 20"  # the default commission plan's tiers


def test_blank_team_rows_are_skipped_and_whole_numbers_stay_whole():
    table = pd.DataFrame({"Reps": [4.0, None, 2.5], "Tenure (months)": [12.0, None, 3.0]})
    assert list(table.columns) == REP_COLUMNS
    groups = rep_groups(table)
    assert groups == (RepGroup(4, 12), RepGroup(2.5, 3))
    assert isinstance(groups[0].count, int) and isinstance(groups[0].tenure_months, int)


def test_a_half_filled_team_row_names_the_row():
    table = pd.DataFrame({"Reps": [4, 3], "Tenure (months)": [12, None]})
    with pytest.raises(ScenarioError) as caught:
        rep_groups(table)
    assert caught.value.field == "team.current_reps[1]" and "row 2" in caught.value.message


def test_a_bad_text_input_names_its_field():
    values = widget_values(TeamPlan()) | {"hires": "2, two"}
    with pytest.raises(ScenarioError) as caught:
        team_from_values(values, team_table(TeamPlan()))
    assert caught.value.field == "team.hiring_plan"


def _simulated(scenario):
    funnel = run_funnel(scenario)
    return scenario, funnel, simulate_team(scenario, funnel)


@pytest.fixture(scope="module")
def revenue_run():
    return _simulated(default_scenario().replace(trials=400, seed=5))


def test_headline_figures_are_the_summary_in_words(revenue_run):
    scenario, _, tr = revenue_run
    page = capacity_page(tr)
    s = capacity_summary(tr)
    figures = {f.label: f for f in page.headline}
    assert figures["Reps at quota (expected)"].value == percent(s.expected_share_at_quota.p)
    assert figures[f"Quota for {percent(s.target_share)} at quota"].value == format_value(
        s.recommended_quota, "revenue"
    )
    assert figures[f"Quota for {percent(s.target_share)} at quota"].help is None
    assert figures["Chance the team makes the plan"].value == percent(s.hit_plan.p)
    assert scenario.target_period_label() in figures["Chance the team makes the plan"].help
    assert float(figures["Quota over-assignment"].value.rstrip("%")) == pytest.approx(100 * s.over_assignment, abs=0.5)
    assert page.view.summary.sentence == s.sentence
    assert (page.unit, page.value_word) == ("$", "Revenue")
    assert format_value(scenario.target.value, "revenue") in page.spread
    total = {f.label: f for f in page.commission}["Total commission (mean)"]
    assert total.value == money(s.commission_cost.mean)
    assert scenario.team.commission.describe() in page.plan_note


def test_a_deal_target_shows_deals_not_money():
    scenario = default_scenario().replace(trials=300, seed=2)
    scenario = scenario.replace(target=Target("won_deals", 70, "quarter", 3), team=scenario.team.replace(quota=6))
    _, _, tr = _simulated(scenario)
    page = capacity_page(tr)
    assert (page.unit, page.value_word) == ("#", "Won deals")
    assert "deals" in page.headline[1].value


def test_hiring_table_says_not_reachable_and_the_most_hiring_gives():
    options = [HiringOption(0, "Jan", 2, 0.83), HiringOption(2, "Mar", None, 0.61)]
    advice = HeadcountAdvice(0.8, 0.5, 0.9, 16, 4, options, "Hire two.")
    table = hiring_table(advice)
    assert list(table.columns) == ["Extra reps starting in", "Extra reps needed", "Chance of plan"]
    assert list(table["Extra reps needed"]) == ["2", "not reachable"]
    assert list(table["Chance of plan"]) == ["83%", "at most 61%"]  # never an empty cell


def test_over_assignment_note_reconciles_with_the_typical_range(revenue_run):
    """The over-assignment at the recommended quota is the current one scaled by recommended / current quota;
    the note names it beside 120-125% and gives a next move."""
    _, _, tr = revenue_run
    page = capacity_page(tr)
    s = page.view.summary
    at_recommended = s.over_assignment * s.recommended_quota / s.quota
    note = page.over_assignment_note
    assert f"{at_recommended:.0%} of the" in note and "120%-125%" in note
    assert "Next move" in note or "fit each other" in note
    if at_recommended < 1:
        assert "bigger than this team" in note


def test_decisions_compare_the_what_ifs_with_the_plan(revenue_run):
    scenario, funnel, _ = revenue_run
    cases = change_cases(scenario, funnel, ramp_extra_months=3, attrition_extra=0.1, trials=400)
    advice = HeadcountAdvice(0.8, 0.5, 0.9, 16, 4, [HiringOption(0, "Jan", 1, 0.81)], "One more rep.")
    decided = capacity_decisions(advice, cases, scenario)
    assert decided.hiring_title == "Headcount for an 80% chance of the plan."  # "an", as it is read aloud
    assert decided.hiring_sentence == "One more rep."
    changes = decided.changes
    assert list(changes.columns) == ["Case", "Team bookings", "Change", "Chance of plan", "Reps at quota"]
    assert list(changes["Case"]) == [label for label, _ in cases]
    planned = cases[0][1].team_bookings()
    assert changes["Team bookings"].iloc[0] == round(float(planned.mean()))
    assert changes["Chance of plan"].iloc[0] == pytest.approx(np.mean(planned >= scenario.target.value))
    assert changes["Change"].iloc[0] == 0
    slower = cases[1][1].team_bookings().mean()
    assert changes["Change"].iloc[1] == pytest.approx(round(slower - planned.mean()), abs=1)
    assert decided.changes_sentence.startswith(f"Cost of {cases[1][0].lower()}: ")
