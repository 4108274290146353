"""How fast is the scorecard for the bundled data (35 reps, 8,800 opportunities, 36k synthetic activities)?

Prints: loading the tables, computing every KPI, building the whole scorecard (statuses, per-rep table,
attainability Monte Carlo, fairness), the Excel export, and the page itself (AppTest: first run and a
rerun after changing a target). For reference, the same per-rep monthly KPIs computed with a plain
Python loop over rows; the two must agree. Not a test: figures depend on the machine and its load.

    .venv/bin/python bench/scorecard_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpi.compute import TEAM, compute  # noqa: E402
from report.scorecard_xlsx import write_xlsx
from simulate.funnel import engine
from simulate.scenario import (
    default_scenario,  # noqa: E402
    default_standards,
)
from simulate.standards.scorecard import build_scorecard, bundled_tables


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def reference_loop(opps, activities) -> dict[tuple[str, str, str], float]:
    """Per-rep monthly win rate, bookings, deal size, cycle, activities/day and response minutes, row by row."""
    won, closed, amount, cycle = defaultdict(float), defaultdict(float), defaultdict(float), defaultdict(float)
    for rep, status, value, created, close in zip(
        opps["owner"], opps["status"], opps["amount"], opps["created_date"], opps["close_date"], strict=True
    ):
        if status not in ("won", "lost") or close != close:
            continue
        key = (rep, close.strftime("%Y-%m"))
        closed[key] += 1
        if status == "won":
            won[key] += 1
            amount[key] += value
            cycle[key] += (close - created).days
    out = {}
    for key in closed:
        out[("win_rate",) + key] = won[key] / closed[key]
        out[("bookings",) + key] = amount[key]
        if won[key]:
            out[("avg_deal_size",) + key] = amount[key] / won[key]
            out[("sales_cycle_days",) + key] = cycle[key] / won[key]
    count, minutes, responses = defaultdict(float), defaultdict(float), defaultdict(float)
    for rep, date, m in zip(activities["rep"], activities["date"], activities["response_minutes"], strict=True):
        key = (rep, date.strftime("%Y-%m"))
        count[key] += 1
        if m == m:
            minutes[key] += m
            responses[key] += 1
    first, last = activities["date"].min(), activities["date"].max()
    days = defaultdict(int)
    day = first
    while day <= last:
        if day.weekday() < 5:
            days[day.strftime("%Y-%m")] += 1
        day += np.timedelta64(1, "D")
    for key in count:
        out[("activities_per_day",) + key] = count[key] / days[key[1]]
        if responses[key]:
            out[("lead_response_minutes",) + key] = minutes[key] / responses[key]
    return out


def page_timings() -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
    at.run()
    start = time.perf_counter()
    at.switch_page("pages/scorecard.py").run()
    first = time.perf_counter() - start
    start = time.perf_counter()
    at.number_input(key="scorecard.target").set_value(70).run()
    rerun = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return first, rerun


def main() -> None:
    load_s, (tables, _) = timed(bundled_tables, repeat=3)
    opps, acts = tables.opportunities, tables.activities
    print(
        f"bundled data: {opps['owner'].nunique()} reps with deals, {len(tables.roster)} on the team, {len(opps):,} opportunities, "
        f"{len(acts):,} activities (synthetic)"
    )
    result = engine.run(default_scenario(), trials=4_000, seed=1)
    compute_s, values = timed(lambda: compute(tables, "month"))
    build_s, card = timed(lambda: build_scorecard(tables, default_standards(), result=result))
    cached = card.values
    rescore_s, _ = timed(lambda: build_scorecard(tables, default_standards(), result=result, values=cached))
    xlsx_s, data = timed(lambda: write_xlsx(card), repeat=3)
    ref_s, ref = timed(lambda: reference_loop(opps, acts), repeat=3)

    worst = 0.0
    checked = 0
    for key in (
        "win_rate",
        "bookings",
        "avg_deal_size",
        "sales_cycle_days",
        "activities_per_day",
        "lead_response_minutes",
    ):
        rows = values.of(key)
        rows = rows[(rows["rep"] != TEAM) & np.isfinite(rows["value"].to_numpy(dtype=float))]
        for rep, period, value in zip(rows["rep"], rows["period"], rows["value"], strict=True):
            if (key, rep, period) in ref:
                worst = max(worst, abs(value - ref[(key, rep, period)]) / max(1.0, abs(value)))
                checked += 1
    print(
        f"load tables (CRM import + activity log + monthly table): {load_s * 1000:7.0f} ms  (cached once per server in the app)"
    )
    print(f"compute all 28 KPIs per team/rep/month (vectorised):       {compute_s * 1000:7.0f} ms")
    print(
        f"reference: 6 per-rep KPIs by a Python loop over rows:       {ref_s * 1000:7.0f} ms  "
        f"(agrees on {checked:,} rep-month values, worst relative difference {worst:.1e})"
    )
    print(f"build scorecard (11 standards, attainability MC 2,000 x reps): {build_s * 1000:5.0f} ms")
    print(f"  re-score with cached KPI values (what a target change costs): {rescore_s * 1000:5.0f} ms")
    print(f"Excel export ({len(data) / 1024:.0f} kB):                              {xlsx_s * 1000:7.0f} ms")
    first, rerun = page_timings()
    print(
        f"page (AppTest): first visit {first * 1000:.0f} ms (loads, simulates, builds); rerun after a target change {rerun * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
