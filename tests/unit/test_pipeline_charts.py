"""Pipeline chart builders: valid Vega-Lite from small aggregated frames, with the fields the page relies on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from charts import pipeline as charts
from simulate.pipeline.survival import LOST, OPEN, WON, fit_close_curves


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_close_curves_chart_draws_three_step_curves():
    curves = fit_close_curves(np.array([2, 3, 3, 5, 7, 8]), np.array([WON, OPEN, LOST, WON, OPEN, WON]))
    table = curves.table(points=50)
    assert set(table["curve"]) == {"still open", "won", "lost"} and len(table) <= 150
    spec = charts.close_curves_chart(table).to_dict()  # validates against the schema
    assert spec["mark"]["interpolate"] == "step-after"
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1]


def test_win_rate_chart_has_interval_point_and_overall_rule():
    rates = pd.DataFrame(
        {
            "segment": ["A", "B"],
            "won": [10, 3],
            "lost": [5, 9],
            "win_rate": [0.6, 0.3],
            "lo_90": [0.45, 0.15],
            "hi_90": [0.75, 0.5],
            "factor": [1.2, 0.6],
        }
    )
    spec = charts.win_rate_chart(rates, segment_title="Product", overall=0.5).to_dict()
    assert [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in _layers(spec)] == [
        "rule",
        "point",
        "rule",
    ]


def test_reliability_chart_has_a_diagonal_up_to_the_largest_value():
    table = pd.DataFrame({"bin": [0, 1], "predicted": [0.1, 0.4], "observed": [0.12, 0.3], "deals": [100, 50]})
    spec = charts.reliability_chart(table).to_dict()
    diagonal = spec["datasets"][spec["layer"][0]["data"]["name"]]
    assert diagonal == [{"x": 0.0, "y": 0.0}, {"x": 0.4, "y": 0.4}]


def test_backtest_chart_only_shows_the_chosen_period_kind():
    rows = pd.DataFrame(
        {
            "kind": ["month", "quarter", "month"],
            "period": ["Apr 2017", "Q2 2017", "May 2017"],
            "p10": [1.0, 2, 3],
            "p50": [2.0, 3, 4],
            "p90": [3.0, 4, 5],
            "actual": [2.5, 3, 6],
            "naive": [9.0, 9, 9],
        }
    )
    spec = charts.backtest_chart(rows, kind="month").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [r["period"] for r in data] == ["Apr 2017", "May 2017"]


@pytest.mark.parametrize("top", [3, 15])
def test_breakdown_chart_keeps_the_largest_rows(top):
    table = pd.DataFrame(
        {
            "owner": list("abcdef"),
            "open_deals": [1] * 6,
            "expected_won": [0.5] * 6,
            "expected_bookings": [600.0, 500, 400, 300, 200, 100],
        }
    )
    spec = charts.breakdown_chart(table, column="owner", title="Sales rep", top=top).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [r["owner"] for r in data] == list("abcdef")[:top]
