"""Benchmark: comparing four scenarios at 10,000 trials (target: under 2 s), and what common random numbers buy.

Times simulate.decide.compare against a reference that runs and summarises each scenario separately
(what a page would do without it). Then the per-trial delta: for each scenario B against A, the standard
deviation over trials of B_i - A_i (period revenue) with the same seed (common random numbers down to the
deal: shared rate uniforms, volume noise, count uniforms and deal pool) and with B on an independent seed;
target (issue 12): the scatter falls at least 5x. Finally the B - A mean delta replicated over seeds.
Run: .venv/bin/python bench/compare_four.py
The machine may be shared: figures are wall-clock and include other processes' load.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from simulate.decide import comparison as compare  # noqa: E402
from simulate.funnel import engine, summary  # noqa: E402
from simulate.scenario import Rate, Stage, default_scenario  # noqa: E402


def four():
    base = default_scenario()
    stages = list(base.stages)
    stages[3] = Stage(stages[3].name, Rate.range(0.33, 0.43))
    return [
        base,
        base.replace(name="Hire 5 more", volume=dataclasses.replace(base.volume, level=46_000.0)),
        base.replace(name="Better MQL->SQL", stages=tuple(stages)),
        base.replace(name="Paid spend x2", volume=dataclasses.replace(base.volume, level=52_000.0, growth=0.02)),
    ]


def reference(scenarios, trials: int, seed: int) -> None:
    for s in scenarios:
        summary.funnel_summary(engine.run(s, trials=trials, seed=seed))


def main(repeats: int = 5, trials: int = 10_000) -> None:
    scenarios = four()
    compare.compare(scenarios, trials=trials)  # warm-up (imports, caches)
    ours, ref = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        result = compare.compare(scenarios, trials=trials)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        reference(scenarios, trials, scenarios[0].seed)
        ref.append(time.perf_counter() - start)
    print(
        f"compare 4 scenarios x {trials:,} trials: median {statistics.median(ours):.2f} s (target < 2 s); "
        f"reference (4 separate runs + summaries) {statistics.median(ref):.2f} s"
    )
    row = result.deltas.set_index("scenario").loc["C: Better MQL->SQL"]
    for name in ("expected_revenue", "revenue_mean"):
        print(
            f"C vs A {name} delta {row[f'{name}_delta']:,.0f}; paired MC error {row[f'{name}_delta_mc_se']:,.0f}; "
            f"independent-streams formula {row[f'{name}_delta_mc_se_independent']:,.0f}"
        )
    print_per_trial_scatter(scenarios, trials)
    base, better = scenarios[0], scenarios[2]
    scatter: dict[str, list[float]] = {
        "raw, same seed": [],
        "raw, independent": [],
        "expected, same seed": [],
        "expected, independent": [],
    }
    for rep in range(20):
        a = engine.run(base, trials=2_000, seed=rep, stage_trials=0)
        same = engine.run(better, trials=2_000, seed=rep, stage_trials=0)
        other = engine.run(better, trials=2_000, seed=10_000 + rep, stage_trials=0)
        scatter["raw, same seed"].append(same.period_revenue().mean() - a.period_revenue().mean())
        scatter["raw, independent"].append(other.period_revenue().mean() - a.period_revenue().mean())
        ea = compare.expected_period_revenue(a).mean()
        scatter["expected, same seed"].append(compare.expected_period_revenue(same).mean() - ea)
        scatter["expected, independent"].append(compare.expected_period_revenue(other).mean() - ea)
    print("scatter (sd) of the C - A delta over 20 seeds at 2,000 trials:")
    for name, values in scatter.items():
        print(f"  {name:<24} {np.std(values, ddof=1):>8,.0f}   (mean {np.mean(values):,.0f})")


def print_per_trial_scatter(scenarios, trials: int) -> None:
    base = scenarios[0]
    bigger_deals = base.replace(name="Deal size +10%", deal_size=dataclasses.replace(base.deal_size, median=19_800.0))
    a = engine.run(base, trials=trials, seed=base.seed, stage_trials=0).period_revenue()
    print(f"per-trial delta B - A of period revenue, sd over {trials:,} trials (target: independent / same >= 5x)")
    print(f"  {'B':<22} {'same seed':>12} {'independent':>12} {'ratio sd':>9} {'ratio var':>10}")
    for other in [*scenarios[1:], bigger_deals]:
        same = engine.run(other, trials=trials, seed=base.seed, stage_trials=0).period_revenue()
        indep = engine.run(other, trials=trials, seed=base.seed + 10_000, stage_trials=0).period_revenue()
        sd_same, sd_indep = np.std(same - a, ddof=1), np.std(indep - a, ddof=1)
        print(
            f"  {other.name:<22} {sd_same:>12,.0f} {sd_indep:>12,.0f} {sd_indep / sd_same:>8.1f}x "
            f"{(sd_indep / sd_same) ** 2:>9.0f}x"
        )


if __name__ == "__main__":
    main()
