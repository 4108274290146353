"""Scenario parameters: validation messages name the field and range; JSON round trip is lossless."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from simulate.scenario import (
    SCHEMA_VERSION,
    CycleLength,
    DealSize,
    LeadVolume,
    Rate,
    Scenario,
    ScenarioError,
    Stage,
    Target,
)


def with_stage_rate(rate: Rate) -> Scenario:
    s = Scenario()
    stages = list(s.stages)
    stages[2] = Stage("MQL", rate)
    return s.replace(stages=tuple(stages))


def test_rate_above_one_is_refused_with_the_stage_named():
    with pytest.raises(ScenarioError) as err:
        with_stage_rate(Rate.point(1.4))
    assert err.value.field == "stages[2].conversion.value"
    assert err.value.message == "Conversion 'Leads -> MQL' must be between 0 and 1 (got 1.4)"


def test_range_low_above_high_is_refused():
    with pytest.raises(ScenarioError, match=r"low must be below high \(got low 0.5, high 0.3\)"):
        with_stage_rate(Rate.range(0.5, 0.3))


def test_history_with_more_won_than_trials_is_refused():
    with pytest.raises(ScenarioError, match=r"won \(12\) cannot exceed of \(10\)"):
        with_stage_rate(Rate.history(12, 10))


def test_negative_volume_is_refused():
    with pytest.raises(ScenarioError) as err:
        Scenario(volume=LeadVolume(level=-5))
    assert err.value.field == "volume.level"
    assert "Monthly volume must be between 0 and" in err.value.message and "(got -5)" in err.value.message


def test_empty_stage_name_is_refused():
    s = Scenario()
    stages = list(s.stages)
    stages[3] = Stage("  ", stages[3].conversion)
    with pytest.raises(ScenarioError, match="stage 4 needs a name"):
        s.replace(stages=tuple(stages))


def test_duplicate_stage_names_are_refused():
    s = Scenario()
    stages = list(s.stages)
    stages[3] = Stage("mql", stages[3].conversion)
    with pytest.raises(ScenarioError, match="used twice"):
        s.replace(stages=tuple(stages))


def test_contradictory_cycle_and_deal_size_are_refused():
    with pytest.raises(ScenarioError, match="P90 sales cycle must be longer than the median"):
        Scenario(cycle=CycleLength(90, 60))
    with pytest.raises(ScenarioError, match="P90 deal size must be at least the median"):
        Scenario(deal_size=DealSize(10_000, 5_000))


def test_target_period_must_fit_in_the_horizon():
    with pytest.raises(ScenarioError, match="Target quarter number must be between 1 and 4"):
        Scenario(horizon_months=12, target=Target("revenue", 1e6, "quarter", 5))


def test_rate_quantiles_follow_the_definitions():
    r = Rate.range(0.2, 0.4)
    assert r.quantile(0.05) == pytest.approx(0.2, abs=1e-9)
    assert r.quantile(0.95) == pytest.approx(0.4, abs=1e-9)
    h = Rate.history(30, 100)  # Beta(31, 71)
    assert h.mean() == pytest.approx(31 / 102)
    assert Rate.point(0.3).quantile(0.9) == 0.3


def test_json_round_trip_keeps_every_field():
    s = Scenario(
        name="Hire 5 more",
        start_month="2027-04",
        horizon_months=18,
        volume=LeadVolume(
            level=12_345.5, growth=-0.01, seasonality=tuple(np.linspace(0.5, 1.5, 12)), overdispersion=0.2
        ),
        cycle=CycleLength(30, 95),
        deal_size=DealSize(5_000, 5_000),
        target=Target("won_deals", 120, "month", 7),
        sampling="plain",
        trials=2_000,
        seed=99,
    )
    s = s.with_volume_paths(np.arange(18 * 3, dtype=float).reshape(18, 3), "leads forecast")
    assert Scenario.from_json(s.to_json()) == s
    assert json.loads(s.to_json())["schema_version"] == SCHEMA_VERSION


def test_broken_scenario_files_name_the_problem():
    good = Scenario().to_dict()
    cases = {
        "not json": ("{oops", "file"),
        "unknown field": ({**good, "colour": "red"}, "scenario"),
        "newer schema": ({**good, "schema_version": SCHEMA_VERSION + 1}, "schema_version"),
        "missing schema": ({k: v for k, v in good.items() if k != "schema_version"}, "schema_version"),
        "wrong type": ({**good, "volume": {**good["volume"], "level": "lots"}}, "volume.level"),
        "stage not object": ({**good, "stages": ["Visitors"]}, "stages[0]"),
    }
    for label, (data, field) in cases.items():
        text = data if isinstance(data, str) else json.dumps(data)
        with pytest.raises(ScenarioError) as err:
            Scenario.from_json(text)
        assert err.value.field == field, label


def test_scenarios_are_values_usable_as_cache_keys():
    a, b = Scenario(), Scenario()
    assert a == b and hash(a.to_json()) == hash(b.to_json())
    assert dataclasses.replace(a, seed=1) != a
