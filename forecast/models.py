"""Single forecasting models in the statsmodels style: a spec, `fit(y)`, a fitted result.

Each fitted result gives point forecasts and per-month predictive marginals
(see `forecast.distributions`). Inputs here are plain float arrays of monthly values, oldest
first; `forecast.auto` handles pandas indexes, clipping and fallbacks.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecast import distributions as dist

SEASON = 12  # months in a season
Z95 = 1.959963984540054


class ForecastInputError(ValueError):
    """History that cannot be forecast; the message is meant for the user."""


def seasonal_ok(n: int, period: int = SEASON) -> bool:
    """Seasonal models need at least two full seasons of history."""
    return n >= 2 * period


@dataclass
class FittedModel:
    """A fitted model: point forecasts and predictive quantiles for any horizon.

    `point_fn(h)` gives the h point forecasts; `marginals_fn(h)` the per-month predictive
    distributions; `ppf_fn(h, u)` (optional, used by the combination) maps probabilities u (h, k)
    to values (h, k) and defaults to the marginals' quantiles."""

    name: str
    description: str
    history: np.ndarray
    point_fn: Callable[[int], np.ndarray] = field(repr=False)
    marginals_fn: Callable[[int], dist.Marginals] | None = field(default=None, repr=False)
    ppf_fn: Callable[[int, np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    members: dict = field(default_factory=dict, repr=False)  # a combination's member fits
    params: np.ndarray | None = field(default=None, repr=False)  # estimated parameters, for warm starts

    def __post_init__(self) -> None:
        self._cache: dict = {}

    def point(self, h: int) -> np.ndarray:
        key = ("point", h)
        if key not in self._cache:
            self._cache[key] = np.asarray(self.point_fn(h), dtype=float)
        return self._cache[key]

    def marginals(self, h: int) -> dist.Marginals:
        key = ("marginals", h)
        if key not in self._cache:
            self._cache[key] = self.marginals_fn(h)
        return self._cache[key]

    def ppf(self, h: int, prob) -> np.ndarray:
        """Quantiles per month: prob scalar -> (h,), prob array (h, k) -> (h, k)."""
        if self.ppf_fn is not None:
            return self.ppf_fn(h, prob)
        return self.marginals(h).ppf(prob)


# --------------------------------------------------------------------------- naive models
@dataclass(frozen=True)
class SeasonalNaive:
    """Next year's month = this year's same month. Falls back to naive (last value) for short
    history. Intervals: normal with the residual spread growing with the number of seasons ahead."""

    period: int = SEASON
    name: str = "seasonal_naive"

    def fit(self, y: np.ndarray) -> FittedModel:
        y = np.asarray(y, float)
        m = self.period if seasonal_ok(len(y), self.period) else 1
        resid = y[m:] - y[:-m]
        sigma = float(np.sqrt(np.mean(resid**2))) if resid.size else 0.0
        last = y[-m:]

        def point(h: int) -> np.ndarray:
            return last[np.arange(h) % m]

        def marginals(h: int) -> dist.Marginals:
            seasons_ahead = np.arange(h) // m + 1 if m > 1 else np.arange(1, h + 1)
            return dist.normal(point(h), sigma * np.sqrt(seasons_ahead))

        desc = "seasonal naive (lag 12)" if m > 1 else "naive (last value)"
        return FittedModel(self.name, desc, y, point, marginals)


# --------------------------------------------------------------------------- ETS
def _ets_candidates(positive: bool, seasonal: bool) -> list[tuple[str, str | None, bool, str | None]]:
    """(error, trend, damped, seasonal) candidates; multiplicative forms only for positive data."""
    errors = ["add", "mul"] if positive else ["add"]
    trends = [(None, False), ("add", True)]
    out = []
    for err in errors:
        for trend, damped in trends:
            for seas in [None, err] if seasonal else [None]:
                out.append((err, trend, damped, seas))
    return out


def _ets_label(err, trend, damped, seas) -> str:
    letter = {"add": "A", "mul": "M", None: "N"}
    t = letter[trend] + ("d" if damped else "")
    return f"ETS({letter[err]},{t},{letter[seas]})"


@dataclass(frozen=True)
class AutoETS:
    """Exponential smoothing (statsmodels ETSModel), form chosen by AICc among candidates.

    Candidates: additive/multiplicative error x (no trend | damped additive trend) x
    (no season | season of the error's type). Multiplicative forms only for strictly positive data,
    seasonal forms only with two full seasons. `form` fixes one candidate (used by backtests to refit
    the chosen form cheaply; with initialization="heuristic" the initial states come from a
    classical decomposition instead of being estimated, about 30x faster)."""

    period: int = SEASON
    form: tuple | None = None
    initialization: str = "estimated"
    n_sim: int = 1000
    name: str = "ets"

    def fit(self, y: np.ndarray) -> FittedModel:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        y = np.asarray(y, float)
        endog = pd.Series(y)
        positive = bool(np.all(y > 0))
        seasonal = seasonal_ok(len(y), self.period)
        cands = [self.form] if self.form else _ets_candidates(positive, seasonal)
        best, best_aicc, best_form = None, np.inf, None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for err, trend, damped, seas in cands:
                res = None
                for init in dict.fromkeys([self.initialization, "estimated"]):
                    try:
                        res = ETSModel(
                            endog,
                            error=err,
                            trend=trend,
                            damped_trend=damped,
                            seasonal=seas,
                            seasonal_periods=self.period if seas else None,
                            initialization_method=init,
                        ).fit(disp=False)
                        break
                    except Exception:  # noqa: BLE001 - a failed candidate is just skipped
                        res = None
                if res is None:
                    continue
                aicc = res.aicc
                if np.isfinite(aicc) and aicc < best_aicc:
                    best, best_aicc, best_form = res, aicc, (err, trend, damped, seas)
        if best is None:
            raise RuntimeError("no ETS candidate could be fitted")
        res, form = best, best_form
        additive = form[0] == "add" and form[3] != "mul"
        n = len(y)

        def point(h: int) -> np.ndarray:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return np.asarray(res.forecast(h))

        def marginals(h: int) -> dist.Marginals:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if additive:
                    frame = res.get_prediction(start=n, end=n + h - 1).summary_frame(alpha=0.05)
                    mean = frame["mean"].to_numpy()
                    sd = (frame["pi_upper"].to_numpy() - mean) / Z95
                    return dist.normal(mean, sd)
                # multiplicative: simulate with a fixed stream so the same fit gives the same bands
                sims = res.simulate(h, anchor="end", repetitions=self.n_sim, rng=np.random.default_rng(20240601))
                return dist.sample(np.asarray(sims).reshape(h, -1))

        return FittedModel(self.name, _ets_label(*form), y, point, marginals)


# --------------------------------------------------------------------------- ARIMA
@dataclass(frozen=True)
class LogSARIMAX:
    """Airline model SARIMAX(0,1,1)(0,1,1)12, on log(y) for strictly positive data.

    On the log scale the point forecast is the median (exp of the log-scale mean) and interval
    ends are exponentiated log-scale ends. Short history: (0,1,1) without the seasonal part."""

    period: int = SEASON
    start_params: tuple | None = None  # warm start (e.g. from a fit on the full history); same MLE, fewer iterations
    name: str = "arima"

    def fit(self, y: np.ndarray) -> FittedModel:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        y = np.asarray(y, float)
        use_log = bool(np.all(y > 0))
        endog = np.log(y) if use_log else y
        seasonal = seasonal_ok(len(y), self.period) and len(y) >= 2 * self.period + 3
        sorder = (0, 1, 1, self.period) if seasonal else (0, 0, 0, 0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SARIMAX(endog, order=(0, 1, 1), seasonal_order=sorder)
            start = self.start_params
            if start is not None and len(start) != len(model.start_params):
                start = None  # fitted with another configuration
            res = model.fit(disp=False, start_params=None if start is None else np.asarray(start))

        def _fc(h):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = res.get_forecast(h)
                return np.asarray(fc.predicted_mean), np.asarray(fc.se_mean)

        def point(h: int) -> np.ndarray:
            mean, _ = _fc(h)
            return np.exp(mean) if use_log else mean

        def marginals(h: int) -> dist.Marginals:
            mean, se = _fc(h)
            return dist.lognormal(mean, se) if use_log else dist.normal(mean, se)

        label = "SARIMAX(0,1,1)(0,1,1)12" if seasonal else "ARIMA(0,1,1)"
        return FittedModel(
            self.name, label + (" on log scale" if use_log else ""), y, point, marginals, params=np.asarray(res.params)
        )


# --------------------------------------------------------------------------- Theta
@dataclass(frozen=True)
class Theta:
    """Theta method (statsmodels ThetaModel): SES with half the linear trend's drift, after a
    classical seasonal adjustment when the series tests seasonal (multiplicative for positive
    data). Intervals: ThetaModel.prediction_intervals, read as normal."""

    period: int = SEASON
    name: str = "theta"

    def fit(self, y: np.ndarray) -> FittedModel:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        y = np.asarray(y, float)
        seasonal = seasonal_ok(len(y), self.period)
        method = "auto" if np.all(y > 0) else "additive"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ThetaModel(
                pd.Series(y),
                period=self.period if seasonal else 1,
                deseasonalize=seasonal,
                method=method,
            ).fit()

        def point(h: int) -> np.ndarray:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return np.asarray(res.forecast(h))

        def marginals(h: int) -> dist.Marginals:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pi = res.prediction_intervals(h, alpha=0.05)
                lo, hi = pi["lower"].to_numpy(), pi["upper"].to_numpy()
            return dist.normal(point(h), (hi - lo) / (2 * Z95))

        label = "Theta" + (" (seasonally adjusted)" if seasonal else "")
        return FittedModel(self.name, label, y, point, marginals)
