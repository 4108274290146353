"""Streamlit glue and wording for the scenarios page: the saved-scenarios table, a comparison in words
(headline cards, a deltas table, chart settings), the download rows, and opening an imported file.

Every widget key starts with "scenarios." (tests and end-to-end tests select by them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from kpi.wording import money, percent
from simulate.decide import Comparison
from simulate.scenario import Scenario
from store import ImportProblems, ScenarioInfo, VersionInfo, export_json, import_json
from ui import analysis_cache, state

CURRENT = "Current scenario (on screen)"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIFFERS_CSS = "background-color: #fff4e5"


# --- saved scenarios -------------------------------------------------------------------------------------
def saved_table(infos: list[ScenarioInfo]) -> pd.DataFrame:
    """One row per saved scenario: name, versions, last saved (UTC, to the minute)."""
    return pd.DataFrame(
        [
            {"Scenario": i.name, "Versions": i.versions, "Last saved (UTC)": i.updated_at[:16].replace("T", " ")}
            for i in infos
        ]
    )


def version_labels(versions: list[VersionInfo]) -> dict[int, str]:
    """Version number -> "v2  2026-01-31 09:15  note"."""
    return {v.version: f"v{v.version}  {v.saved_at[:16].replace('T', ' ')}  {v.note}" for v in versions}


# --- comparison ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeadlineCard:
    """One scenario's P50 revenue, its change against A (None for A) and its range and chance of target."""

    label: str
    value: str
    delta: str | None
    caption: str


@dataclass(frozen=True)
class ComparisonView:
    """What the Compare tab shows for 2-4 scenarios (A first), all run with A's trials and seed."""

    comparison: Comparison
    note: str
    cards: tuple[HeadlineCard, ...]
    deltas: pd.DataFrame | None  # one row per scenario after A; None when there is none
    money_metric: bool  # every target is revenue: the histogram is in money, with A's target
    target: float | None
    x_title: str


def headline_cards(head: pd.DataFrame) -> tuple[HeadlineCard, ...]:
    """Cards from Comparison.headline_table(): the first row is A, the baseline of every delta."""
    return tuple(
        HeadlineCard(
            row.scenario,
            money(row.revenue_p50),
            None if k == 0 else f"{money(row.revenue_p50 - head.revenue_p50[0])} vs A",
            f"Chance of target {percent(row.p_hit_target)}; P10 {money(row.revenue_p10)} to P90 {money(row.revenue_p90)}",
        )
        for k, row in enumerate(head.itertuples())
    )


def deltas_table(deltas: pd.DataFrame) -> pd.DataFrame:
    """Comparison.deltas in words; ± is two Monte Carlo standard errors."""
    return pd.DataFrame(
        {
            "Scenario": deltas["scenario"],
            "Expected revenue vs A": [money(x) for x in deltas["expected_revenue_delta"]],
            "± (same seed)": [money(2 * x) for x in deltas["expected_revenue_delta_mc_se"]],
            "± (independent runs would give)": [
                money(2 * x) for x in deltas["expected_revenue_delta_mc_se_independent"]
            ],
            "Chance it beats A": [
                f"{percent(p)} ± {percent(2 * se, 1)}"
                for p, se in zip(deltas["p_b_beats_a"], deltas["p_b_beats_a_mc_se"], strict=True)
            ],
            "Change in chance of target": [f"{x * 100:+.0f} points" for x in deltas["p_hit_target_delta"]],
        }
    )


def comparison_view(scenarios: list[Scenario]) -> ComparisonView:
    """Compare the scenarios (cached, A's trials and seed) and put the result in words."""
    comp = analysis_cache.comparison(tuple(s.to_json() for s in scenarios), scenarios[0].trials, scenarios[0].seed)
    money_metric = all(s.target.metric == "revenue" for s in scenarios)
    return ComparisonView(
        comparison=comp,
        note=f"All scenarios use A's {comp.trials:,} trials and seed {comp.seed}: the same random numbers, so differences are the inputs, not luck.",
        cards=headline_cards(comp.headline_table()),
        deltas=deltas_table(comp.deltas) if len(comp.deltas) else None,
        money_metric=money_metric,
        target=scenarios[0].target.value if money_metric else None,
        x_title="Revenue" if money_metric else "Won deals",
    )


def styled_inputs(inputs: pd.DataFrame) -> Styler:
    """Comparison.inputs by input, with the rows that differ between scenarios highlighted."""
    table = inputs.set_index("input")
    return table.drop(columns="differs").style.apply(
        lambda row: [DIFFERS_CSS if table.loc[row.name, "differs"] else "" for _ in row], axis=1
    )


# --- downloads and import --------------------------------------------------------------------------------
def comparison_downloads(scenarios: list[Scenario]) -> None:
    """Deck and HTML report of A with the others compared (built when clicked)."""
    first, others = scenarios[0].to_json(), tuple(s.to_json() for s in scenarios[1:])
    col1, col2 = st.columns(2)
    col1.download_button(
        "Meeting deck with this comparison (.pptx)",
        data=lambda: analysis_cache.report_files(first, others, "pptx"),
        file_name="comparison.pptx",
        on_click="ignore",
        key="scenarios.deck",
        mime=PPTX,
    )
    col2.download_button(
        "HTML report with this comparison",
        data=lambda: analysis_cache.report_files(first, others, "html"),
        file_name="comparison.html",
        on_click="ignore",
        key="scenarios.html",
        mime="text/html",
    )


def export_buttons(scenario: Scenario) -> None:
    """The scenario as JSON, deck, HTML report, summary and raw trials (files built when clicked)."""
    text = scenario.to_json()
    cols = st.columns(3)
    cols[0].download_button(
        "Scenario (.json)",
        data=export_json(scenario),
        file_name="scenario.json",
        mime="application/json",
        key="scenarios.export",
    )
    cols[1].download_button(
        "Meeting deck (.pptx)",
        data=lambda: analysis_cache.report_files(text, (), "pptx"),
        file_name="deck.pptx",
        on_click="ignore",
        key="scenarios.deck_current",
        mime=PPTX,
    )
    cols[2].download_button(
        "HTML report",
        data=lambda: analysis_cache.report_files(text, (), "html"),
        file_name="report.html",
        on_click="ignore",
        key="scenarios.html_current",
        mime="text/html",
    )
    cols = st.columns(3)
    cols[0].download_button(
        "Summary (.csv)",
        data=lambda: analysis_cache.audit_file(text, "summary.csv"),
        file_name="summary.csv",
        on_click="ignore",
        key="scenarios.summary_csv",
        mime="text/csv",
    )
    cols[1].download_button(
        "Raw trials (.csv)",
        data=lambda: analysis_cache.audit_file(text, "trials.csv"),
        file_name="trials.csv",
        on_click="ignore",
        key="scenarios.trials_csv",
        mime="text/csv",
        help="One row per simulated future: drawn rates, volume, period totals, monthly revenue (audit trail)",
    )
    cols[2].download_button(
        "Summary and trials (.xlsx)",
        data=lambda: analysis_cache.audit_file(text, "workbook.xlsx"),
        file_name="simulation.xlsx",
        on_click="ignore",
        key="scenarios.xlsx",
        mime=XLSX,
    )


def import_file() -> None:
    """Upload a scenario file: list every problem, or offer to open it on every page."""
    upload = st.file_uploader("Scenario file (.json)", type=["json"], key="scenarios.upload", max_upload_size=5)
    if upload is None:
        return
    notes: list[str] = []  # names cleaned of control characters / lone surrogates (issue 14)
    try:
        imported = import_json(upload.getvalue(), notes=notes)
    except ImportProblems as exc:
        st.error(f"This file cannot be opened ({len(exc.problems)} problem{'s' if len(exc.problems) > 1 else ''}):")
        st.markdown("\n".join(f"- `{p}`" for p in exc.problems))
        return
    st.success(f"Read '{imported.name}'.")
    if notes:
        st.info("Text in the file was cleaned: " + "; ".join(notes[:5]) + ("; ..." if len(notes) > 5 else "") + ".")
    if st.button("Open it on every page", key="scenarios.open_import", type="primary"):
        state.load(imported)
        st.rerun()
