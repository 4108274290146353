"""Unit-economics chart builders: valid Vega-Lite specs carrying only aggregates, bars drawn where expected."""

from __future__ import annotations

import pytest

from charts import economics as charts
from simulate.economics.summary import build_economics_view
from simulate.scenario import EconomicsPlan, Scenario


@pytest.fixture(scope="module")
def view():
    return build_economics_view(Scenario(economics=EconomicsPlan()), trials=1_000, seed=3)


def _rows(spec: dict) -> int:
    return sum(len(v) for v in spec.get("datasets", {}).values())


def test_histograms_draw_the_bar_and_stay_small(view):
    spec = charts.bar_histogram(view.ltv_cac_hist, bar=3.0, bar_label="3:1", x_title="LTV:CAC", title="t").to_dict()
    assert _rows(spec) < 100
    assert any(layer["mark"]["type"] == "rule" for layer in spec["layer"])


def test_frontier_marks_current_and_best_spend(view):
    chart = charts.frontier_chart(view.frontier, current=view.plan.paid_spend, best=view.best.budget, bar=3.0)
    spec = chart.to_dict()
    assert _rows(spec) < 200
    datasets = list(spec["datasets"].values())
    assert any({row.get("label") for row in rows} == {"now", "best value"} for rows in datasets)


def test_value_and_channel_charts_build(view):
    assert charts.value_chart(view.frontier, best=view.best.budget).to_dict()["layer"]
    spec = charts.channel_chart(view.channels).to_dict()
    assert len(spec["layer"]) == 3
