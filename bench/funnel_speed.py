"""Benchmark: the funnel engine on the default scenario (24 months, 6 stages) and with deal size P90/median 10.

Prints best-of-N wall times at 10,000 and 100,000 trials for both, the page's whole view (simulate +
summaries + goal-seek), the plain stage-by-stage per-deal reference (tests/unit/reference_funnel.py) in
the same run for comparison, a cold first run in a fresh process (imports, the seed's deal pool), and the
peak memory of 1,000,000 trials (24 and 36 months) in separate processes.
Targets (issues 2 and 12): 10k < 0.15 s, 100k < 1.5 s, >= 5x faster than the reference, 1M under 2 GB.
Wall time is what a user waits; CPU time of this process is shown beside it because a loaded
machine (other jobs on the 2 cores) inflates wall time. Run: .venv/bin/python bench/funnel_speed.py
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulate.funnel import engine  # noqa: E402
from simulate.scenario import ScenarioError, default_scenario  # noqa: E402
from tests.unit.reference_funnel import reference_run  # noqa: E402
from ui.simcache import build_view  # noqa: E402


def best_of(fn, repeats: int) -> tuple[float, float]:
    """Best wall time and best CPU time of this process over `repeats` calls (seconds)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


PEAK_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from simulate.funnel import funnel_summary, run
from simulate.scenario import default_scenario
start = time.perf_counter()
result = run(default_scenario().replace(horizon_months={months}), trials={trials}, seed=1)
head = funnel_summary(result)
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "p50_revenue": head.revenue.p50}}))
"""


def child(months: int, trials: int) -> dict:
    code = PEAK_CHILD.format(root=str(ROOT), months=months, trials=trials)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def wide(s):
    """The default scenario with deal size P90/median 10 (median 18k, P90 180k)."""
    return s.replace(deal_size=dataclasses.replace(s.deal_size, p90=10 * s.deal_size.median))


def main() -> None:
    s = default_scenario()
    cold = child(24, 10_000)  # a fresh process: imports, the seed's deal pool, then 10,000 trials
    engine.run(s, trials=1_000, seed=1)  # warm up imports and the seed's pool
    rows = []
    t10 = best_of(lambda: engine.run(s, trials=10_000, seed=1), 7)
    t100 = best_of(lambda: engine.run(s, trials=100_000, seed=1), 3)
    w10 = best_of(lambda: engine.run(wide(s), trials=10_000, seed=1), 7)
    w100 = best_of(lambda: engine.run(wide(s), trials=100_000, seed=1), 3)
    view10 = best_of(lambda: build_view(s.replace(trials=10_000)), 5)
    ref10 = best_of(lambda: reference_run(s, trials=10_000, seed=1), 1)
    wref10 = best_of(lambda: reference_run(wide(s), trials=10_000, seed=1), 1)
    rows.append(("engine, 10,000 trials", t10, "< 0.15 s"))
    rows.append(("engine, 100,000 trials", t100, "< 1.5 s"))
    rows.append(("engine, P90/median 10, 10,000 trials", w10, "< 0.15 s"))
    rows.append(("engine, P90/median 10, 100,000 trials", w100, "< 1.5 s"))
    rows.append(("page view (run + summaries + goal-seek), 10,000 trials", view10, ""))
    rows.append(("per-deal reference, 10,000 trials", ref10, ""))
    rows.append(("per-deal reference, P90/median 10, 10,000 trials", wref10, ""))
    rows.append(("cold: fresh process, first 10,000 trials (pool built)", (cold["seconds"], float("nan")), ""))
    peaks = {months: child(months, 1_000_000) for months in (24, 36)}
    for months, peak in peaks.items():
        rows.append((f"engine + summary, 1,000,000 trials, {months} months", (peak["seconds"], float("nan")), ""))
    print(f"{'case':58s} {'wall s':>8s} {'cpu s':>8s}  target")
    for name, (wall, cpu), target in rows:
        print(f"{name:58s} {wall:8.3f} {cpu:8.3f}  {target}")
    print(
        f"speed-up vs per-deal reference at 10,000 trials: default {ref10[0] / t10[0]:.0f}x, "
        f"P90/median 10 {wref10[0] / w10[0]:.0f}x (wall; target >= 5x)"
    )
    for months, peak in peaks.items():
        print(f"peak memory, 1,000,000 trials, {months} months: {peak['peak_mb']:.0f} MB (target < 2048 MB)")
    try:
        engine.run(s, trials=2_000_000, seed=1)
    except ScenarioError as exc:
        print(f"2,000,000 trials: refused: {exc}")


if __name__ == "__main__":
    main()
