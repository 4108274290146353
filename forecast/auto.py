"""Fit a model to a monthly history with sanity checks and fallbacks; tidy frames and sample paths out.

>>> import pandas as pd, numpy as np
>>> idx = pd.period_range("2021-01", periods=36, freq="M")
>>> y = pd.Series(100 + 10 * np.sin(np.arange(36) * np.pi / 6), index=idx)
>>> result = fit_auto(y)
>>> frame = result.frame(6)          # mean, lo_80, hi_80, lo_95, hi_95 per future month
>>> paths = result.sample_paths(6, n_paths=1000, seed=7)   # array (6, 1000)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecast import distributions as dist
from forecast.combination import combine
from forecast.models import (
    SEASON,
    AutoETS,
    FittedModel,
    ForecastInputError,
    LogSARIMAX,
    SeasonalNaive,
    Theta,
    seasonal_ok,
)

MODEL_NAMES = ("combination", "ets", "arima", "theta", "seasonal_naive")
MODEL_LABELS = {
    "combination": "Combination (ETS, ARIMA, Theta)",
    "ets": "Exponential smoothing (ETS)",
    "arima": "ARIMA",
    "theta": "Theta",
    "seasonal_naive": "Seasonal naive",
    "constant": "Constant (flat history)",
}
MIN_HISTORY = 4  # months
EXPLODE_FACTOR = 10.0  # a point forecast above 10x the largest |history| value is rejected
CHECK_HORIZON = 24  # months checked for explosions when no horizon is given
_QUANTILES = {"lo_80": 0.10, "hi_80": 0.90, "lo_95": 0.025, "hi_95": 0.975}
COLUMNS = ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]


def to_monthly_series(y: pd.Series) -> pd.Series:
    """Validate a monthly history and return it as floats on a monthly PeriodIndex."""
    if not isinstance(y, pd.Series):
        raise ForecastInputError("History must be a pandas Series indexed by month")
    index = y.index
    if isinstance(index, pd.DatetimeIndex):
        index = index.to_period("M")
    elif not isinstance(index, pd.PeriodIndex):
        raise ForecastInputError("History must be indexed by month (PeriodIndex or DatetimeIndex)")
    elif index.freqstr not in ("M",):
        index = index.asfreq("M")
    values = pd.to_numeric(pd.Series(np.asarray(y), index=index), errors="coerce").astype(float)
    if index.has_duplicates:
        dups = sorted({str(p) for p in index[index.duplicated()]})
        raise ForecastInputError(f"History has duplicate months: {', '.join(dups[:5])}")
    values = values.sort_index()
    full = pd.period_range(values.index.min(), values.index.max(), freq="M")
    if len(full) != len(values):
        missing = full.difference(values.index)
        raise ForecastInputError(
            f"History is missing {len(missing)} month(s), first {missing[0]}; fill them before forecasting"
        )
    bad = values.index[~np.isfinite(values.to_numpy())]
    if len(bad):
        raise ForecastInputError(f"History has empty or non-numeric values in {len(bad)} month(s), first {bad[0]}")
    if len(values) < MIN_HISTORY:
        raise ForecastInputError(f"Need at least {MIN_HISTORY} months of history to forecast (got {len(values)})")
    return values


def _single_model(name: str):
    return {"ets": AutoETS(), "arima": LogSARIMAX(), "theta": Theta(), "seasonal_naive": SeasonalNaive()}[name]


def _constant_model(y: np.ndarray) -> FittedModel:
    level = float(y[-1])
    return FittedModel(
        "constant",
        f"flat at {level:g}",
        y,
        lambda h: np.full(h, level),
        lambda h: dist.normal(np.full(h, level), np.zeros(h)),
    )


def _check(fit: FittedModel, y: np.ndarray, h: int) -> str | None:
    """Reason to reject a fitted model's forecast, or None if it looks sane."""
    point = fit.point(h)
    lo, hi = fit.ppf(h, 0.025), fit.ppf(h, 0.975)
    if not (np.all(np.isfinite(point)) and np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        return "forecast is not finite"
    limit = EXPLODE_FACTOR * max(float(np.max(np.abs(y))), 1e-9)
    if np.max(np.abs(point)) > limit:
        return (
            f"forecast reaches {np.max(np.abs(point)):.3g}, over {EXPLODE_FACTOR:g}x the largest value in the history"
        )
    if np.max(np.abs(hi)) > 10 * limit or np.max(np.abs(lo)) > 10 * limit:
        return "forecast range is absurdly wide (over 100x the largest value in the history)"
    return None


@dataclass
class ForecastResult:
    """A fitted forecast for one monthly series.

    model_name: the model actually used; fallbacks: why other models were rejected, in order;
    messages: other notes for the user (e.g. seasonal models skipped)."""

    fit: FittedModel
    history: pd.Series
    requested: str
    fallbacks: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def model_name(self) -> str:
        return self.fit.name

    @property
    def description(self) -> str:
        return self.fit.description

    @property
    def nonnegative(self) -> bool:
        """Counts and money never go below zero: true when the history has no negative value."""
        return bool((self.history >= 0).all())

    def _clip(self, values: np.ndarray) -> np.ndarray:
        return np.maximum(values, 0.0) if self.nonnegative else values

    def future_index(self, h: int) -> pd.PeriodIndex:
        return pd.period_range(self.history.index[-1] + 1, periods=h, freq="M", name="period")

    def frame(self, h: int) -> pd.DataFrame:
        """Tidy forecast: one row per future month; mean, lo_80, hi_80, lo_95, hi_95."""
        h = _check_h(h)
        data = {"mean": self._clip(self.fit.point(h))}
        for col, prob in _QUANTILES.items():
            data[col] = self._clip(self.fit.ppf(h, prob))
        frame = pd.DataFrame(data, index=self.future_index(h))[COLUMNS]
        frame.attrs.update(self.info())
        return frame

    def sample_paths(self, h: int, n_paths: int = 1000, seed: int | np.random.Generator = 0) -> np.ndarray:
        """Simulated futures, array (h, n_paths): each month's spread matches the frame's bands."""
        h = _check_h(h)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        u = dist.copula_uniforms(h, int(n_paths), rng)
        return self._clip(self.fit.ppf(h, u))

    def info(self) -> dict:
        return {
            "model": self.model_name,
            "model_label": MODEL_LABELS.get(self.model_name, self.model_name),
            "description": self.description,
            "requested": self.requested,
            "fallbacks": list(self.fallbacks),
            "messages": list(self.messages),
            "clipped_at_zero": self.nonnegative,
        }


def _check_h(h) -> int:
    if not isinstance(h, (int, np.integer)) or h < 1 or h > 120:
        raise ForecastInputError(f"Horizon must be a whole number of months from 1 to 120 (got {h!r})")
    return int(h)


def fit_values(
    values: np.ndarray, model: str = "combination", check_h: int = CHECK_HORIZON
) -> tuple[FittedModel, list[str], list[str]]:
    """Core of `fit` on a plain array: (accepted fit, fallback reasons, messages)."""
    if model not in MODEL_NAMES:
        raise ForecastInputError(f"Unknown model {model!r}; choose one of {', '.join(MODEL_NAMES)}")
    y = np.asarray(values, dtype=float)
    messages: list[str] = []
    if np.ptp(y) == 0:
        messages.append(f"History is constant at {y[0]:g}: the forecast repeats it and has no spread.")
        return _constant_model(y), [], messages
    if not seasonal_ok(len(y)):
        messages.append(
            f"History has {len(y)} months, fewer than two seasons ({2 * SEASON}): seasonal models "
            "skipped, so the forecast carries no seasonality."
        )
    fallbacks: list[str] = []
    order = list(MODEL_NAMES[MODEL_NAMES.index(model) :]) + [
        m for m in MODEL_NAMES[: MODEL_NAMES.index(model)] if m != "combination"
    ]
    fitted: dict[str, FittedModel] = {}
    rejected: dict[str, str] = {}

    def get(name: str) -> FittedModel | None:
        if name in fitted:
            return fitted[name]
        if name in rejected:
            return None
        try:
            fit = _single_model(name).fit(y)
            reason = _check(fit, y, check_h)
        except Exception as exc:  # noqa: BLE001 - any failure of one model means: try the next
            fit, reason = None, f"could not be fitted ({type(exc).__name__}: {exc})"
        if reason:
            rejected[name] = reason
            fallbacks.append(f"{MODEL_LABELS[name]} rejected: {reason}")
            return None
        fitted[name] = fit
        return fit

    for name in order:
        if name == "combination":
            members = {k: f for k in ("ets", "arima", "theta") if (f := get(k)) is not None}
            if len(members) >= 2:
                fit = combine(members)
                reason = _check(fit, y, check_h)
                if reason is None:
                    return fit, fallbacks, messages
                fallbacks.append(f"{MODEL_LABELS['combination']} rejected: {reason}")
            else:
                fallbacks.append(f"{MODEL_LABELS['combination']} skipped: fewer than two member models usable")
            continue
        fit = get(name)
        if fit is not None:
            return fit, fallbacks, messages
    raise ForecastInputError("No model could produce a sane forecast for this history")


def fit(y: pd.Series, model: str = "combination", check_h: int = CHECK_HORIZON) -> ForecastResult:
    """Fit `model` (or the next sane one) to a monthly history."""
    history = to_monthly_series(y)
    fitted, fallbacks, messages = fit_values(history.to_numpy(), model, max(check_h, 1))
    return ForecastResult(fitted, history, model, fallbacks, messages)


def fit_auto(y: pd.Series, check_h: int = CHECK_HORIZON) -> ForecastResult:
    """The default forecast: the combination, falling back to single models if it fails."""
    return fit(y, "combination", check_h)


def auto_forecast(y: pd.Series, h: int) -> pd.DataFrame:
    """Forecast h months ahead with the default model; `.attrs` says which model and why."""
    h = _check_h(h)
    return fit_auto(y, check_h=h).frame(h)
