"""Goal-seek answers are checked by re-simulating the scenario at the answer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulate.funnel import engine, goalseek
from simulate.scenario import Rate, Scenario, Target

TRIALS = 40_000


def chance(s: Scenario, seed: int = 999) -> tuple[float, float]:
    metric = engine.run(s, trials=TRIALS, seed=seed).period_metric()
    p = float(np.mean(metric >= s.target.value))
    return p, np.sqrt(p * (1 - p) / TRIALS)


def tolerance(se_check: float, confidence: float) -> float:
    # the answer itself comes from 10,000 trials: its own error is sqrt(c(1-c)/10,000)
    return 4 * np.hypot(se_check, np.sqrt(confidence * (1 - confidence) / 10_000))


@pytest.mark.parametrize("metric,value", [("revenue", 2_000_000), ("won_deals", 90)])
def test_required_volume_gives_the_chosen_confidence(metric, value):
    s = Scenario(target=Target(metric, value, "quarter", 3))
    answer = goalseek.seek(engine.run(s, trials=10_000, seed=1), "volume", 0.8)
    scaled = s.replace(volume=dataclasses.replace(s.volume, level=s.volume.level * answer.value))
    p, se = chance(scaled)
    assert p == pytest.approx(0.8, abs=tolerance(se, 0.8))


def test_required_conversion_gives_the_chosen_confidence():
    s = Scenario()
    answer = goalseek.seek(engine.run(s, trials=10_000, seed=1), "conversion", 0.7, stage=2)
    stages = list(s.stages)
    stages[3] = dataclasses.replace(stages[3], conversion=Rate.point(answer.value))
    p, se = chance(s.replace(stages=tuple(stages)))
    assert p == pytest.approx(0.7, abs=tolerance(se, 0.7))


def test_required_deal_size_gives_the_chosen_confidence():
    s = Scenario()
    answer = goalseek.seek(engine.run(s, trials=10_000, seed=1), "deal_size", 0.6)
    d = s.deal_size
    bigger = s.replace(deal_size=dataclasses.replace(d, median=d.median * answer.value, p90=d.p90 * answer.value))
    p, se = chance(bigger)
    assert p == pytest.approx(0.6, abs=tolerance(se, 0.6))


def test_unreachable_conversion_says_so():
    s = Scenario(target=Target("revenue", 50_000_000, "quarter", 3))
    answer = goalseek.seek(engine.run(s, trials=5_000, seed=1), "conversion", 0.9, stage=0)
    assert not answer.reachable and "not reachable" in answer.message


def test_more_confidence_needs_more_volume():
    result = engine.run(Scenario(), trials=10_000, seed=2)
    thresholds = goalseek.volume_thresholds(result)
    values = [goalseek.required_scale(thresholds, c) for c in (0.5, 0.7, 0.9)]
    assert values == sorted(values)
