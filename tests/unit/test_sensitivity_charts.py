"""Chart builders for sensitivity and comparison: valid Vega-Lite, aggregates only, the right order and encodings."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from charts import compare as compare_charts
from charts import sensitivity as charts
from simulate.decide import comparison as compare
from simulate.decide import sensitivity
from simulate.funnel import engine
from simulate.scenario import default_scenario

TRIALS = 1_000


@pytest.fixture(scope="module")
def tornado():
    return sensitivity.tornado(default_scenario(), trials=TRIALS)


def datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def test_tornado_chart_has_two_rows_per_input_in_swing_order(tornado):
    frame = tornado.frame()
    data = charts.tornado_data(frame, measure="revenue")
    assert len(data) == 2 * len(frame)
    labels = list(dict.fromkeys(data["label"]))
    assert [label.split(" (")[0] for label in labels] == list(frame["label"])
    low = data[data["end"] == "Input at its P10"]["change"].to_numpy()
    assert list(low) == list(frame["p50_low_change"])
    spec = charts.tornado_chart(frame, base_value=tornado.base_p50).to_dict()  # validates against the schema
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["y"]["sort"] == labels
    assert sum(len(rows) for rows in datasets(spec)) <= 2 * len(frame) + 1


def test_tornado_chart_for_the_chance_of_hitting(tornado):
    data = charts.tornado_data(tornado.frame(), measure="hit")
    assert list(data["change"][::2]) == list(tornado.frame()["hit_low_change"])
    spec = charts.tornado_chart(tornado.frame(), measure="hit", base_value=tornado.base_hit).to_dict()
    assert "chance" in str(spec).lower()


def test_contribution_chart_colours_by_direction():
    frame = sensitivity.contribution_to_variance(engine.run(default_scenario(), trials=TRIALS))
    spec = charts.contribution_chart(frame).to_dict()
    rows = datasets(spec)[0]
    assert len(rows) == len(frame)
    assert {row["direction"] for row in rows} <= {"raises the result", "lowers the result"}


def test_comparison_charts_carry_one_series_per_scenario():
    base = default_scenario()
    other = base.replace(name="More", volume=dataclasses.replace(base.volume, level=50_000.0))
    comp = compare.compare([base, other], trials=TRIALS)
    fan = compare_charts.overlaid_fan_chart(comp.revenue_bands, labels=comp.labels).to_dict()
    hist = compare_charts.overlaid_histogram_chart(
        comp.histograms, labels=comp.labels, target=2e6, money=True, x_title="Revenue"
    ).to_dict()
    bars = compare_charts.headline_bars_chart(comp.headline_table(), labels=comp.labels).to_dict()
    for spec, expected_rows in ((fan, 2 * base.horizon_months), (hist, len(comp.histograms)), (bars, 2)):
        rows = datasets(spec)[0]
        assert len(rows) == expected_rows
        assert {row["scenario"] for row in rows} == set(comp.labels)
    assert pd.DataFrame(datasets(hist)[0]).groupby("scenario")["share"].sum().round(9).eq(1).all()
