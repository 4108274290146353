"""Accuracy in the tails: the engine's target-period revenue against per-deal sums, at deal-size P90/median 2-20.

For the default scenario (target period Q3 of 2027) with deal size P90/median 2, 5, 10 and 20 (median $18k), prints
the engine's P10/P50/P90 (100,000 trials) beside the plain per-deal reference (tests/unit/reference_funnel.py:
stage-by-stage draws, one size per deal, real dates; 20,000 trials), each engine quantile's error in standard errors
(distribution-free: the share of reference draws below the engine's P(q), minus q, over
sqrt(q (1 - q) (1/100,000 + 1/20,000))), and the KS p-value. With --before PATH (a checkout of the engine before
issue 12, e.g. `git archive 0c71fc2 simulate kpi | tar -x -C PATH`), the same for that engine (Fenton-Wilkinson
sums, 30.44-day months) in the same run.
Run: .venv/bin/python bench/tail_accuracy.py [--before /tmp/old]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from simulate.funnel import run  # noqa: E402
from simulate.scenario import default_scenario  # noqa: E402
from tests.unit.reference_funnel import reference_run  # noqa: E402

SPREADS = (2.0, 5.0, 10.0, 20.0)
ENGINE_TRIALS, REFERENCE_TRIALS = 100_000, 20_000

BEFORE_CHILD = """
import json, sys
import numpy as np
sys.path.insert(0, {path!r})
from simulate.funnel import run
from simulate.scenario import default_scenario, DealSize
s = default_scenario()
s = s.replace(deal_size=DealSize(s.deal_size.median, s.deal_size.median * {spread}))
r = run(s, trials={trials}, seed=1)
np.save({out!r}, r.period_revenue())
"""


def scenario(spread: float):
    s = default_scenario()
    return s.replace(deal_size=dataclasses.replace(s.deal_size, p90=s.deal_size.median * spread))


def errors_in_se(ours: np.ndarray, ref: np.ndarray) -> list[float]:
    out = []
    for q in (0.1, 0.5, 0.9):
        x = np.quantile(ours, q)
        se = np.sqrt(q * (1 - q) * (1 / len(ours) + 1 / len(ref)))
        out.append((q - float(np.mean(ref < x))) / se)  # > 0: the engine's quantile is below the reference's
    return out


def row(label: str, ours: np.ndarray, ref: np.ndarray) -> str:
    p10, p50, p90 = np.quantile(ours, [0.1, 0.5, 0.9])
    e10, e50, e90 = errors_in_se(ours, ref)
    ks = stats.ks_2samp(ours, ref).pvalue
    return (
        f"  {label:<22} {p10 / 1e6:>7.3f}M {p50 / 1e6:>7.3f}M {p90 / 1e6:>7.3f}M"
        f"   {e10:+6.1f} {e50:+6.1f} {e90:+6.1f}   KS p {ks:.2g}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="path of a pre-issue-12 checkout (simulate/ and kpi/) to compare as well")
    args = parser.parse_args()
    print(f"target-period revenue, default scenario; engine {ENGINE_TRIALS:,} trials, reference {REFERENCE_TRIALS:,}")
    print(f"  {'':<22} {'P10':>8} {'P50':>8} {'P90':>8}   error in SE (P10 P50 P90)")
    for spread in SPREADS:
        s = scenario(spread)
        ref = reference_run(s, trials=REFERENCE_TRIALS, seed=7)["revenue"][
            :, s.target_months()[0] : s.target_months()[1]
        ]
        ref = ref.sum(axis=1)
        ours = run(s, trials=ENGINE_TRIALS, seed=1).period_revenue()
        print(f"P90/median {spread:g}")
        q10, q50, q90 = np.quantile(ref, [0.1, 0.5, 0.9])
        print(f"  {'per-deal reference':<22} {q10 / 1e6:>7.3f}M {q50 / 1e6:>7.3f}M {q90 / 1e6:>7.3f}M")
        print(row("engine", ours, ref))
        if args.before:
            out = "/tmp/tail_accuracy_before.npy"
            code = BEFORE_CHILD.format(path=args.before, spread=spread, trials=ENGINE_TRIALS, out=out)
            subprocess.run([sys.executable, "-c", code], check=True)
            print(row("before (FW, 30.44-day)", np.load(out), ref))
    print(json.dumps({"note": "error in SE > 0 means the engine's quantile is below the reference's"}))


if __name__ == "__main__":
    main()
