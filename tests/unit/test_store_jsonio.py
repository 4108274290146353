"""Importing a scenario file: a faithful round trip, and every problem in a bad file named."""

from __future__ import annotations

import json

import pytest
from test_store import every_field_scenario

from simulate.scenario import SCHEMA_VERSION, Scenario
from store import ImportProblems, export_json, import_json


def problems_of(data) -> list[str]:
    with pytest.raises(ImportProblems) as info:
        import_json(json.dumps(data))
    return info.value.problems


def test_export_then_import_gives_the_same_scenario():
    scenario = every_field_scenario()
    assert import_json(export_json(scenario)) == scenario
    assert import_json(export_json(scenario).encode("utf-8")) == scenario


def test_each_problem_in_a_file_is_named_at_once():
    data = Scenario().to_dict()
    data["colour"] = "blue"  # unknown top-level field
    data["volume"]["levle"] = 5  # unknown nested field (typo)
    del data["cycle"]["p90_days"]  # missing field
    data["trials"] = "many"  # wrong type
    data["stages"][2]["conversion"]["low"] = "0.3"  # number given as text
    del data["target"]  # missing section
    problems = problems_of(data)
    assert any(p.startswith("colour: unknown field") for p in problems)
    assert any(p.startswith("volume.levle: unknown field") for p in problems)
    assert "cycle.p90_days: missing" in problems
    assert any(p.startswith("trials: must be a whole number") for p in problems)
    assert any(p.startswith("stages[2].conversion.low: must be a number (got text") for p in problems)
    assert "target: missing" in problems
    assert len(problems) == 6


def test_newer_schema_is_refused_with_advice():
    data = Scenario().to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    data["brand_new_field"] = 1
    assert problems_of(data) == [
        f"schema_version: the file uses schema {SCHEMA_VERSION + 1}, newer than this app's {SCHEMA_VERSION}; update the app to open it"
    ]


def test_values_out_of_range_are_named_by_the_scenario_reader():
    data = Scenario().to_dict()
    data["stages"][2]["conversion"] = {"kind": "point", "value": 1.4}
    (problem,) = problems_of(data)
    assert problem.startswith("stages[2].conversion.value:") and "between 0 and 1" in problem and "1.4" in problem


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"\xff\xfe\x00garbage", "not a text (UTF-8 JSON) file"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "a scenario must be a JSON object (got a list)"),
    ],
)
def test_unreadable_files_get_one_clear_message(raw, expected):
    with pytest.raises(ImportProblems) as info:
        import_json(raw)
    assert expected in info.value.problems[0]


def test_bare_number_conversion_is_accepted_as_a_point_rate():
    data = Scenario().to_dict()
    data["stages"][1]["conversion"] = 0.03
    assert import_json(json.dumps(data)).stages[1].conversion.value == 0.03
