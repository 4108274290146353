"""Backtest on the bundled CRM export: the origins the issue asks for, calibration, and the naive model's bias."""

from __future__ import annotations

import pandas as pd
import pytest

import crm
from simulate.pipeline.backtest import (
    backtest_origins,
    backtest_pipeline,
    default_origins,
    earliest_as_of,
    reliability_bins,
    score,
)
from simulate.pipeline.bookings import forecast_pipeline


@pytest.fixture(scope="module")
def opp() -> pd.DataFrame:
    return crm.bundled_example().opportunities


def test_origins_are_month_ends_march_to_november_and_quarter_ends_with_a_full_quarter(opp):
    origins = default_origins(opp)
    months = [f"{d:%Y-%m-%d}" for d, kind in origins if kind == "month"]
    quarters = [f"{d:%Y-%m-%d}" for d, kind in origins if kind == "quarter"]
    assert months == [f"{m.end_time:%Y-%m-%d}" for m in pd.period_range("2017-03", "2017-11", freq="M")]
    assert quarters == ["2017-03-31", "2017-06-30", "2017-09-30"]  # Q4 ends on the export date, 2017-12-31


def test_usable_origins_have_closed_deals_before_them_and_are_capped_to_the_last_months(opp):
    """What the page and `simulate pipeline --backtest` replay: origins on or after the first day with 5 closed
    deals (one won), and only the last `max_months` month-ends, so a file spanning decades is bounded."""
    start = earliest_as_of(opp)
    closed = opp[opp["status"].isin(["won", "lost"]) & (opp["close_date"] <= start)]
    assert len(closed) >= 5 and (closed["status"] == "won").any()
    kept, skipped = backtest_origins(opp)
    assert kept and skipped == len(default_origins(opp)) - len(kept) and all(d >= start for d, _ in kept)
    few, skipped_more = backtest_origins(opp, max_months=3)
    assert sorted({d for d, _ in few}) == sorted({d for d, _ in kept})[-3:] and skipped_more > skipped


def test_scores_count_hits_and_median_errors():
    rows = pd.DataFrame(
        {
            "kind": ["month"] * 4,
            "actual": [100.0, 100.0, 200.0, 50.0],
            "p10": [80, 110, 150, 10],
            "p50": [90, 130, 200, 40],
            "p90": [120, 150, 260, 45],
            "inside": [True, False, True, False],
            "ape": [0.1, 0.3, 0.0, 0.2],
            "won_inside": [True] * 4,
            "won_ape": [0.0] * 4,
            "naive": [200.0, 300.0, 400.0, 100.0],
            "naive_ape": [1.0, 2.0, 1.0, 1.0],
        }
    )
    s = score(rows).iloc[0]
    assert (s["origins"], s["coverage"], s["mdape"]) == (4, 0.5, pytest.approx(0.15))
    assert s["naive_mdape"] == 1.0 and s["naive_bias"] == 1.0  # median of (+1, +2, +1, +1)


def test_reliability_groups_deals_by_predicted_chance():
    data = pd.DataFrame(
        {
            "predicted": [0.0, 0.0, 0.1, 0.1, 0.5, 0.5, 0.9, 0.9],
            "won": [False, False, True, False, True, False, True, True],
        }
    )
    table = reliability_bins(data, bins=4)
    assert list(table["deals"]) == [2, 2, 2, 2]
    assert list(table["predicted"]) == pytest.approx([0.0, 0.1, 0.5, 0.9])
    assert list(table["observed"]) == [0.0, 0.5, 0.5, 1.0]


@pytest.mark.slow
def test_backtest_is_calibrated_where_the_naive_model_over_forecasts(opp):
    bt = backtest_pipeline(opp, trials=2_000, seed=0)
    scores = bt.scores.set_index("kind")
    month = scores.loc["month"]
    assert month["origins"] == 9
    # 9 origins with an 80% interval: 5 or fewer hits would happen by chance with probability ~0.09
    assert month["coverage"] >= 6 / 9
    assert month["mdape"] < 0.25
    assert month["naive_bias"] > 1.0  # stale open deals at the overall win rate: more than double the actual
    assert scores.loc["quarter", "mdape"] < scores.loc["quarter", "naive_mdape"]
    rel = bt.reliability
    assert rel["deals"].sum() == sum(
        len(forecast_pipeline(opp, d, "month", trials=100).deals) for d, k in default_origins(opp) if k == "month"
    )
    # over all deals the predicted and observed totals agree within 15%
    assert (rel["predicted"] * rel["deals"]).sum() == pytest.approx((rel["observed"] * rel["deals"]).sum(), rel=0.15)
