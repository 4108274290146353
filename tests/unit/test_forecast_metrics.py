"""Metric definitions (M4 competition) checked against hand computations."""

import numpy as np
import pandas as pd
import pytest

from forecast import metrics
from forecast.backtest import Backtest, choose_default, verdict
from forecast.models import SeasonalNaive


def test_seasonal_naive_mase_on_known_series_matches_hand_computation():
    # two seasons: the second is the first plus 2, so every lag-12 difference is 2 -> scale 2
    first = np.arange(1.0, 13.0)
    history = np.concatenate([first, first + 2])
    # the year to forecast is the second season plus 1; seasonal naive repeats the second season,
    # so every error is exactly 1 and MASE = 1 / 2
    actual = first + 3
    fit = SeasonalNaive().fit(history)
    forecast = fit.point(12)
    np.testing.assert_array_equal(forecast, first + 2)
    scale = metrics.mase_scale(history)
    assert scale == pytest.approx(2.0)
    assert np.mean(metrics.scaled_error(actual, forecast, scale)) == pytest.approx(0.5)


def test_mase_scale_uses_lag_one_for_a_single_season():
    history = np.array([1.0, 4.0, 2.0, 8.0])  # |3| + |2| + |6| = 11 over 3 differences
    assert metrics.mase_scale(history) == pytest.approx(11 / 3)


def test_smape_per_point():
    got = metrics.smape([100.0, 0.0, 10.0], [50.0, 0.0, 10.0])
    np.testing.assert_allclose(got, [200 * 50 / 150, 0.0, 0.0])


def test_coverage_counts_points_inside_including_the_ends():
    actual = [1.0, 5.0, 10.0, 12.0]
    lower = [0.0, 5.0, 11.0, 0.0]
    upper = [2.0, 6.0, 12.0, 12.0]
    np.testing.assert_array_equal(metrics.covered(actual, lower, upper), [1.0, 1.0, 0.0, 1.0])


def test_interval_score_adds_forty_times_each_miss_for_95_percent():
    # width 2 everywhere; the second point misses below by 1, the third above by 3
    actual = np.array([5.0, 3.0, 10.0])
    lower, upper = np.array([4.0, 4.0, 5.0]), np.array([6.0, 6.0, 7.0])
    expected = np.array([2.0, 2.0 + 40 * 1.0, 2.0 + 40 * 3.0]) / 2.0
    np.testing.assert_allclose(metrics.interval_score(actual, lower, upper, scale=2.0), expected)


def _records(model, covers, mase):
    n = len(covers)
    periods = pd.period_range("2024-01", periods=n, freq="M")
    return pd.DataFrame(
        {
            "model": model,
            "origin": periods[0] - 1,
            "horizon": np.arange(1, n + 1),
            "period": periods,
            "actual": 1.0,
            "mean": 1.0,
            "lo_80": 0.0,
            "hi_80": 2.0,
            "lo_95": 0.0,
            "hi_95": 2.0,
            "smape": 0.0,
            "scaled_error": mase,
            "cover_80": covers,
            "cover_95": 1.0,
            "interval_score": 1.0,
        }
    )


def _backtest(frames):
    history = pd.Series(np.ones(24), index=pd.period_range("2023-01", periods=24, freq="M"))
    return Backtest(pd.concat(frames, ignore_index=True), history, 12, [])


def test_choose_default_keeps_combination_unless_clearly_beaten():
    # the combination stays unless its backtest MASE is more than 25% above the best model's
    bt = _backtest([_records("combination", [1.0] * 4, 1.20), _records("arima", [1.0] * 4, 1.0)])
    assert choose_default(bt)[0] == "combination"
    bt = _backtest([_records("combination", [1.0] * 4, 1.30), _records("arima", [1.0] * 4, 1.0)])
    assert choose_default(bt)[0] == "arima"


def test_verdict_counts_hits_in_plain_words():
    covers = [1.0] * 8 + [0.0] * 2
    bt = _backtest([_records("combination", covers, 1.0)])
    said = verdict(bt, "combination", level=80)
    assert "held 8 times in 10" in said and "8 of 10" in said
