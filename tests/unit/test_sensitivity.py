"""Tornado, contribution to variance and goal-seek, checked against hand-built runs and closed forms."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import special

from simulate.decide import sensitivity
from simulate.funnel import engine
from simulate.scenario import Rate, Scenario, Stage, default_scenario

TRIALS, SEED = 2_000, 11


def set_rate(scenario: Scenario, stage: int, rate: Rate) -> Scenario:
    stages = list(scenario.stages)
    stages[stage] = Stage(stages[stage].name, rate)
    return scenario.replace(stages=tuple(stages))


def by_hand(scenario: Scenario, swing_stage: int | None, q: float, volume_factor: float = 1.0) -> tuple[float, float]:
    """Every uncertain rate at its median except one at quantile q; volume at a fixed multiple, no noise."""
    out = scenario.replace(
        volume=dataclasses.replace(scenario.volume, level=scenario.volume.level * volume_factor, overdispersion=0.0)
    )
    for stage in range(1, len(scenario.stages)):
        rate = scenario.stages[stage].conversion
        if rate.kind != "point":
            out = set_rate(out, stage, Rate.point(rate.quantile(q if stage == swing_stage else 0.5)))
    result = engine.run(out, trials=TRIALS, seed=SEED)
    revenue = result.period_revenue()
    return float(np.median(revenue)), float(np.mean(result.period_metric() >= scenario.target.value))


def test_tornado_bars_are_the_swings_run_by_hand():
    scenario = default_scenario()
    tornado = sensitivity.tornado(scenario, trials=TRIALS, seed=SEED)
    base = engine.run(scenario, trials=TRIALS, seed=SEED)
    v10, v50, v90 = np.percentile(base.volume_factor, [10, 50, 90])
    assert (tornado.base_p50, tornado.base_hit) == by_hand(scenario, None, 0.5, v50)
    bars = {bar.key: bar for bar in tornado.bars}
    assert len(bars) == 6  # five uncertain conversions and the volume
    for stage in range(1, len(scenario.stages)):
        bar = bars[f"conversion:{stage - 1}"]
        rate = scenario.stages[stage].conversion
        assert (bar.low_value, bar.high_value) == (rate.quantile(0.1), rate.quantile(0.9))
        assert (bar.p50_low, bar.hit_low) == by_hand(scenario, stage, 0.1, v50)
        assert (bar.p50_high, bar.hit_high) == by_hand(scenario, stage, 0.9, v50)
    volume = bars["volume"]
    assert (volume.p50_low, volume.hit_low) == by_hand(scenario, None, 0.5, v10)
    assert (volume.p50_high, volume.hit_high) == by_hand(scenario, None, 0.5, v90)
    swings = [bar.swing for bar in tornado.bars]
    assert swings == sorted(swings, reverse=True)


def test_a_certain_input_has_no_bar_and_a_wider_range_swings_more():
    scenario = default_scenario()
    scenario = set_rate(scenario, 1, Rate.point(0.03))
    scenario = set_rate(scenario, 2, Rate.range(0.39, 0.41))  # narrow
    scenario = set_rate(scenario, 5, Rate.range(0.15, 0.35))  # wide
    tornado = sensitivity.tornado(scenario, trials=TRIALS, seed=SEED)
    keys = [bar.key for bar in tornado.bars]
    assert "conversion:0" not in keys
    assert keys[0] == "conversion:4" and keys.index("conversion:1") > keys.index("conversion:4")
    wide = tornado.bars[0]
    # revenue's median moves in proportion to the won rate (up to deal-level noise): ratio of P90 to P10 rate
    assert wide.p50_high / wide.p50_low == pytest.approx(wide.high_value / wide.low_value, rel=0.1)


def funnel_two_uncertain(sigma_a: float, sigma_b: float) -> Scenario:
    """Won deals only, fixed deal size, no volume noise; two small rates uncertain on the logit scale."""

    def rate(center: float, sigma: float) -> Rate:
        mid = special.logit(center)
        return Rate.range(float(special.expit(mid - 1.6448536 * sigma)), float(special.expit(mid + 1.6448536 * sigma)))

    base = default_scenario()
    stages = (Stage("Leads"), Stage("SQL", rate(0.04, sigma_a)), Stage("Won", rate(0.05, sigma_b)))
    return base.replace(
        stages=stages,
        volume=dataclasses.replace(base.volume, level=2_000_000.0, overdispersion=0.0),
        target=dataclasses.replace(base.target, metric="won_deals", value=10_000.0),
        sampling="plain",
    )


def test_contribution_shares_follow_each_inputs_share_of_log_variance():
    """Won deals ~ volume x r_a x r_b, so log(won) ~ logit(r_a) + logit(r_b) for small rates and
    Poisson noise is negligible at ~20,000 deals: rank correlations are proportional to each sigma, so
    the shares are sigma_a^2 / (sigma_a^2 + sigma_b^2) and its complement."""
    sigma_a, sigma_b = 0.30, 0.15
    result = engine.run(funnel_two_uncertain(sigma_a, sigma_b), trials=20_000, seed=3)
    frame = sensitivity.contribution_to_variance(result).set_index("key")
    expected_a = sigma_a**2 / (sigma_a**2 + sigma_b**2)
    # Spearman rho has standard error about (1 - rho^2) / sqrt(n); the share moves about 2 rho se / (sum rho^2)
    rho = frame["rank_correlation"]
    se_share = float(2 * (1 - rho**2).max() / np.sqrt(result.trials) / (rho**2).sum())
    assert frame.loc["conversion:0", "contribution"] == pytest.approx(expected_a, abs=5 * se_share + 0.01)
    assert frame["contribution"].abs().sum() == pytest.approx(1.0)
    assert list(frame.index) == ["conversion:0", "conversion:1"]


def test_contribution_of_the_only_uncertain_input_is_everything():
    scenario = default_scenario()
    for stage in range(1, 5):
        scenario = set_rate(scenario, stage, Rate.point(scenario.stages[stage].conversion.quantile(0.5)))
    scenario = scenario.replace(volume=dataclasses.replace(scenario.volume, overdispersion=0.0))
    frame = sensitivity.contribution_to_variance(engine.run(scenario, trials=TRIALS, seed=SEED))
    assert list(frame["key"]) == ["conversion:4"]
    assert frame["contribution"].iloc[0] == pytest.approx(1.0)


def test_goal_seek_on_volume_hits_the_target_at_the_asked_confidence_when_re_simulated():
    scenario = default_scenario()
    result = engine.run(scenario, trials=20_000, seed=SEED)
    answer = sensitivity.seek_lever(result, "volume", 0.8)
    assert answer.value is not None and answer.value > 1
    assert "Lead volume must be" in answer.sentence and "an 8 in 10 chance" in answer.sentence
    check_scenario = scenario.replace(
        volume=dataclasses.replace(scenario.volume, level=scenario.volume.level * answer.value)
    )
    check = engine.run(check_scenario, trials=20_000, seed=SEED + 1)
    p = float(np.mean(check.period_metric() >= scenario.target.value))
    se = np.sqrt(0.8 * 0.2 / 20_000) * np.sqrt(2)  # the seek's own estimate and the check's, independent
    assert p == pytest.approx(0.8, abs=4 * se)


def test_every_lever_can_be_sought_and_unknown_levers_are_refused():
    scenario = default_scenario()
    result = engine.run(scenario, trials=TRIALS, seed=SEED)
    keys = [key for key, _ in sensitivity.levers(scenario)]
    assert keys == ["volume", *(f"conversion:{k}" for k in range(5)), "deal_size"]
    for key in keys:
        answer = sensitivity.seek_lever(result, key, 0.5)
        assert answer.sentence
    mql_sql = sensitivity.seek_lever(result, "conversion:2", 0.8)
    assert "MQL -> SQL conversion must be" in mql_sql.sentence
    with pytest.raises(ValueError, match="unknown lever"):
        sensitivity.seek_lever(result, "price", 0.8)


def test_median_ranges_are_tornado_inputs_with_their_quantiles():
    from simulate.decide.sensitivity import CYCLE_MEDIAN, DEAL_MEDIAN, tornado, uncertain_inputs
    from simulate.scenario import CycleLength, DealSize

    s = Scenario(
        deal_size=DealSize(18_000, 45_000, median_low=12_000, median_high=27_000),
        cycle=CycleLength(75, 160, median_low=60, median_high=95),
    )
    found = {item.key: item for item in uncertain_inputs(s)}
    deal = found[DEAL_MEDIAN]
    # lognormal with 5th/95th percentiles 12k/27k: P50 = sqrt(12k x 27k) = 18k, P10/P90 = 18k x (27/12)^(+-1.2816/3.2897)
    ratio = (27_000 / 12_000) ** (1.2815515655446004 / (2 * 1.6448536269514722))
    assert deal.p50 == pytest.approx(18_000, rel=1e-9)
    assert (deal.p10, deal.p90) == pytest.approx((18_000 / ratio, 18_000 * ratio), rel=1e-9)
    assert CYCLE_MEDIAN in found
    bars = {bar.key: bar for bar in tornado(s, trials=2_000).bars}
    assert bars[DEAL_MEDIAN].p50_high > bars[DEAL_MEDIAN].p50_low  # bigger deals, more revenue
    assert bars[CYCLE_MEDIAN].hit_high <= bars[CYCLE_MEDIAN].hit_low  # longer cycles, later revenue
