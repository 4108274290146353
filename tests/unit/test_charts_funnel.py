"""Chart builders produce valid Vega-Lite with the right fields (AppTest cannot look at charts)."""

from __future__ import annotations

import json

from charts import funnel as charts
from simulate.scenario import Scenario
from ui.simcache import build_view

VIEW = build_view(Scenario(trials=2_000))


def layers(chart) -> list[dict]:
    spec = chart.to_dict(validate=True)  # raises if the spec is not valid Vega-Lite
    return spec.get("layer", [spec])


def test_fan_chart_draws_p10_p90_band_and_p50_line():
    spec = layers(charts.fan_chart(VIEW.revenue_bands, title="Revenue", unit="$", y_title="Revenue"))
    encodings = [json.dumps(layer["encoding"]) for layer in spec]
    assert any('"p10"' in e and '"p90"' in e for e in encodings)
    assert any(layer["mark"]["type"] == "line" and layer["encoding"]["y"]["field"] == "p50" for layer in spec)


def test_histogram_marks_the_target():
    spec = charts.histogram_chart(VIEW.period_hist, target=2_000_000, unit="$", x_title="Revenue", title="Q3").to_dict()
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rules and json.dumps(spec).count("2000000") >= 1


def test_funnel_chart_orders_stages_top_down():
    spec = charts.funnel_chart(VIEW.stages).to_dict(validate=True)
    assert spec["layer"][0]["encoding"]["y"]["sort"] == {"field": "order", "op": "min"}
    assert list(VIEW.stages.sort_values("order")["stage"]) == Scenario().stage_names


def test_cached_spec_templates_carry_no_rows_and_equal_the_full_spec():
    """render.chart_from sends rows beside a spec built from an empty frame: the two must agree."""
    from ui.render import _drop_named_data, _spec_template

    for builder, frame, options in (
        (charts.fan_chart, VIEW.revenue_bands, {"title": "R", "unit": "$", "y_title": "Revenue"}),
        (charts.histogram_chart, VIEW.period_hist, {"target": 2e6, "unit": "$", "x_title": "R", "title": "Q3"}),
        (charts.funnel_chart, VIEW.stages, {"height": 240}),
    ):
        template = json.loads(
            _spec_template(builder, tuple(sorted(options.items())), tuple(frame.columns), tuple(map(str, frame.dtypes)))
        )
        full = builder(frame, **options).to_dict(validate=True)
        full.pop("datasets")
        assert template == _drop_named_data(full)
        assert '"name": "data-' not in json.dumps(template)


def test_charts_carry_aggregates_not_trials():
    for frame in (VIEW.revenue_bands, VIEW.won_bands, VIEW.period_hist, VIEW.stages):
        assert len(frame) <= 60
