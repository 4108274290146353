"""Cached comparisons, sensitivity runs and report files for the scenario pages (aggregates only).

st.cache_data / st.cache_resource are shared by every session of the server and bounded (entries, TTL);
each new run takes its turn in ui.runqueue (quietly: the cache's own spinner says what is running).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from simulate.decide import (
    TORNADO_TRIALS,
    Comparison,
    LeverAnswer,
    Tornado,
    compare,
    contribution_to_variance,
    seek_lever,
    tornado,
)
from simulate.funnel import SimulationResult
from simulate.funnel import run as run_funnel
from simulate.scenario import Scenario
from ui.runqueue import heavy_slot


@st.cache_data(max_entries=32, ttl=3600, show_spinner="Comparing scenarios...")
def comparison(scenario_jsons: tuple[str, ...], trials: int, seed: int) -> Comparison:
    with heavy_slot("comparing scenarios", quiet=True):
        return compare([Scenario.from_json(text) for text in scenario_jsons], trials=trials, seed=seed)


@dataclass(frozen=True)
class SensitivityView:
    tornado: Tornado
    contribution: pd.DataFrame


@st.cache_data(max_entries=32, ttl=3600, show_spinner="Swinging each input...")
def sensitivity_view(scenario_json: str) -> SensitivityView:
    scenario = Scenario.from_json(scenario_json)
    trials = min(scenario.trials, TORNADO_TRIALS)
    with heavy_slot("swinging each input", quiet=True):
        base = run_funnel(scenario, trials=trials, stage_trials=0)
        return SensitivityView(tornado(scenario, trials=trials, base=base), contribution_to_variance(base))


@st.cache_resource(max_entries=8, ttl=3600, show_spinner=False)
def _seek_run(scenario_json: str) -> SimulationResult:
    """One run per scenario kept on the server for goal-seek (never sent to the browser)."""
    scenario = Scenario.from_json(scenario_json)
    with heavy_slot("simulating for goal-seek", quiet=True):
        return run_funnel(scenario, trials=min(scenario.trials, 20_000), stage_trials=0)


def seek(scenario_json: str, lever: str, confidence: float) -> LeverAnswer:
    return seek_lever(_seek_run(scenario_json), lever, confidence)


def report_files(scenario_json: str, other_jsons: tuple[str, ...], kind: str) -> bytes:
    """Build a deck ("pptx") or HTML report ("html") for download; called only when the button is clicked."""
    from report.content import build_content

    with heavy_slot("building the report", quiet=True):
        content = build_content(Scenario.from_json(scenario_json), others=[Scenario.from_json(t) for t in other_jsons])
    if kind == "pptx":
        from report.deck import build_deck

        return build_deck(content)
    from report.html import build_html

    return build_html(content).encode("utf-8")


def audit_file(scenario_json: str, kind: str) -> bytes:
    """Summary CSV, raw-trials CSV or the Excel workbook of one run (same numbers as the pages)."""
    from report import tables
    from simulate.funnel import funnel_summary
    from simulate.funnel import run as run_funnel

    scenario = Scenario.from_json(scenario_json)
    with heavy_slot("simulating for the download", quiet=True):
        result = run_funnel(scenario, stage_trials=0)
    head = funnel_summary(result)
    if kind == "summary.csv":
        return tables.to_csv(tables.summary_frame(head, scenario.name, result.trials, result.seed))
    if kind == "trials.csv":
        return tables.to_csv(tables.trial_frame(result))
    return tables.workbook(result, head)
