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
from store import (
    LOCAL_USER,
    ORG,
    ImportProblems,
    ScenarioInfo,
    ScenarioStore,
    StoreError,
    VersionInfo,
    export_json,
    import_json,
)
from ui import analysis_cache, state, store_panel
from ui.render import escape

CURRENT = "Current scenario (on screen)"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIFFERS_CSS = "background-color: #fff4e5"


# --- saved scenarios -------------------------------------------------------------------------------------
ROLE_WORDS = {"owner": "yours", "editor": "can edit", "viewer": "view only"}
SHARE_CHOICES = {"": "Private (only named people below)", "viewer": "Everyone can view", "editor": "Everyone can edit"}


def saved_table(infos: list[ScenarioInfo]) -> pd.DataFrame:
    """One row per saved scenario: name, owner, your access, versions, last saved (UTC, to the minute) and by whom."""
    return pd.DataFrame(
        [
            {
                "Scenario": i.name,
                "Owner": i.owner,
                "Your access": ROLE_WORDS.get(i.role, i.role),
                "Versions": i.versions,
                "Last saved (UTC)": i.updated_at[:16].replace("T", " "),
                "by": i.saved_by,
            }
            for i in infos
        ]
    )


def version_labels(versions: list[VersionInfo]) -> dict[int, str]:
    """Version number -> "v2  2026-01-31 09:15  ana@example.com  note"."""
    return {
        v.version: "  ".join(x for x in (f"v{v.version}", v.saved_at[:16].replace("T", " "), v.saved_by, v.note) if x)
        for v in versions
    }


def history_table(versions: list[VersionInfo]) -> pd.DataFrame:
    """Who saved each version and when (newest first)."""
    return pd.DataFrame(
        [
            {"Version": v.version, "Saved (UTC)": v.saved_at[:19].replace("T", " "), "By": v.saved_by, "Note": v.note}
            for v in versions
        ]
    )


def save_form(store: ScenarioStore, scenario: Scenario) -> None:
    """Save the current scenario as a new version (into the opened one when the name is unchanged)."""
    st.subheader("Save the current scenario")
    here = store_panel.opened()
    if here and here["role"] == "viewer" and here["name"].casefold() == scenario.name.casefold():
        st.caption(
            f"'{escape(here['name'])}' is {escape(here['owner'])}'s and you can only view it: "
            "save under a new name to keep your changes."
        )
    name = st.text_input("Name", value=scenario.name, key="scenarios.save_name", max_chars=120)
    note = st.text_input("Note (optional)", key="scenarios.save_note", placeholder="What changed?")
    saved = store_panel.save_button(
        store, scenario, label="Save as new version", key="scenarios.save", name=name, note=note, type="primary"
    )
    if saved is not None:
        st.success(f"Saved '{escape(saved[0])}' (version {saved[1]}).")


def sharing_panel(store: ScenarioStore, info: ScenarioInfo) -> None:
    """Owner only: share with the organisation or named people, as viewer or editor."""
    with st.expander("Sharing", icon=":material/group:"):
        if info.role != "owner":
            st.caption(
                f"Owned by {escape(info.owner)}; you {ROLE_WORDS.get(info.role, info.role)}. "
                "Only the owner changes sharing."
            )
            return
        if store.user == LOCAL_USER:
            st.caption("Without sign-in everyone here is the local user: sharing is for people who sign in.")
        try:
            current = store.sharing(info.id)
        except StoreError as exc:
            st.error(escape(exc))
            return
        org = st.selectbox(
            "The whole organisation",
            list(SHARE_CHOICES),
            index=list(SHARE_CHOICES).index(current.org_role),
            format_func=SHARE_CHOICES.get,
            key=f"scenarios.share_org_{info.id}",
        )
        if org != current.org_role and st.button("Apply", key="scenarios.share_org_apply"):
            _share(store, info, ORG, org or None)
        if current.people:
            st.dataframe(
                pd.DataFrame([{"Person": p, "Access": r} for p, r in current.people.items()]),
                hide_index=True,
                width="stretch",
            )
        cols = st.columns([3, 2, 1])
        email = cols[0].text_input("E-mail", key="scenarios.share_email", placeholder="name@company.com")
        role = cols[1].selectbox("Access", ["viewer", "editor", "remove"], key="scenarios.share_role")
        if cols[2].button("Share", key="scenarios.share", disabled=not email.strip()):
            _share(store, info, email, None if role == "remove" else role)


def _share(store: ScenarioStore, info: ScenarioInfo, who: str, role: str | None) -> None:
    try:
        store.share(info.id, who, role)
        st.rerun()
    except StoreError as exc:
        st.error(escape(exc))


def saved_tab(store: ScenarioStore, scenario: Scenario) -> None:
    """The saved scenarios the user can see, their history, open / rename / copy / delete / share, and saving."""
    store_panel.status_message(store)
    left, right = st.columns([2, 1], gap="large")
    with right:
        save_form(store, scenario)
    with left:
        try:
            infos = store.list()
        except StoreError as exc:
            st.error(escape(exc))
            return
        if not infos:
            st.info("No saved scenarios yet. Save the current one on the right.")
            return
        st.dataframe(saved_table(infos), hide_index=True, width="stretch")
        by_id = {i.id: i for i in infos}
        pick = st.selectbox(
            "Scenario", list(by_id), format_func=lambda i: store_panel.label(by_id[i]), key="scenarios.pick"
        )
        info = by_id.get(pick, infos[0])
        try:
            versions = store.versions(info.id)
        except StoreError as exc:
            st.error(escape(exc))
            return
        labels = version_labels(versions)
        version = st.selectbox("Version", list(labels), format_func=labels.get, key="scenarios.version")
        owner = info.role == "owner"
        not_owner = f"Only the owner ({info.owner}) can do this"
        cols = st.columns(4)
        if cols[0].button(
            "Open", key="scenarios.open", type="primary", help="Restores every page with this version's inputs and seed"
        ):
            _act(lambda: store_panel.open_saved(store, info.id, version))
        new_name = cols[1].text_input(
            "New name", key="scenarios.new_name", label_visibility="collapsed", placeholder="New name"
        )
        if cols[2].button("Rename", key="scenarios.rename", disabled=not owner, help=None if owner else not_owner):
            _act(lambda: store.rename(info.id, new_name))
        if cols[3].button("Copy", key="scenarios.copy", help="Copies the latest version under the new name, as yours"):
            _act(lambda: store.duplicate(info.id, new_name or f"{info.name} (copy)"))
        with st.expander("History: who saved what, when", icon=":material/history:"):
            st.dataframe(history_table(versions), hide_index=True, width="stretch")
        sharing_panel(store, info)
        with st.expander("Delete"):
            sure = st.checkbox(
                f"Delete '{escape(info.name)}' and all {len(versions)} versions",
                key="scenarios.delete_sure",
                disabled=not owner,
            )
            if st.button(
                "Delete", key="scenarios.delete", disabled=not (sure and owner), help=None if owner else not_owner
            ):
                _act(lambda: store.delete(info.id))


def _act(action) -> None:
    """Run a store action and rerun, or show its message."""
    try:
        action()
    except StoreError as exc:
        st.error(escape(exc))
        return
    st.rerun()


def compare_options(store: ScenarioStore | None) -> tuple[list, dict]:
    """Options for the compare picker (CURRENT, then stored ids) and their labels."""
    labels: dict = {CURRENT: CURRENT}
    if store is not None:
        try:
            labels.update({i.id: store_panel.label(i) for i in store.list()})
        except StoreError as exc:
            st.error(escape(exc))
    return list(labels), labels


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
        note=f"All scenarios use A's {comp.trials:,} trials and seed {comp.seed}: trial by trial they share the same random numbers, down to each deal's count and size, so differences come from the inputs (and the extra deals they bring), not from fresh luck.",
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
    meeting_downloads(text, cols[1], cols[2], key="scenarios", deck_key="deck_current", html_key="html_current")
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
    st.success(f"Read '{escape(imported.name)}'.")
    if notes:
        st.info("Text in the file was cleaned: " + "; ".join(notes[:5]) + ("; ..." if len(notes) > 5 else "") + ".")
    if st.button("Open it on every page", key="scenarios.open_import", type="primary"):
        state.load(imported)
        st.rerun()


def meeting_downloads(
    text: str, deck_col, html_col, *, key: str, deck_key: str = "deck", html_key: str = "html", **style
) -> None:
    """The meeting deck and the HTML report of the scenario `text` (JSON), built only when clicked (Scenarios &
    compare and Present offer the same two files)."""
    deck_col.download_button(
        "Meeting deck (.pptx)",
        data=lambda: analysis_cache.report_files(text, (), "pptx"),
        file_name="deck.pptx",
        mime=PPTX,
        on_click="ignore",
        key=f"{key}.{deck_key}",
        **style,
    )
    html_col.download_button(
        "HTML report",
        data=lambda: analysis_cache.report_files(text, (), "html"),
        file_name="report.html",
        mime="text/html",
        on_click="ignore",
        key=f"{key}.{html_key}",
        **style,
    )
