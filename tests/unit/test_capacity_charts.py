"""Capacity chart builders: valid Vega-Lite specs that carry aggregates only, with the marks a reader needs."""

from __future__ import annotations

import pytest

from charts import capacity as charts
from simulate.capacity.model import simulate_team
from simulate.capacity.view import build_capacity_view, simulation_key, with_plan
from simulate.funnel import engine
from simulate.scenario import default_scenario


@pytest.fixture(scope="module")
def view():
    scenario = default_scenario()
    return build_capacity_view(simulate_team(scenario, engine.run(scenario, trials=1_000, seed=3)))


def rows(spec: dict) -> int:
    return sum(len(v) for v in spec.get("datasets", {}).values())


def test_quota_curve_marks_current_and_recommended_quota(view):
    s = view.summary
    spec = charts.quota_curve_chart(
        view.quota_curve, quota=s.quota, recommended=s.recommended_quota, target_share=s.target_share, unit="$"
    ).to_dict()
    assert rows(spec) < 200
    labels = [{r.get("label") for r in data} for data in spec["datasets"].values()]
    assert {"65% of reps", "Current quota"} in labels


def test_attainment_histogram_colours_reps_at_quota_and_draws_100_percent(view):
    spec = charts.attainment_histogram_chart(view.histogram).to_dict()
    assert rows(spec) < 100
    assert any(layer["mark"]["type"] == "rule" for layer in spec["layer"])
    shares = [r["share"] for data in spec["datasets"].values() for r in data if "share" in r]
    assert sum(shares) == pytest.approx(1.0)


def test_monthly_chart_has_one_row_per_series_and_month_and_the_plan(view):
    chart = charts.monthly_bands_chart(
        view.monthly,
        unit="$",
        title="t",
        y_title="y",
        plan_per_month=view.plan_per_month,
        plan_months=view.period_months,
    )
    spec = chart.to_dict()
    months = default_scenario().horizon_months
    assert rows(spec) == 3 * months + len(view.period_months)
    assert charts.monthly_bands_chart(view.team_size, unit="#", title="t", y_title="Reps").to_dict()["layer"]


def test_rep_and_payout_charts_build_with_bounded_rows(view):
    assert rows(charts.rep_attainment_chart(view.reps).to_dict()) <= 120
    assert rows(charts.payout_histogram_chart(view.payout_hist).to_dict()) == 30


def test_cached_simulation_can_be_relabelled_with_a_new_quota():
    scenario = default_scenario()
    base = simulate_team(simulation_key(scenario), engine.run(scenario, trials=500, seed=1))
    moved = scenario.replace(team=scenario.team.replace(quota=90_000))
    view = build_capacity_view(with_plan(base, moved))
    assert view.summary.quota == 90_000
    with pytest.raises(ValueError):
        with_plan(base, scenario.replace(team=scenario.team.replace(attrition_annual=0.5)))
