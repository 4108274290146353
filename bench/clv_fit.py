"""Benchmark: CLV model fits on the CDNOW 1/10th cohort, against the published estimates.

Run: .venv/bin/python bench/clv_fit.py   (prints figures; never fails on time)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecast.clv.bgnbd import fit_bgnbd  # noqa: E402
from forecast.clv.gamma_gamma import fit_gamma_gamma  # noqa: E402
from forecast.clv.paretonbd import fit_paretonbd  # noqa: E402
from forecast.clv.sbg import fit_sbg  # noqa: E402
from forecast.clv.summary import CustomerSummary  # noqa: E402
from forecast.clv.transactions import read_cdnow, summarise_transactions  # noqa: E402

DATA = ROOT / "data" / "cdnow"
PUBLISHED = {
    "BG/NBD": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "loglik": -9582.4},
    "Pareto/NBD": {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669, "loglik": -9595.0},
    "Gamma-Gamma": {"p": 6.25, "q": 3.74, "gamma": 15.44, "loglik": -4055.9},
    "sBG high end": {"alpha": 0.668, "beta": 3.806, "loglik": -1611.2},
}
HOLDOUT_ACTUAL = 1882


def timed(fn, *args, repeats: int = 5):
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - started)
    return result, best


def main() -> None:
    summary = CustomerSummary.from_csv(str(DATA / "cdnow_customers_summary_with_transactions.csv"))
    imported, seconds_import = timed(
        lambda: summarise_transactions(read_cdnow(DATA / "CDNOW_sample.txt"), "1997-09-30", "1998-06-30"), repeats=3
    )
    print(f"import CDNOW_sample.txt -> summary: {seconds_import * 1000:.0f} ms (best of 3)")
    fits = {
        "BG/NBD": timed(fit_bgnbd, summary),
        "Pareto/NBD": timed(fit_paretonbd, summary),
        "Gamma-Gamma": timed(fit_gamma_gamma, summary),
        "sBG high end": timed(fit_sbg, [1000, 869, 743, 653, 593, 551, 517, 491]),
    }
    print(f"{'model':<13} {'param':<7} {'ours':>11} {'published':>10} {'diff %':>7}")
    for model, (fit, seconds) in fits.items():
        ours = {**fit.params.to_dict(), "loglik": fit.loglik}
        for name, published in PUBLISHED[model].items():
            diff = 100 * (ours[name] - published) / abs(published)
            print(f"{model:<13} {name:<7} {ours[name]:>11.4f} {published:>10.3f} {diff:>+7.3f}")
        print(f"{model:<13} fit time {seconds * 1000:.0f} ms (best of 5)")
    holdout = imported.frame["x_holdout"].sum()
    for model in ("BG/NBD", "Pareto/NBD"):
        fit = fits[model][0]
        forecast = fit.expected_purchases(39, summary.x, summary.t_x, summary.T).sum()
        print(
            f"holdout weeks 40-78, {model}: forecast {forecast:,.1f} vs actual {holdout:,} "
            f"({100 * (forecast - holdout) / holdout:+.1f}%)"
        )
    customer = fits["BG/NBD"][0].expected_purchases(39, 2, 30.43, 38.86)
    print(f"BG/NBD E[purchases in 39 weeks | x=2, t_x=30.43, T=38.86] = {float(customer):.4f} (published 1.226)")


if __name__ == "__main__":
    main()
