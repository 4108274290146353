"""Benchmark: the funnel engine on the default scenario (24 months, 6 stages).

Prints best-of-N wall times at 10,000 and 100,000 trials, the page's whole view (simulate +
summaries + goal-seek), the plain stage-by-stage reference (tests/unit/reference_funnel.py) in
the same run for comparison, and the peak memory of 1,000,000 trials in a separate process.
Targets (issue 2): 10k < 0.15 s, 100k < 1.5 s, >= 5x faster than the reference, 1M under 2 GB.
Wall time is what a user waits; CPU time of this process is shown beside it because a loaded
machine (other jobs on the 2 cores) inflates wall time. Run: .venv/bin/python bench/funnel_speed.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulate.funnel import engine  # noqa: E402
from simulate.scenario import default_scenario  # noqa: E402
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
from simulate import engine, summary
from simulate.scenario import default_scenario
start = time.perf_counter()
result = engine.run(default_scenario(), trials=1_000_000, seed=1)
head = summary.funnel_summary(result)
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "p50_revenue": head.revenue.p50}}))
"""


def main() -> None:
    s = default_scenario()
    engine.run(s, trials=1_000, seed=0)  # warm up imports and caches
    rows = []
    t10 = best_of(lambda: engine.run(s, trials=10_000, seed=1), 7)
    t100 = best_of(lambda: engine.run(s, trials=100_000, seed=1), 3)
    view10 = best_of(lambda: build_view(s.replace(trials=10_000)), 5)
    ref10 = best_of(lambda: reference_run(s, trials=10_000, seed=1), 2)
    rows.append(("engine, 10,000 trials", t10, "< 0.15 s"))
    rows.append(("engine, 100,000 trials", t100, "< 1.5 s"))
    rows.append(("page view (run + summaries + goal-seek), 10,000 trials", view10, ""))
    rows.append(("reference stage-by-stage, 10,000 trials", ref10, ""))
    child = subprocess.run(
        [sys.executable, "-c", PEAK_CHILD.format(root=str(ROOT))], capture_output=True, text=True, check=True
    )
    peak = json.loads(child.stdout)
    rows.append(("engine + summary, 1,000,000 trials", (peak["seconds"], float("nan")), "completes"))
    print(f"{'case':58s} {'wall s':>8s} {'cpu s':>8s}  target")
    for name, (wall, cpu), target in rows:
        print(f"{name:58s} {wall:8.3f} {cpu:8.3f}  {target}")
    print(
        f"speed-up vs reference at 10,000 trials: {ref10[0] / t10[0]:.1f}x wall, {ref10[1] / t10[1]:.1f}x cpu (target >= 5x)"
    )
    print(f"peak memory, 1,000,000 trials: {peak['peak_mb']:.0f} MB (target < 2048 MB)")


if __name__ == "__main__":
    main()
