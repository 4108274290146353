"""Scenarios: save, open, rename, copy, delete, share and version plans; import/export JSON; compare 2-4 side by side."""

from __future__ import annotations

import streamlit as st

from charts import compare as charts
from store import StoreError
from ui import render, state, store_panel
from ui.entry import require_app
from ui.scenarios_page import (
    CURRENT,
    compare_options,
    comparison_downloads,
    comparison_view,
    export_buttons,
    import_file,
    saved_tab,
    styled_inputs,
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
        saved_tab(store, scenario)

with tab_compare:
    options, labels = compare_options(store)
    chosen = st.multiselect(
        "Scenarios to compare (2 to 4; the first is A, the baseline)",
        options,
        format_func=labels.get,
        key="scenarios.compare",
        max_selections=4,
        default=[CURRENT],
    )
    picked: list = []
    try:
        picked = [scenario if ref == CURRENT else store.load(ref).scenario for ref in chosen]
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
        f"'{render.escape(scenario.name)}' with its {scenario.trials:,} trials and seed {scenario.seed}: files are built when you click."
    )
    export_buttons(scenario)
    st.subheader("Import")
    import_file()
