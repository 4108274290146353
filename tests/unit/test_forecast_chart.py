"""The forecast fan chart builder (pure function; checked without a browser)."""

import numpy as np
import pandas as pd

from charts.forecast import fan_data, forecast_fan_chart
from forecast.threads import limit_blas_threads


def _inputs():
    history = pd.Series(np.arange(1.0, 25.0), index=pd.period_range("2023-01", periods=24, freq="M"))
    index = pd.period_range("2025-01", periods=6, freq="M", name="period")
    mean = np.full(6, 30.0)
    forecast = pd.DataFrame(
        {"mean": mean, "lo_80": mean - 2, "hi_80": mean + 2, "lo_95": mean - 4, "hi_95": mean + 4}, index=index
    )
    return history, forecast


def test_fan_data_joins_history_and_forecast_at_the_last_actual():
    history, forecast = _inputs()
    data = fan_data(history, forecast)
    assert len(data) == 24 + 1 + 6  # history, the bridge point, the forecast
    bridge = data.iloc[24]
    assert bridge["kind"] == "forecast" and bridge["mean"] == 24.0
    assert bridge["month"] == pd.Timestamp("2024-12-01")


def test_fan_chart_is_a_valid_vega_lite_spec_with_both_bands():
    history, forecast = _inputs()
    spec = forecast_fan_chart(history, forecast, title="leads", y_title="leads", unit="").to_dict(validate=True)
    assert len(spec["layer"]) == 4
    encoded = [layer["encoding"].get("y2", {}).get("field") for layer in spec["layer"]]
    assert "hi_95" in encoded and "hi_80" in encoded


def test_blas_threads_can_be_limited_on_linux():
    assert limit_blas_threads() >= 1
