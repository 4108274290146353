"""The plan's Monte Carlo: plan = open pipeline + funnel per trial, with nothing counted twice.

Reference values are closed forms of the model; each tolerance is 4 Monte Carlo standard errors of the checked
mean (sample standard deviation / sqrt(trials)), so a correct model fails with probability about 6e-5 per check.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import crm
from simulate.funnel import calendar_close_matrix, run
from simulate.plan import (
    PlanInputError,
    apply_overrides,
    calibrate_plan,
    month_win_chances,
    new_deals_per_rep,
    new_pipeline,
    overrides_between,
    run_plan,
    volume_paths,
)
from simulate.scenario import CycleLength, Target

TRIALS = 4_000


@pytest.fixture(scope="module")
def opportunities():
    return crm.bundled_example().opportunities


@pytest.fixture(scope="module")
def cal(opportunities):
    return calibrate_plan(opportunities, "2017-08-31")


@pytest.fixture(scope="module")
def result(cal):
    return run_plan(cal, 6, TRIALS, 11)


def test_plan_is_open_pipeline_plus_funnel_in_every_trial(cal, result):
    np.testing.assert_array_equal(result.bookings, result.existing_bookings + result.new_bookings)
    # the new part is exactly the funnel engine on the calibrated scenario, started cold (same trials, same seed)
    paths, label = volume_paths(cal, cal.scenario, 6, 11)
    engine = cal.scenario.replace(
        start_month="2017-08", horizon_months=7, target=Target("revenue", 1.0, "horizon", 1)
    ).with_volume_paths(paths, label)
    direct = run(engine, TRIALS, 11, stage_trials=0)
    np.testing.assert_array_equal(result.new_bookings, direct.revenue[:, 1:])
    np.testing.assert_array_equal(result.new_won, direct.won[:, 1:])
    assert (direct.won[:, 0] == 0).all()  # the month before the plan holds no new deal
    # the existing part only holds deals open on the as-of date: at most one win per open deal per trial
    open_deals = int(cal.snapshot.open["age_known"].sum())
    assert result.existing_won.sum(axis=1).max() <= open_deals
    assert cal.notes[0] == f"{open_deals:,} deals open on 2017-08-31 are the open pipeline."


def test_open_deals_without_a_created_date_are_reported(opportunities):
    """On the export date the bundled data has open deals with no created date (Prospecting): not open pipeline,
    and the plan says so."""
    at_export = calibrate_plan(opportunities, "2017-12-31")
    undated = int((~at_export.snapshot.open["age_known"]).sum())
    assert undated > 0 and any(f"{undated:,} open deals have no created date" in n for n in at_export.notes)


def test_cold_start_counts_no_deal_from_before_the_as_of_date(cal):
    """With no new volume at all the funnel adds nothing: every earlier deal is in the open pipeline, once."""
    scenario = cal.scenario.replace(volume=cal.scenario.volume.__class__(level=0.0, growth=0.0, overdispersion=0.0))
    bookings, won = new_pipeline(cal, scenario, 6, 500, 3)
    assert bookings.sum() == 0 and won.sum() == 0


def test_existing_pipeline_matches_its_closed_form(cal, result):
    """E[won in month k] = sum over deals of E_M[min(1, M C_k) - min(1, M C_(k-1))], M lognormal with mean 1."""
    months = pd.period_range(cal.first_month, periods=6, freq="M")
    table = month_win_chances(cal, months)
    p = table[[f"p_{k}" for k in range(6)]].to_numpy()
    cum = np.cumsum(p, axis=1)
    sigma = cal.pipeline.volatility
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    mult = np.exp(sigma * nodes - sigma**2 / 2)
    reached = np.einsum("q,qdk->dk", weights, np.minimum(1.0, mult[:, None, None] * cum[None]))
    expected = np.diff(np.concatenate([np.zeros((len(p), 1)), reached], axis=1), axis=1).sum(axis=0)
    got = result.existing_won.mean(axis=0)
    se = result.existing_won.std(axis=0, ddof=1) / np.sqrt(TRIALS)
    assert np.all(np.abs(got - expected) <= 4 * se + 1e-9), (got, expected, se)
    assert expected[0] > 100  # a real test: the open pipeline books hundreds of deals next month


def test_new_pipeline_matches_the_convolution(cal, result):
    """E[new won in month m] = sum_j E[volume_j] x E[win rate] x P(close in calendar month m | entered in j), over
    entry months j from the month before the plan (volume 0: a cold start) on, with the engine's calendar close
    matrix (real month lengths). The calibrated cycle median carries a 90% range (drawn per trial); here it is
    fixed at its median so the convolution is exact."""
    scenario = cal.scenario.replace(cycle=CycleLength(cal.scenario.cycle.median_days, cal.scenario.cycle.p90_days))
    _, new_won = new_pipeline(cal, scenario, 6, TRIALS, 11)
    paths, _ = volume_paths(cal, scenario, 6, 11)
    volume = paths.mean(axis=1)  # each trial follows one of these paths, uniformly; volume[0] = 0
    assert volume[0] == 0.0
    close = calendar_close_matrix("2017-08", 7, 0, cal.scenario.cycle.median_days, cal.scenario.cycle.p90_days)
    rate = np.prod([r.mean() for r in cal.scenario.conversions])
    expected = (volume * rate) @ close
    got = new_won.mean(axis=0)
    se = new_won.std(axis=0, ddof=1) / np.sqrt(TRIALS)
    assert np.all(np.abs(got - expected[1:]) <= 4 * se + 1e-6), (got, expected, se)


def test_mid_month_as_of_adds_what_is_booked_and_a_part_month(opportunities):
    cal = calibrate_plan(opportunities, "2017-09-15")
    assert str(cal.first_month) == "2017-09" and cal.first_fraction == pytest.approx(15 / 30)
    won = opportunities[
        (opportunities["status"] == "won") & opportunities["close_date"].between("2017-09-01", "2017-09-15")
    ]
    assert cal.booked_so_far == pytest.approx(won["amount"].sum()) and cal.won_so_far == len(won)
    r = run_plan(cal, 2, 300, 1)
    assert r.existing_bookings[:, 0].min() >= cal.booked_so_far


def test_monthly_quarterly_and_target(result):
    table = result.monthly()
    assert list(table["month"]) == ["2017-09", "2017-10", "2017-11", "2017-12", "2018-01", "2018-02"]
    assert (table["bookings_p10"] <= table["bookings_p50"]).all() and (
        table["bookings_p50"] <= table["bookings_p90"]
    ).all()
    np.testing.assert_allclose(table["existing_mean"] + table["new_mean"], table["bookings_mean"], rtol=1e-12)
    quarters = result.quarters()
    assert list(quarters["quarter"]) == ["Q3 2017", "Q4 2017", "Q1 2018"] and list(quarters["months"]) == [1, 3, 2]
    target = result.scenario.target  # default: the last 3 months' bookings over the first 3 plan months
    total = result.bookings[:, :3].sum(axis=1)
    assert result.chance().p == pytest.approx(np.mean(total >= target.value))
    payload = json.loads(json.dumps(result.to_dict(), default=float))
    month = payload["months"][0]
    assert set(month) >= {"month", "bookings", "won_deals", "existing", "new"}
    assert set(month["bookings"]) == {"mean", "p10", "p50", "p90"}


def test_per_rep_adds_up_to_the_plan_in_every_trial(cal, result):
    """Per rep: their own open deals, plus the new deals capacity routes to them in the same trial; capacity (the
    calibrated team, 1.25 x the busiest rep's monthly wins) does not bind here, so the reps' new bookings add up to
    the funnel's new bookings trial by trial (float32 seat sums: relative 1e-5)."""
    reps = result.per_rep
    assert len(reps) == 30
    assert reps["existing_mean"].sum() == pytest.approx(result.existing_bookings.sum(axis=1).mean(), rel=1e-9)
    per_rep_new = new_deals_per_rep(cal, cal.scenario, 6, TRIALS, 11)
    np.testing.assert_allclose(per_rep_new.sum(axis=1), result.new_bookings.sum(axis=1), rtol=1e-5)
    assert reps["new_mean"].sum() == pytest.approx(result.new_bookings.sum(axis=1).mean(), rel=1e-5)
    assert (per_rep_new.mean(axis=0) > 0).all()  # every rep gets new deals
    lazy = run_plan(cal, 6, TRIALS, 11, per_rep=False)  # the page computes it on demand, from the same trials
    assert lazy.per_rep is None
    pd.testing.assert_frame_equal(lazy.per_rep_table(), reps)


def test_overrides_are_what_ifs_that_round_trip(cal, result):
    what_if = {"win_rate": 0.7, "deal_median": 1_500.0, "volume_level": 500.0, "target": 2e6}
    scenario = apply_overrides(cal, what_if)
    assert overrides_between(cal, scenario) == pytest.approx(what_if)
    assert overrides_between(cal, cal.scenario) == {}
    r = run_plan(cal, 6, TRIALS, 11, overrides={"win_rate": 0.7})
    base = cal.scenario.stages[-1].conversion.mean()
    # the open deals' chances scale by 0.7 / calibrated: month 1 (little clipping) moves by about that ratio
    ratio = r.existing_won[:, 0].mean() / result.existing_won[:, 0].mean()
    assert ratio == pytest.approx(0.7 / base, rel=0.05)
    with pytest.raises(PlanInputError):
        apply_overrides(cal, {"win_rate": 1.5})
    with pytest.raises(PlanInputError):
        apply_overrides(cal, {"nonsense": 1.0})


def test_same_seed_same_plan_and_bad_arguments(cal):
    a, b = run_plan(cal, 3, 300, 5), run_plan(cal, 3, 300, 5)
    np.testing.assert_array_equal(a.bookings, b.bookings)
    assert not np.array_equal(a.bookings, run_plan(cal, 3, 300, 6).bookings)
    for kwargs in ({"months": 0}, {"months": 25}, {"trials": 10}, {"seed": -1}):
        with pytest.raises(PlanInputError):
            run_plan(cal, **{"months": 3, "trials": 300, "seed": 1, **kwargs})
