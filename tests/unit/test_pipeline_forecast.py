"""As-of replay without leakage, calibration from history, and the forecast's bookkeeping on the bundled CRM data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import crm
from simulate.pipeline.bookings import forecast_pipeline, what_if_lost
from simulate.pipeline.calibration import (
    DEFAULT_VOLATILITY,
    as_of_snapshot,
    calibrate,
    month_effects_and_volatility,
    period_after,
)
from simulate.pipeline.survival import OPEN, WON
from simulate.scenario import ScenarioError

AS_OF = pd.Timestamp("2017-06-30")


@pytest.fixture(scope="module")
def opp() -> pd.DataFrame:
    return crm.bundled_example().opportunities


def known_on(opp: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """What a CRM export taken on `as_of` would have held, written independently of the replay code."""
    then = opp[opp["created_date"] <= as_of].copy()
    later = then["close_date"] > as_of
    then.loc[later, ["status", "stage"]] = ["open", "Engaging"]
    then.loc[later, "close_date"] = pd.NaT
    then.loc[later, "amount"] = np.nan
    return then.reset_index(drop=True)


def _numbers(fc) -> dict:
    d = fc.to_dict()
    d.pop("naive_mean")  # uses the same inputs, compared separately below
    return d


def test_replay_equals_an_export_taken_on_that_day(opp):
    full = forecast_pipeline(opp, AS_OF, "month", trials=2_000, seed=3)
    then = forecast_pipeline(known_on(opp, AS_OF), AS_OF, "month", trials=2_000, seed=3)
    assert _numbers(full) == _numbers(then)
    assert full.naive_mean == pytest.approx(then.naive_mean)


def test_changing_the_future_does_not_change_the_forecast(opp):
    future = opp.copy()
    later = future["close_date"] > AS_OF
    future.loc[later, "status"] = future.loc[later, "status"].map({"won": "lost", "lost": "won"})
    future.loc[later, "amount"] = future.loc[later, "amount"].fillna(1.0) * 10
    extra = opp[opp["created_date"] > AS_OF].head(500).assign(opportunity_id=lambda d: "new-" + d["opportunity_id"])
    future = pd.concat([future, extra], ignore_index=True)
    base = forecast_pipeline(opp, AS_OF, "quarter", trials=2_000, seed=4)
    changed = forecast_pipeline(future, AS_OF, "quarter", trials=2_000, seed=4)
    assert _numbers(base) == _numbers(changed)


def test_snapshot_reopens_deals_closed_later_and_hides_their_outcome(opp):
    snap = as_of_snapshot(opp, AS_OF)
    assert (snap.deals["created_date"] <= AS_OF).all()
    assert snap.closed["close_date"].max() <= AS_OF
    reopened = snap.deals[snap.deals["outcome"] == OPEN]
    assert reopened["amount"].isna().all() and reopened["close_date"].isna().all()
    expected_open = ((opp["created_date"] <= AS_OF) & ~(opp["close_date"] <= AS_OF)).sum()
    assert len(reopened) == expected_open
    ages = (AS_OF - reopened["created_date"]).dt.days
    assert (reopened["days"].to_numpy() == ages.to_numpy()).all()


@pytest.mark.parametrize(
    "as_of, kind, start, end, label",
    [
        ("2017-06-30", "month", "2017-07-01", "2017-07-31", "Jul 2017"),
        ("2017-06-15", "month", "2017-06-01", "2017-06-30", "Jun 2017"),
        ("2017-06-30", "quarter", "2017-07-01", "2017-09-30", "Q3 2017"),
        ("2017-12-31", "quarter", "2018-01-01", "2018-03-31", "Q1 2018"),
    ],
)
def test_period_is_the_month_or_quarter_after_the_as_of_date(as_of, kind, start, end, label):
    p = period_after(as_of, kind)
    assert (p.start, p.end, p.label) == (pd.Timestamp(start), pd.Timestamp(end), label)


def test_win_rates_pull_small_segments_towards_the_overall_rate(opp):
    calib = calibrate(as_of_snapshot(opp, AS_OF), volatility=0.2)
    closed = as_of_snapshot(opp, AS_OF).closed
    overall = ((closed["outcome"] == WON).sum() + 0.5) / (len(closed) + 1)
    assert calib.overall_win_rate == pytest.approx(overall)
    for row in calib.win_rates.itertuples():
        raw = row.won / (row.won + row.lost)
        assert min(raw, overall) - 1e-12 <= row.win_rate <= max(raw, overall) + 1e-12
        assert row.lo_90 < row.win_rate < row.hi_90


def test_deal_sizes_are_the_lognormal_fit_of_won_amounts(opp):
    snap = as_of_snapshot(opp, AS_OF)
    calib = calibrate(snap, volatility=0.2)
    won = snap.closed[(snap.closed["outcome"] == WON) & (snap.closed["product"] == "GTX Basic")]
    row = calib.sizes.set_index("product").loc["GTX Basic"]
    assert row["log_mean"] == pytest.approx(np.log(won["amount"]).mean())
    assert row["won"] == len(won)


def test_stale_open_deals_get_no_chance(opp):
    fc = forecast_pipeline(opp, "2017-12-31", "month", trials=1_000, seed=1)
    longest = fc.calibration.curves.max_observed_days
    stale = fc.deals[fc.deals["age_days"] > longest]
    assert len(stale) > 100  # the bundled export has many long-dead "Engaging" deals
    assert (stale["p_win"] == 0).all()


def test_deals_without_created_date_are_not_existing_pipeline(opp):
    fc = forecast_pipeline(opp, "2017-12-31", "month", trials=500, seed=1)
    prospecting = opp[(opp["status"] == "open") & opp["created_date"].isna()]
    assert fc.undated_open == len(prospecting) > 0
    assert not fc.deals["opportunity_id"].isin(prospecting["opportunity_id"]).any()
    assert len(fc.deals) == ((opp["status"] == "open") & opp["created_date"].notna()).sum()


def test_forecast_adds_booked_existing_and_new(opp):
    fc = forecast_pipeline(opp, "2017-06-15", "month", trials=20_000, seed=2, target=1_000_000)
    won = opp[(opp["status"] == "won") & opp["close_date"].between("2017-06-01", "2017-06-15")]
    assert fc.booked_so_far == pytest.approx(won["amount"].sum()) and fc.won_so_far == len(won)
    se = fc.bookings.std / np.sqrt(fc.trials)
    assert fc.bookings.mean == pytest.approx(
        fc.booked_so_far + fc.existing.mean + fc.new.mean, abs=1e-6 * fc.bookings.mean
    )
    assert abs(fc.existing.mean - fc.deals["expected_bookings"].sum()) < 4 * max(se, fc.existing.mc_se)
    assert 0 <= fc.hit.p <= 1 and fc.coverage == pytest.approx(fc.pipeline_in_period / (1_000_000 - fc.booked_so_far))
    assert fc.required_coverage == pytest.approx(1 / fc.calibration.overall_win_rate)


def test_what_if_we_lose_the_biggest_deal_lowers_the_forecast_by_its_worth(opp):
    trials = 5_000
    fc = forecast_pipeline(opp, AS_OF, "quarter", trials=trials, seed=5)
    biggest = fc.deals.iloc[0]
    without = what_if_lost(fc, opp, biggest["opportunity_id"])
    # Same random numbers for everything else, so the drop per trial is the deal's won indicator times its size:
    # mean E[min(1, p M)] E[S] with M lognormal (mean 1, log-sd = volatility); its sd is at most sqrt(E[drop^2]).
    s, p = fc.calibration.period_volatility(fc.period), biggest["p_win"]
    p_eff = stats.lognorm(s, scale=np.exp(-(s**2) / 2)).expect(lambda m: np.minimum(1.0, p * m))
    size2 = np.exp(2 * biggest["log_mean"] + 2 * biggest["log_sd"] ** 2)
    drop = fc.bookings.mean - without.bookings.mean
    assert abs(drop - p_eff * biggest["expected_size"]) < 4 * np.sqrt(p_eff * size2 / trials)
    assert without.deals.loc[without.deals["opportunity_id"] == biggest["opportunity_id"], "p_win"].item() == 0
    assert without.new == fc.new  # new deals drew the very same numbers
    with pytest.raises(ScenarioError, match="not an open deal"):
        forecast_pipeline(opp, AS_OF, "month", trials=200, lost_ids=["no-such-deal"])


def test_no_closed_deals_gets_a_clear_message():
    data = b"id,stage,amount,created,close\na,Engaging,,2017-03-01,\nb,Engaging,,2017-03-04,\n"
    opp = crm.load_opportunities(data).opportunities
    with pytest.raises(ScenarioError, match="only 0 closed deals"):
        forecast_pipeline(opp, "2017-03-31", "month")


def test_quarter_rhythm_and_swing_follow_past_months():
    # Log ratios actual/expected by position in the quarter: 1st months -0.2, -0.4; 2nd 0.0; 3rd +0.3, +0.5.
    residuals = pd.DataFrame(
        {"position": [1, 1, 2, 3, 3], "log_ratio": [-0.2, -0.4, 0.0, 0.3, 0.5], "expected": [1e9] * 5}
    )
    effects, month_sd, quarter_sd = month_effects_and_volatility(residuals)
    raw = [(-0.2 - 0.4) / 3, 0.0 / 2, (0.3 + 0.5) / 3]  # each pulled towards 0 with the weight of one month
    centred = [r - np.mean(raw) for r in raw]
    assert effects == pytest.approx(tuple(np.exp(centred)))
    left = np.array([-0.2, -0.4, 0.0, 0.3, 0.5]) - np.array(
        [centred[0], centred[0], centred[1], centred[2], centred[2]]
    )
    assert month_sd == pytest.approx(np.sqrt((2 * DEFAULT_VOLATILITY**2 + np.sum(left**2)) / 7))
    assert quarter_sd == pytest.approx(np.sqrt((2 * DEFAULT_VOLATILITY**2 + 0.04 + 0.16 + 0.09 + 0.25) / 7))


def test_a_month_forecast_uses_its_place_in_the_quarter(opp):
    fc = forecast_pipeline(opp, "2017-08-31", "month", trials=500, seed=1)
    calib = fc.calibration
    assert fc.period.label == "Sep 2017" and calib.period_effect(fc.period) == calib.month_effects[2]
    plain = calib.curves.won_between(
        fc.deals["age_days"].to_numpy(), fc.deals["age_days"].to_numpy(), fc.deals["age_days"].to_numpy() + 30
    )
    plain = np.minimum(
        plain * calib.win_factor(fc.deals["product"]) * calib.month_effects[2], fc.deals["p_close"].to_numpy()
    )
    assert fc.deals["p_win"].to_numpy() == pytest.approx(plain)
    assert calib.month_effects[2] > 1 > calib.month_effects[0]  # this export books more in the last month of a quarter
    assert calib.volatility_months == len(calib.residuals) >= 5
