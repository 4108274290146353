"""TeamPlan: a validated scenario section whose messages name the field, and that round-trips JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from simulate.scenario import Accelerator, CommissionPlan, RepGroup, Scenario, ScenarioError, TeamPlan, default_scenario


def error_of(**changes) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        TeamPlan(**changes)
    return info.value


def test_default_scenario_includes_a_team_with_a_five_month_ramp():
    team = default_scenario().team
    assert isinstance(team, TeamPlan)
    assert team.months_to_full == 6  # five ramp months below 100%, full from the sixth
    assert team.target_share_at_quota == 0.65
    assert team.starting_headcount == sum(g.count for g in team.current_reps) > 0


def test_ramp_curve_that_decreases_names_the_month():
    err = error_of(ramp_curve=(0.2, 0.5, 0.4))
    assert err.field == "team.ramp_curve[2]"
    assert "cannot decrease" in err.message and "50%" in err.message and "40%" in err.message


def test_ramp_curve_above_100_percent_is_refused():
    err = error_of(ramp_curve=(0.5, 1.2))
    assert err.field == "team.ramp_curve[1]"
    assert "100%" in err.message and "1.2" in err.message


def test_negative_hires_are_refused_with_the_month():
    err = error_of(hiring_plan=(1, -2))
    assert err.field == "team.hiring_plan[1]"
    assert "negative" in err.message and "month 2" in err.message


def test_attrition_above_100_percent_is_refused():
    err = error_of(attrition_annual=1.3)
    assert err.field == "team.attrition_annual"
    assert "between 0 and 1" in err.message and "1.3" in err.message


def test_quota_of_zero_is_refused():
    err = error_of(quota=0)
    assert err.field == "team.quota"
    assert "greater than 0" in err.message


def test_accelerator_tiers_out_of_order_name_the_tier():
    with pytest.raises(ScenarioError) as info:
        CommissionPlan(accelerators=(Accelerator(1.5, 0.15), Accelerator(1.2, 0.2)))
    assert info.value.field == "team.commission.accelerators[1].from_attainment"
    assert "increasing order" in info.value.message and "120%" in info.value.message


def test_a_team_needs_at_least_one_rep():
    err = error_of(current_reps=(RepGroup(0, 3),), hiring_plan=())
    assert err.field == "team.current_reps"


def test_unknown_routing_lists_the_choices():
    err = error_of(routing="random")
    assert err.field == "team.routing" and "equal, capacity, territory" in err.message


def test_monthly_leave_probability_compounds_to_the_annual_rate():
    team = TeamPlan(attrition_annual=0.3)
    assert (1 - team.monthly_leave_probability) ** 12 == pytest.approx(0.7)


def test_team_round_trips_through_scenario_json():
    team = TeamPlan(
        current_reps=(RepGroup(3, 0), RepGroup(5, 14)),
        hiring_plan=(0, 2, 0, 1),
        ramp_curve=(0.2, 0.6, 1.0),
        routing="territory",
        commission=CommissionPlan(base_rate=0.08, accelerators=(Accelerator(1.0, 0.1), Accelerator(1.3, 0.12))),
    )
    scenario = Scenario(team=team)
    again = Scenario.from_json(scenario.to_json())
    assert again == scenario
    assert again.team.current_reps[1] == RepGroup(5, 14)


def test_bad_team_in_json_names_the_field():
    data = default_scenario().to_dict()
    data["team"]["ramp_curve"] = [0.3, 0.2]
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data)
    assert info.value.field == "team.ramp_curve[1]"
    data["team"] = {**default_scenario().team.to_dict(), "bonus": 1}
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data)
    assert info.value.field == "team" and "bonus" in info.value.message


def test_cli_rejects_a_bad_team_with_one_line_and_exit_2(tmp_path):
    data = default_scenario().to_dict()
    data["team"]["quota"] = 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    proc = subprocess.run([sys.executable, "-m", "simulate", "run", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "team.quota" in proc.stderr


def test_whole_numbers_written_as_decimals_are_accepted_and_stored_as_counts():
    data = default_scenario().team.to_dict()
    data["current_reps"] = [{"count": 3.0, "tenure_months": 12.0}]
    data["hiring_plan"] = [1.0, 0.0, 2.0]
    team = TeamPlan.from_dict(data)
    assert team.current_reps == (RepGroup(3, 12),) and team.hiring_plan == (1, 0, 2)
    assert isinstance(team.hiring_plan[0], int)
    with pytest.raises(ScenarioError) as info:
        TeamPlan(hiring_plan=(1.5,))
    assert info.value.field == "team.hiring_plan[0]" and "whole number" in info.value.message
