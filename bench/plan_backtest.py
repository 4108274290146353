"""Backtest of the plan on the bundled CRM export: origins at the month-ends 2017-03 .. 2017-09, horizons 3 and 6.

    .venv/bin/python bench/plan_backtest.py [--trials 2000] [--seed 0]

Each origin uses only what was known then (simulate.plan.calibrate_plan replays the export as of the origin).
Scores: P10-P90 coverage, median absolute error of P50 (currency) and mean CRPS (currency, lower is better) for
monthly and cumulative bookings, beside the pipeline-only forecast (open deals only) and the funnel at its typed
defaults. What was tuned on which origins is printed with the table (and stated in docs/plan.md). Not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

import crm  # noqa: E402
from simulate.plan import backtest_plan  # noqa: E402
from simulate.plan.backtest import score_rows  # noqa: E402

TUNED = pd.Timestamp("2017-06-30")  # the growth rule (a trend needs 12 months, capped) was set after seeing it
NOTE = (
    "Out of sample: every origin is calibrated only on data up to it. Nothing was fitted to these figures, with one "
    "exception: the rule that a volume trend needs 12 months of history (and is capped at +/-3% a month) was set "
    "after seeing origin 2017-06's 6-month forecast (compound growth from 9 months of a ramping CRM). The rows "
    "without that origin are printed too."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    opp = crm.bundled_example().opportunities
    start = time.perf_counter()
    bt = backtest_plan(opp, trials=args.trials, seed=args.seed)
    took = time.perf_counter() - start
    print(f"Backtest: 7 origins (month-ends 2017-03 .. 2017-09), {args.trials:,} trials each, {took:.1f} s")
    print(bt.markdown())
    print()
    print(NOTE)
    print()
    print("Without origin 2017-06 (the one looked at while setting the trend rule):")
    rest = bt.rows[bt.rows["origin"] != TUNED]
    print(type(bt)(rest, score_rows(rest)).markdown())
    print()
    cum = bt.rows[(bt.rows["model"] == "plan") & (bt.rows["kind"] == "cumulative")]
    print("Plan, cumulative bookings per origin:")
    print("| origin | horizon | actual | P10 | P50 | P90 |")
    print("|---|---|---|---|---|---|")
    for _, r in cum.iterrows():
        print(
            f"| {r['origin']:%Y-%m-%d} | {r['horizon']} | {r['actual']:,.0f} | {r['p10']:,.0f} | {r['p50']:,.0f} | "
            f"{r['p90']:,.0f} |"
        )


if __name__ == "__main__":
    main()
