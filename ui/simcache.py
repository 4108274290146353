"""Cached simulation runs for pages: raw trials stay on the server; pages get aggregates.

Keyed by the scenario's JSON (the scenario is a value, and holds its seed and trials), so any page
and any browser session showing the same scenario reuses the run, and the same scenario + seed always
gives the same numbers. The cache is one per server process (SharedViews): bounded in entries, bytes
and age; when several sessions ask for the same scenario at once, one computes it and the others wait
for that result. New runs take a turn in ui.runqueue (at most one per core; a waiting user is told how
many runs are ahead).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from simulate.funnel import (
    FunnelSummary,
    funnel_summary,
    histogram,
    monthly_bands,
    required_scale,
    stage_table,
    volume_thresholds,
)
from simulate.funnel import run as run_funnel
from simulate.scenario import Scenario
from ui import runqueue

PROGRESS_ABOVE_TRIALS = 50_000


@dataclass(frozen=True)
class FunnelView:
    """Everything the funnel page and reports draw for one scenario."""

    headline: FunnelSummary
    won_bands: pd.DataFrame
    revenue_bands: pd.DataFrame
    period_hist: pd.DataFrame
    stages: pd.DataFrame
    volume_thresholds: np.ndarray  # sorted per-trial multipliers on planned volume that reach the target

    def required_scale(self, confidence: float) -> float:
        """Multiplier on planned volume for a `confidence` chance of the target."""
        return required_scale(self.volume_thresholds, confidence)


def build_view(scenario: Scenario, progress=None) -> FunnelView:
    """Run and summarise (pure; used by the cached wrapper, reports and tests)."""
    result = run_funnel(scenario, progress=progress)
    metric = result.period_metric()
    return FunnelView(
        headline=funnel_summary(result),
        won_bands=monthly_bands(result.won, result.months),
        revenue_bands=monthly_bands(result.revenue, result.months),
        period_hist=histogram(metric, bins=40, integer=scenario.target.metric == "won_deals"),
        stages=stage_table(result),
        volume_thresholds=volume_thresholds(result),
    )


def view_bytes(view: FunnelView) -> int:
    """Approximate memory held by a view (its arrays and tables)."""
    frames = (view.won_bands, view.revenue_bands, view.period_hist, view.stages)
    return int(view.volume_thresholds.nbytes + sum(f.memory_usage(index=True, deep=True).sum() for f in frames))


class SharedViews:
    """A process-wide LRU of views: at most `max_entries`, `max_bytes` and `ttl` seconds; per-key compute locks."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 150_000_000, ttl: float = 3600.0):
        self.max_entries, self.max_bytes, self.ttl = max_entries, max_bytes, ttl
        self._items: OrderedDict[str, tuple[FunnelView, int, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self.hits = self.misses = 0

    def get(self, key: str) -> FunnelView | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or time.monotonic() - item[2] > self.ttl:
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: str, view: FunnelView) -> None:
        size = view_bytes(view)
        with self._lock:
            self.misses += 1
            if size > self.max_bytes:
                return
            self._items[key] = (view, size, time.monotonic())
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries or self.nbytes > self.max_bytes:
                self._items.popitem(last=False)

    @property
    def nbytes(self) -> int:
        return sum(size for _, size, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def key_lock(self, key: str) -> threading.Lock:
        """The lock held while `key` is computed (so identical work runs once); dropped with the key."""
        with self._lock:
            if len(self._key_locks) > 4 * self.max_entries:  # forget idle locks of old keys
                for old in [k for k, lock in self._key_locks.items() if not lock.locked()]:
                    del self._key_locks[old]
            return self._key_locks.setdefault(key, threading.Lock())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


VIEWS = SharedViews()


def funnel_view(scenario_json: str) -> FunnelView:
    """The view of a scenario, computed once per server for every session that shows it."""
    view = VIEWS.get(scenario_json)
    if view is not None:
        return view
    lock = VIEWS.key_lock(scenario_json)
    if not lock.acquire(blocking=False):
        with st.spinner("The same scenario is being simulated for another user; using that result..."):
            lock.acquire()
    try:
        view = VIEWS.get(scenario_json)
        if view is None:
            view = _compute(Scenario.from_json(scenario_json))
            VIEWS.put(scenario_json, view)
        return view
    finally:
        lock.release()


def _compute(scenario: Scenario) -> FunnelView:
    with runqueue.heavy_slot(f"simulating {scenario.trials:,} trials"):
        if scenario.trials <= PROGRESS_ABOVE_TRIALS:
            return build_view(scenario)
        bar = st.progress(0.0, text=f"Simulating {scenario.trials:,} trials...")
        view = build_view(scenario, progress=lambda f: bar.progress(f, text=f"Simulating... {f:.0%}"))
        bar.empty()
        return view
