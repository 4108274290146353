"""Forecast accuracy measures, M4 competition definitions.

All take actuals and forecasts of equal length (one per horizon month) and return per-horizon
arrays; average them for a summary.
"""

from __future__ import annotations

import numpy as np


def mase_scale(history: np.ndarray, period: int = 12) -> float:
    """In-sample mean absolute seasonal difference (lag `period`; lag 1 when the history has no
    more than one season). The MASE/MSIS denominator."""
    y = np.asarray(history, dtype=float)
    lag = period if len(y) > period else 1
    if len(y) <= lag:
        return float("nan")
    return float(np.mean(np.abs(y[lag:] - y[:-lag])))


def smape(actual, forecast) -> np.ndarray:
    """Symmetric MAPE in percent, per point: 200 |y - f| / (|y| + |f|); 0 when both are 0."""
    y, f = np.asarray(actual, float), np.asarray(forecast, float)
    denom = np.abs(y) + np.abs(f)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom > 0, 200.0 * np.abs(y - f) / denom, 0.0)


def scaled_error(actual, forecast, scale: float) -> np.ndarray:
    """|y - f| / scale per point; the mean over horizons is MASE."""
    return np.abs(np.asarray(actual, float) - np.asarray(forecast, float)) / scale


def covered(actual, lower, upper) -> np.ndarray:
    """1.0 where the actual lies inside [lower, upper] (ends included), else 0.0."""
    y = np.asarray(actual, float)
    return ((y >= np.asarray(lower, float)) & (y <= np.asarray(upper, float))).astype(float)


def interval_score(actual, lower, upper, scale: float, alpha: float = 0.05) -> np.ndarray:
    """Scaled interval score per point; its mean is MSIS.

    (U - L) + (2/alpha)(L - y)[y < L] + (2/alpha)(y - U)[y > U], divided by the MASE scale."""
    y, lo, hi = (np.asarray(a, float) for a in (actual, lower, upper))
    penalty = (2.0 / alpha) * ((lo - y) * (y < lo) + (y - hi) * (y > hi))
    return ((hi - lo) + penalty) / scale
