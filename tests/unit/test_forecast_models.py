"""Forecast models on synthetic series with known structure; fallbacks; frames and sample paths."""

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import auto
from forecast import distributions as dist
from forecast.models import FittedModel, ForecastInputError

MONTHS = pd.period_range("2020-01", periods=60, freq="M")


def _truth(t):
    """Linear trend plus a 12-month sine season."""
    return 200 + 3 * t + 30 * np.sin(2 * np.pi * t / 12)


@pytest.fixture(scope="module")
def seasonal_result():
    rng = np.random.default_rng(11)
    t = np.arange(60)
    y = pd.Series(_truth(t) + rng.normal(0, 4, 60), index=MONTHS)
    return forecast.fit_auto(y)


def test_trend_and_season_are_recovered(seasonal_result):
    frame = seasonal_result.frame(12)
    truth = _truth(np.arange(60, 72))
    assert seasonal_result.model_name == "combination"
    # noise sd is 4; a model that missed trend or season would be off by tens
    assert np.max(np.abs(frame["mean"].to_numpy() - truth)) < 15
    assert np.mean((truth >= frame["lo_95"]) & (truth <= frame["hi_95"])) >= 0.9


def test_frame_is_tidy_and_bands_are_ordered(seasonal_result):
    frame = seasonal_result.frame(6)
    assert list(frame.columns) == ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert isinstance(frame.index, pd.PeriodIndex) and str(frame.index[0]) == "2025-01"
    assert (frame["lo_95"] <= frame["lo_80"]).all() and (frame["lo_80"] <= frame["hi_80"]).all()
    assert (frame["hi_80"] <= frame["hi_95"]).all()
    assert frame.attrs["model"] == "combination" and frame.attrs["fallbacks"] == []


def test_sample_paths_match_the_bands_and_are_reproducible(seasonal_result):
    paths = seasonal_result.sample_paths(12, n_paths=4000, seed=5)
    assert paths.shape == (12, 4000)
    np.testing.assert_array_equal(paths, seasonal_result.sample_paths(12, n_paths=4000, seed=5))
    assert not np.array_equal(paths, seasonal_result.sample_paths(12, n_paths=4000, seed=6))
    frame = seasonal_result.frame(12)
    width = (frame["hi_80"] - frame["lo_80"]).to_numpy()
    np.testing.assert_allclose(np.quantile(paths, 0.1, axis=1), frame["lo_80"], atol=0.1 * width.max())
    np.testing.assert_allclose(np.quantile(paths, 0.9, axis=1), frame["hi_80"], atol=0.1 * width.max())
    # forecast errors accumulate: consecutive months of a path move together
    assert np.corrcoef(paths[5], paths[6])[0, 1] > 0.5


def test_copula_correlation_is_that_of_a_random_walk():
    u = dist.copula_uniforms(9, 40000, np.random.default_rng(0))
    from scipy import stats

    z = stats.norm.ppf(u)
    assert np.corrcoef(z[0], z[8])[0, 1] == pytest.approx(np.sqrt(1 / 9), abs=0.02)


def test_counts_with_zeros_never_go_below_zero_and_use_additive_forms():
    rng = np.random.default_rng(3)
    y = pd.Series(rng.poisson(1.2, 48).astype(float), index=MONTHS[:48])
    assert (y == 0).any()
    result = forecast.fit_auto(y)
    frame = result.frame(12)
    assert (frame.to_numpy() >= 0).all()
    assert (result.sample_paths(12, 500, seed=1) >= 0).all()
    ets = result.fit.members.get("ets")
    if ets is not None:
        assert "M" not in ets.description  # multiplicative forms need strictly positive data


def test_all_zero_history_gives_flat_zero_with_a_message():
    y = pd.Series(np.zeros(30), index=MONTHS[:30])
    frame = forecast.auto_forecast(y, 6)
    assert (frame.to_numpy() == 0).all()
    assert frame.attrs["model"] == "constant"
    assert any("constant" in m for m in frame.attrs["messages"])


def test_short_history_skips_seasonal_models_with_a_message():
    rng = np.random.default_rng(8)
    y = pd.Series(_truth(np.arange(15)) + rng.normal(0, 2, 15), index=MONTHS[:15])
    result = forecast.fit_auto(y)
    assert any("seasonal models skipped" in m for m in result.messages)
    for member in result.fit.members.values():
        assert "(0,1,1)12" not in member.description and "seasonally" not in member.description
        assert not member.description.endswith(",A)") and not member.description.endswith(",M)")


def test_datetime_index_is_accepted_and_continues_monthly():
    y = pd.Series(
        np.linspace(10, 40, 30) + np.tile([0, 1, -1], 10), index=pd.date_range("2022-01-31", periods=30, freq="ME")
    )
    frame = forecast.auto_forecast(y, 3)
    assert [str(p) for p in frame.index] == ["2024-07", "2024-08", "2024-09"]


@pytest.mark.parametrize(
    "values, index, fragment",
    [
        ([1.0], MONTHS[:1], "at least 4 months"),
        ([1.0, 2.0, np.nan, 4.0, 5.0], MONTHS[:5], "non-numeric"),
        ([1.0, 2.0, 3.0, 4.0, 5.0], MONTHS[[0, 1, 2, 4, 5]], "missing 1 month"),
        ([1.0, 2.0, 3.0, 4.0, 5.0], MONTHS[[0, 1, 2, 3, 3]], "duplicate months"),
    ],
)
def test_unusable_history_is_refused_with_a_clear_message(values, index, fragment):
    with pytest.raises(ForecastInputError, match=fragment):
        forecast.fit_auto(pd.Series(values, index=index))


def test_bad_horizon_is_refused():
    y = pd.Series(np.arange(1.0, 31.0), index=MONTHS[:30])
    with pytest.raises(ForecastInputError, match="Horizon"):
        forecast.auto_forecast(y, 0)


class _Exploding:
    """A model spec whose forecasts blow up, as multiplicative ETS sometimes does."""

    name = "ets"

    def fit(self, y):
        return FittedModel(
            "ets", "ETS(M,Ad,M)", y, lambda h: np.full(h, 1e13), lambda h: dist.normal(np.full(h, 1e13), np.ones(h))
        )


def test_exploding_member_is_rejected_and_the_combination_uses_the_rest(monkeypatch):
    real = auto._single_model
    monkeypatch.setattr(auto, "_single_model", lambda name: _Exploding() if name == "ets" else real(name))
    y = pd.Series(_truth(np.arange(36)), index=MONTHS[:36]) + np.tile([0.0, 2.0, -1.0], 12)
    frame = forecast.auto_forecast(y, 12)
    assert frame.attrs["model"] == "combination"
    assert any("ETS" in f and "10x the largest value" in f for f in frame.attrs["fallbacks"])
    assert frame["mean"].max() < 10 * y.max()


def test_when_all_but_seasonal_naive_explode_seasonal_naive_is_used(monkeypatch):
    real = auto._single_model

    class _Broken:
        def fit(self, y):
            raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(
        auto,
        "_single_model",
        lambda name: _Exploding() if name == "ets" else _Broken() if name in ("arima", "theta") else real(name),
    )
    y = pd.Series(_truth(np.arange(36)), index=MONTHS[:36])
    result = forecast.fit_auto(y)
    assert result.model_name == "seasonal_naive"
    reasons = " | ".join(result.fallbacks)
    assert "ETS" in reasons and "ARIMA rejected: could not be fitted" in reasons and "Combination" in reasons
    np.testing.assert_allclose(result.frame(12)["mean"], y.to_numpy()[-12:])
