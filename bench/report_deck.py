"""Benchmark: the meeting deck for the default scenario (target: under 10 s), in-process and via the CLI.

Prints the time of each stage (simulation + tornado + contribution, charts to PNG, the .pptx) and compares
the tornado with a reference that runs the swings the plain way (engine.run with its default stage-volume
pass, which the tornado does not need). Run: .venv/bin/python bench/report_deck.py
The machine may be shared: figures are wall-clock and include other processes' load.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

t0 = time.perf_counter()
from report.content import build_content  # noqa: E402
from report.deck import build_deck  # noqa: E402
from simulate.decide import sensitivity  # noqa: E402
from simulate.funnel import engine  # noqa: E402
from simulate.scenario import default_scenario  # noqa: E402

IMPORT_S = time.perf_counter() - t0


def reference_tornado(scenario) -> float:
    """The same swings with engine.run's defaults (stage volumes drawn on every run)."""
    start = time.perf_counter()
    base = engine.run(scenario)
    inputs = sensitivity.uncertain_inputs(scenario, base)
    engine.run(sensitivity.pinned(scenario, inputs))
    for item in inputs:
        for value in (item.p10, item.p90):
            engine.run(sensitivity.pinned(scenario, inputs, item.key, value))
    return time.perf_counter() - start


def main(repeats: int = 3) -> None:
    scenario = default_scenario()
    print(f"default scenario: {scenario.trials:,} trials, {len(scenario.stages)} stages; imports {IMPORT_S:.2f} s")
    totals, contents, decks = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        content = build_content(scenario)
        mid = time.perf_counter()
        deck = build_deck(content)
        end = time.perf_counter()
        contents.append(mid - start)
        decks.append(end - mid)
        totals.append(end - start)
    print(f"simulate + tornado + contribution: median {statistics.median(contents):.2f} s")
    print(f"charts to PNG + pptx:             median {statistics.median(decks):.2f} s ({len(deck) / 1e3:.0f} kB)")
    print(f"deck total (in process):          median {statistics.median(totals):.2f} s  (target < 10 s)")
    start = time.perf_counter()
    sensitivity.tornado(scenario)
    ours = time.perf_counter() - start
    ref = reference_tornado(scenario)
    print(f"tornado: {ours:.2f} s vs reference {ref:.2f} s (x{ref / ours:.2f})")
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "s.json"
        spec.write_text(scenario.to_json())
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "simulate", "report", str(spec), "--out", str(Path(tmp) / "d.pptx")],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        print(
            f"CLI `python -m simulate report --out deck.pptx` wall clock incl. start-up: {time.perf_counter() - start:.2f} s"
        )


if __name__ == "__main__":
    main()
