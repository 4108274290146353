"""Scorecard chart builders: valid Vega-Lite from small per-rep frames, lines where the numbers say."""

from __future__ import annotations

import pandas as pd

from charts.scorecard import STATUS_COLOURS, attainability_chart, fairness_chart


def per_rep() -> pd.DataFrame:
    return pd.DataFrame({"rep": ["A", "B", "C"], "value": [0.2, 0.5, float("nan")], "chance_next": [0.1, 0.6, 0.0]})


def layer_data(spec: dict) -> list[list[dict]]:
    datasets = spec["datasets"]
    return [datasets[layer["data"]["name"]] for layer in spec["layer"]]


def test_attainability_chart_draws_reps_with_values_and_the_two_lines():
    chart = attainability_chart(
        per_rep(),
        status=pd.Series(["red", "green", "no data"]),
        target=0.45,
        share_level=0.3,
        unit="share",
        title="Win rate",
    )
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    bars, rules = layer_data(spec)
    assert [row["rep"] for row in bars] == ["A", "B"]  # the rep without a value is left out
    assert [row["status"] for row in bars] == ["red", "green"]
    assert [row["x"] for row in rules] == [0.45, 0.3]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["range"] == list(STATUS_COLOURS.values())
    assert spec["height"] == 160


def test_attainability_chart_without_a_share_level_has_only_the_target():
    spec = attainability_chart(
        per_rep(),
        status=pd.Series(["red", "green", "no data"]),
        target=10.0,
        share_level=None,
        unit="minutes",
        title="t",
    ).to_dict()
    assert [row["x"] for row in layer_data(spec)[1]] == [10.0]


def test_fairness_chart_marks_flagged_reps_and_the_average():
    data = pd.DataFrame(
        {
            "rep": [f"R{k}" for k in range(20)],
            "leads": 10.0,
            "leads_per_period": [10.0] * 19 + [2.0],
            "share_of_average": [1.0] * 19 + [0.2],
            "flag": [""] * 19 + ["fewer leads"],
        }
    )
    spec = fairness_chart(data, average=9.6).to_dict()
    bars, rule = layer_data(spec)
    assert {row["share"] for row in bars} == {"about average", "fewer leads"}
    assert rule == [{"x": 9.6}]
    assert spec["height"] == 16 * 20
