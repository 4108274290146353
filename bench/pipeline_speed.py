"""Pipeline forecast speed: 10,000 open deals x 10,000 trials, and the bundled CRM export end to end.

    .venv/bin/python bench/pipeline_speed.py [--trials 10000] [--deals 10000]

Prints wall-clock figures (best of --repeat) and compares the vectorised kernel against a per-deal loop reference
and a pure-Python loop (on a subset, extrapolated) in the same run, with the means they agree on.
Goals from the issue: kernel < 2 s; import + calibrate + forecast of the bundled data < 3 s. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulate.pipeline.montecarlo import common_multiplier, simulate_deals


def basket(deals: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    """A synthetic pipeline: win chances 1-60%, lognormal sizes around $3k, half with a known amount."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.01, 0.6, deals)
    mu = np.log(3_000.0) + rng.normal(0, 0.5, deals)
    sd = np.full(deals, 0.8)
    amount = np.where(rng.random(deals) < 0.5, np.exp(mu), np.nan)
    return p, mu, sd, amount


def exact_mean(p, mu, sd, amount, volatility: float) -> float:
    """E[bookings] in closed form: sum of E[min(1, p M)] E[size], M lognormal with mean 1 and log-sd s:
    E[min(1, p M)] = p Phi((ln(1/p) - s^2/2) / s) + 1 - Phi((ln(1/p) + s^2/2) / s)."""
    from scipy.stats import norm

    s, c = volatility, np.log(1 / p)
    chance = p * norm.cdf((c - s**2 / 2) / s) + norm.sf((c + s**2 / 2) / s)
    return float(np.sum(chance * np.where(np.isfinite(amount), amount, np.exp(mu + sd**2 / 2))))


def per_deal_loop(p, mu, sd, amount, mult, rng) -> np.ndarray:
    """Reference: one Python iteration per deal, vectorised over trials only."""
    bookings = np.zeros(len(mult))
    for i in range(len(p)):
        won = rng.random(len(mult)) < p[i] * mult
        size = amount[i] if np.isfinite(amount[i]) else np.exp(mu[i] + sd[i] * rng.standard_normal(int(won.sum())))
        bookings[won] += size
    return bookings


def pure_python(p, mu, sd, amount, mult, rng) -> np.ndarray:
    """Reference: a loop over trials and deals (what a spreadsheet macro does)."""
    import math
    import random

    r = random.Random(int(rng.integers(2**32)))
    out = []
    for m in mult:
        total = 0.0
        for i in range(len(p)):
            if r.random() < p[i] * m:
                total += amount[i] if math.isfinite(amount[i]) else math.exp(mu[i] + sd[i] * r.gauss(0, 1))
        out.append(total)
    return np.array(out)


CPU = {}  # label -> best CPU seconds of this process (less sensitive than wall time to other jobs on the machine)


def best_of(repeat: int, fn, *args, label: str = ""):
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[label] = min(cpu)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=10_000)
    ap.add_argument("--deals", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    p, mu, sd, amount = basket(args.deals)
    mult = common_multiplier(np.random.default_rng(2), args.trials, 0.25)
    expected = exact_mean(p, mu, sd, amount, 0.25)
    size = np.where(np.isfinite(amount), amount, np.exp(mu + sd**2 / 2))
    given_m = np.concatenate([np.minimum(1, p[None, :] * m[:, None]) @ size for m in np.array_split(mult, 100)])

    t_vec, (book, _) = best_of(
        args.repeat, lambda: simulate_deals(p, mu, sd, amount, mult, np.random.default_rng(3)), label="vec"
    )
    t_loop, ref = best_of(1, lambda: per_deal_loop(p, mu, sd, amount, mult, np.random.default_rng(4)), label="loop")
    sub = max(1, args.trials // 100)
    t_py, py = best_of(1, lambda: pure_python(p, mu, sd, amount, mult[:sub], np.random.default_rng(5)))
    t_py_full = t_py * args.trials / sub
    se = (book - given_m).std() / np.sqrt(len(book))  # the multipliers are shared by all three methods
    print(f"open deals x trials: {args.deals:,} x {args.trials:,} (win chances 1-60%, half with known amounts)")
    print(
        f"  vectorised, chunked (simulate_deals): {t_vec:6.2f} s wall, {CPU['vec']:.2f} s CPU  (goal < 2 s; best of {args.repeat})"
    )
    print(
        f"  per-deal loop reference:              {t_loop:6.2f} s wall, {CPU['loop']:.2f} s CPU  ({t_loop / t_vec:.1f}x slower)"
    )
    print(
        f"  pure-Python loop ({sub:,} trials, x{args.trials // sub} extrapolated): {t_py_full:6.1f} s  ({t_py_full / t_vec:.0f}x slower)"
    )
    print(
        f"  mean bookings: vectorised {book.mean():,.0f}  per-deal {ref.mean():,.0f}  pure-Python {py.mean():,.0f}  "
        f"(exact given the multipliers {given_m.mean():,.0f}, MC s.e. {se:,.0f}; "
        f"exact over all multipliers {expected:,.0f})"
    )

    import crm
    from simulate.pipeline.bookings import forecast_pipeline
    from simulate.pipeline.calibration import as_of_snapshot, calibrate

    def end_to_end(as_of, kind):
        start, start_cpu = time.perf_counter(), time.process_time()
        opp = crm.bundled_example().opportunities
        t_import = time.perf_counter() - start
        snap = as_of_snapshot(opp, as_of)
        calib = calibrate(snap)
        t_cal = time.perf_counter() - start - t_import
        fc = forecast_pipeline(opp, as_of, kind, trials=10_000, seed=0, calibration=calib, snapshot=snap)
        total = time.perf_counter() - start
        return total, t_import, t_cal, fc, time.process_time() - start_cpu

    print("bundled CRM export end to end (import, calibrate, forecast 10,000 trials):")
    for as_of, kind in (("2017-12-31", "quarter"), ("2017-09-30", "quarter"), ("2017-09-30", "month")):
        runs = [end_to_end(as_of, kind) for _ in range(args.repeat)]
        total, t_import, t_cal, fc, cpu = min(runs, key=lambda r: r[0])
        print(
            f"  as of {as_of}, {kind:7}: {total:5.2f} s wall, {cpu:.2f} s CPU (import {t_import:.2f}, calibrate {t_cal:.2f}, forecast {total - t_import - t_cal:.2f}; "
            f"{len(fc.deals):,} open deals) P50 {fc.bookings.p50:,.0f}  (goal < 3 s)"
        )


if __name__ == "__main__":
    main()
