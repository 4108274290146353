"""What the funnel page shows besides charts, as a specification: its inputs rebuild the scenario, the reverse
funnel scales every stage by the volume multiplier the target needs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpi.wording import count, money
from simulate.funnel import (
    MONTHS,
    funnel_summary,
    headline_metrics,
    reverse_funnel,
    run,
    scenario_with_inputs,
    seasonality_from_row,
    target_caption,
)
from simulate.scenario import Scenario, ScenarioError, Target


def inputs_of(s: Scenario) -> dict:
    """The page's widget values for a scenario (growth and noise in percent)."""
    return dict(
        stages=s.stages,
        seasonality=s.volume.seasonality,
        level=s.volume.level,
        growth_pct=s.volume.growth * 100,
        noise_pct=s.volume.overdispersion * 100,
        cycle_median_days=s.cycle.median_days,
        cycle_p90_days=s.cycle.p90_days,
        deal_median=s.deal_size.median,
        deal_p90=s.deal_size.p90,
        horizon_months=s.horizon_months,
        start_month=s.start_month,
        target_metric=s.target.metric,
        target_value=s.target.value,
        target_period=s.target.period,
        target_index=s.target.index,
    )


def test_seasonality_row_becomes_twelve_indices():
    row = [1.0 + k / 10 for k in range(12)]
    assert seasonality_from_row(row) == tuple(row)
    assert seasonality_from_row([]) == ()


@pytest.mark.parametrize("empty", [None, float("nan")])
def test_an_empty_seasonality_cell_names_its_month(empty):
    row = [1.0] * 12
    row[4] = empty
    with pytest.raises(ScenarioError) as err:
        seasonality_from_row(row)
    assert err.value.field == "volume.seasonality[4]"
    assert MONTHS[4] == "May" and "May" in err.value.message


def test_the_widgets_starting_values_rebuild_the_same_scenario():
    s = Scenario()
    assert scenario_with_inputs(s, **inputs_of(s)) == s


def test_percent_inputs_become_fractions_and_the_start_month_is_trimmed():
    s = Scenario()
    changed = scenario_with_inputs(
        s, **{**inputs_of(s), "growth_pct": 2.5, "noise_pct": 20.0, "start_month": " 2027-03 ", "horizon_months": 18.0}
    )
    assert changed.volume.growth == pytest.approx(0.025)
    assert changed.volume.overdispersion == pytest.approx(0.20)
    assert changed.start_month == "2027-03"
    assert changed.horizon_months == 18 and isinstance(changed.horizon_months, int)


def test_an_invalid_input_raises_a_scenario_error():
    s = Scenario()
    with pytest.raises(ScenarioError):
        scenario_with_inputs(s, **{**inputs_of(s), "level": -100.0})


def test_headline_metrics_and_caption_read_the_summary():
    s = Scenario(trials=1_000, seed=3, target=Target("won_deals", 60, "quarter", 2))
    head = funnel_summary(run(s))
    won, revenue, chance = headline_metrics(head, s.trials)
    assert won.value == count(head.won_deals.mean) and "1,000 trials" in won.help
    assert revenue.value == money(head.revenue.p50)
    assert chance.value == f"{head.hit.p:.0%}"
    caption = target_caption(head, s.target)
    assert caption.startswith(f"Target: 60 deals in {head.period_label}.")
    assert f"{money(head.revenue.p10)} - {money(head.revenue.p90)}" in caption


STAGES = pd.DataFrame({"stage": ["Visitors", "Leads", "Won"], "mean": [1000.0, 100.0, 10.0]})
THRESHOLDS = np.arange(1, 101) / 50  # one trial per multiplier 0.02, 0.04, ..., 2.00


def test_reverse_funnel_scales_every_stage_by_the_multiplier_that_reaches_the_chance():
    reverse = reverse_funnel(STAGES, THRESHOLDS, 80, "Visitors")
    # at least 80 of the 100 trials reach the target once volume is x1.6 (x1.0 for half of them)
    assert list(reverse.table.columns) == [
        "Stage",
        "Planned per month",
        "Needed for 50% chance",
        "Needed for 80% chance",
    ]
    assert reverse.table["Planned per month"].tolist() == [1000, 100, 10]
    assert reverse.table["Needed for 50% chance"].tolist() == [1000, 100, 10]
    assert reverse.table["Needed for 80% chance"].tolist() == [1600, 160, 16]
    assert reverse.sentence.startswith("For an **80%** chance of the target you need about **1,600 visitors a month**")
    assert "60% more than planned" in reverse.sentence


def test_reverse_funnel_at_an_even_chance_has_one_needed_column_and_can_need_fewer():
    reverse = reverse_funnel(STAGES, THRESHOLDS / 2, 50, "Visitors")
    assert list(reverse.table.columns) == ["Stage", "Planned per month", "Needed for 50% chance"]
    assert reverse.table["Needed for 50% chance"].tolist() == [500, 50, 5]
    assert "50% fewer than planned" in reverse.sentence


def test_reverse_funnel_without_an_answer_leaves_the_cells_empty_and_says_nothing():
    reverse = reverse_funnel(STAGES, np.zeros(100), 80, "Visitors")
    assert reverse.sentence is None
    assert all(v is None or math.isnan(v) for v in reverse.table["Needed for 80% chance"])
