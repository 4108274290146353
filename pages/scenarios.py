"""Scenarios: save, open, rename, copy, delete and version plans; import/export JSON; compare 2-4 side by side."""

from __future__ import annotations

import streamlit as st

from charts import compare as charts
from store import StoreError
from ui import render, state, store_panel
from ui.entry import require_app
from ui.scenarios_page import (
    CURRENT,
    comparison_downloads,
    comparison_view,
    export_buttons,
    import_file,
    saved_table,
    styled_inputs,
    version_labels,
)

require_app()  # a deep link on a fresh server must still go through app.py

scenario = state.current()
st.title("Scenarios")
st.caption(
    "Save plans, open them on every page exactly as saved (seed included), and compare two to four side by side."
)
store = store_panel.get_store()

tab_saved, tab_compare, tab_files = st.tabs(["Saved", "Compare", "Import / export"])

with tab_saved:
    if store is not None:
        left, right = st.columns([2, 1], gap="large")
        with right:
            st.subheader("Save the current scenario")
            name = st.text_input("Name", value=scenario.name, key="scenarios.save_name", max_chars=120)
            note = st.text_input("Note (optional)", key="scenarios.save_note", placeholder="What changed?")
            if st.button("Save as new version", key="scenarios.save", type="primary"):
                try:
                    version = store.save(scenario, name, note=note)
                    state.publish(scenario.replace(name=" ".join(name.split())))
                    st.success(f"Saved '{name}' (version {version}).")
                except (StoreError, ValueError) as exc:
                    st.error(str(exc))
        with left:
            infos = store.list()
            if not infos:
                st.info("No saved scenarios yet. Save the current one on the right.")
            else:
                st.dataframe(saved_table(infos), hide_index=True, width="stretch")
                pick = st.selectbox("Scenario", [i.name for i in infos], key="scenarios.pick")
                versions = store.versions(pick)
                labels = version_labels(versions)
                version = st.selectbox("Version", list(labels), format_func=labels.get, key="scenarios.version")
                cols = st.columns(4)
                if cols[0].button(
                    "Open",
                    key="scenarios.open",
                    type="primary",
                    help="Restores every page with this version's inputs and seed",
                ):
                    try:
                        store_panel.open_saved(store, pick, version)
                        st.rerun()
                    except StoreError as exc:
                        st.error(str(exc))
                new_name = cols[1].text_input(
                    "New name", key="scenarios.new_name", label_visibility="collapsed", placeholder="New name"
                )
                if cols[2].button("Rename", key="scenarios.rename"):
                    try:
                        store.rename(pick, new_name)
                        st.rerun()
                    except StoreError as exc:
                        st.error(str(exc))
                if cols[3].button("Copy", key="scenarios.copy", help="Copies the latest version under the new name"):
                    try:
                        store.duplicate(pick, new_name or f"{pick} (copy)")
                        st.rerun()
                    except StoreError as exc:
                        st.error(str(exc))
                with st.expander("Delete"):
                    sure = st.checkbox(f"Delete '{pick}' and all {len(versions)} versions", key="scenarios.delete_sure")
                    if st.button("Delete", key="scenarios.delete", disabled=not sure):
                        store.delete(pick)
                        st.rerun()

with tab_compare:
    options = [CURRENT] + (store.names() if store is not None else [])
    chosen = st.multiselect(
        "Scenarios to compare (2 to 4; the first is A, the baseline)",
        options,
        key="scenarios.compare",
        max_selections=4,
        default=[CURRENT],
    )
    picked: list = []
    try:
        picked = [scenario if name == CURRENT else store.load(name).scenario for name in chosen]
    except StoreError as exc:
        st.error(str(exc))
    if len(chosen) < 2:
        st.info(
            "Pick at least two scenarios. Save a variant first (for example 'Hire 5 more') to compare it with the current plan."
        )
    elif len(picked) == len(chosen):
        view = comparison_view(picked)
        comp = view.comparison
        st.caption(view.note)
        for col, card in zip(st.columns(len(view.cards)), view.cards, strict=True):
            col.metric(card.label, card.value, card.delta, help="P50 revenue in the target period")
            col.caption(card.caption)
        if view.deltas is not None:
            st.dataframe(view.deltas, hide_index=True, width="stretch")
            st.caption(
                "± is two Monte Carlo standard errors. 'Chance it beats A' compares the two plans in the same simulated future."
            )
        render.chart(charts.overlaid_fan_chart(comp.revenue_bands, labels=comp.labels))
        render.chart(
            charts.overlaid_histogram_chart(
                comp.histograms,
                labels=comp.labels,
                target=view.target,
                money=view.money_metric,
                x_title=view.x_title,
            )
        )
        st.subheader("Inputs (differences highlighted)")
        st.dataframe(styled_inputs(comp.inputs), width="stretch")
        comparison_downloads(picked)

with tab_files:
    st.subheader("Export")
    st.caption(
        f"'{scenario.name}' with its {scenario.trials:,} trials and seed {scenario.seed}: files are built when you click."
    )
    export_buttons(scenario)
    st.subheader("Import")
    import_file()
