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
    default_scenario,
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


FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "scenario"


def test_a_schema_1_file_opens_unchanged_in_usd_and_saves_as_schema_2():
    text = (FIXTURES / "schema1-default-with-team.json").read_text()
    old = json.loads(text)
    assert old["schema_version"] == 1 and "currency" not in old
    s = Scenario.from_json(text)
    assert s.currency == "USD"
    assert not s.cycle.is_uncertain and not s.deal_size.is_uncertain
    assert s == default_scenario()
    new = s.to_dict()
    assert new == {**old, "schema_version": 2, "currency": "USD"}  # nothing else changed
    assert SCHEMA_VERSION == 2


def test_a_schema_1_link_opens_unchanged():
    from ui import codec

    s = codec.decode((FIXTURES / "schema1-link.txt").read_text().strip())
    assert (s.name, s.currency, s.deal_size, s.cycle, s.seed) == (
        "Old link",
        "USD",
        DealSize(20_000, 150_000),
        CycleLength(40, 200),
        7,
    )


def test_currency_is_validated_and_round_trips():
    s = Scenario(currency="EUR")
    assert Scenario.from_json(s.to_json()).currency == "EUR"
    for bad in ("usd", "US", "EURO", "", 12):
        with pytest.raises(ScenarioError) as err:
            Scenario(currency=bad)
        assert err.value.field == "currency" and "ISO 4217" in err.value.message


def test_median_ranges_round_trip_and_are_checked():
    s = Scenario(
        deal_size=DealSize(25_000, 60_000, median_low=20_000, median_high=30_000),
        cycle=CycleLength(75, 160, median_low=60, median_high=95),
    )
    assert s.deal_size.is_uncertain and s.cycle.is_uncertain
    assert Scenario.from_json(s.to_json()) == s
    assert "median_low" not in Scenario().to_dict()["deal_size"]  # no range -> no keys (short links)
    cases = {
        "one end only": (DealSize(25_000, 60_000, median_low=20_000), "needs both low and high"),
        "low above high": (DealSize(25_000, 60_000, median_low=30_000, median_high=20_000), "low below high"),
        "median outside": (DealSize(35_000, 60_000, median_low=20_000, median_high=30_000), "must lie inside"),
        "zero low": (DealSize(25_000, 60_000, median_low=0, median_high=30_000), "greater than 0"),
    }
    for label, (deal, words) in cases.items():
        with pytest.raises(ScenarioError, match=words) as err:
            Scenario(deal_size=deal)
        assert err.value.field.startswith("deal_size.median_"), label
    with pytest.raises(ScenarioError, match="median sales cycle"):
        Scenario(cycle=CycleLength(75, 160, median_low=80, median_high=95))


def test_deal_spread_and_trials_have_stated_limits():
    Scenario(deal_size=DealSize(10_000, 200_000))  # P90/median 20 is allowed
    with pytest.raises(ScenarioError, match="at most 20 times the median") as err:
        Scenario(deal_size=DealSize(10_000, 200_001))
    assert err.value.field == "deal_size.p90"
    Scenario(trials=1_000_000)
    with pytest.raises(ScenarioError, match=r"Trials must be between 100 and 1000000 \(got 2000000\)"):
        Scenario(trials=2_000_000)
