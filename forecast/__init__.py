"""Monthly time-series forecasts with honest intervals, backtests and history import.

No streamlit here. Entry points:
- `auto_forecast(y, h)` -> tidy frame (mean, lo_80, hi_80, lo_95, hi_95), model info in `.attrs`
- `fit_auto(y)` / `fit(y, model)` -> `ForecastResult` with `.frame(h)`, `.sample_paths(h, n, seed)`,
  `.model_name`, `.fallbacks`, `.messages`
- `backtest(y, h)` -> `Backtest` with `.summary()`, `.by_horizon(model)`; `choose_default(bt)`
- `forecast.history.read_history(file)` and `forecast.crm.crm_monthly_history()` for inputs
"""

from forecast.auto import (
    COLUMNS,
    MODEL_LABELS,
    MODEL_NAMES,
    ForecastResult,
    auto_forecast,
    fit,
    fit_auto,
    to_monthly_series,
)
from forecast.backtest import Backtest, Outcome, backtest, choose_default, forecast_with_backtest, verdict
from forecast.models import ForecastInputError

__all__ = [
    "COLUMNS",
    "MODEL_LABELS",
    "MODEL_NAMES",
    "Backtest",
    "Outcome",
    "forecast_with_backtest",
    "ForecastInputError",
    "ForecastResult",
    "auto_forecast",
    "backtest",
    "choose_default",
    "fit",
    "fit_auto",
    "to_monthly_series",
    "verdict",
]
