"""Scenarios: save, open, rename, copy, delete and version plans; import/export JSON; compare 2-4 side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import compare as charts
from kpi.wording import money, percent
from store import ImportProblems, StoreError, export_json, import_json
from ui import analysis_cache, render, state, store_panel
from ui.entry import require_app

require_app()  # a deep link on a fresh server must still go through app.py

CURRENT = "Current scenario (on screen)"

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
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "Scenario": i.name,
                                "Versions": i.versions,
                                "Last saved (UTC)": i.updated_at[:16].replace("T", " "),
                            }
                            for i in infos
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                )
                pick = st.selectbox("Scenario", [i.name for i in infos], key="scenarios.pick")
                versions = store.versions(pick)
                labels = {v.version: f"v{v.version}  {v.saved_at[:16].replace('T', ' ')}  {v.note}" for v in versions}
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
        comp = analysis_cache.comparison(tuple(s.to_json() for s in picked), picked[0].trials, picked[0].seed)
        st.caption(
            f"All scenarios use A's {comp.trials:,} trials and seed {comp.seed}: the same random numbers, so differences are the inputs, not luck."
        )
        head = comp.headline_table()
        cols = st.columns(len(comp.labels))
        for k, (col, row) in enumerate(zip(cols, head.itertuples(), strict=True)):
            delta = None if k == 0 else f"{money(row.revenue_p50 - head.revenue_p50[0])} vs A"
            col.metric(row.scenario, money(row.revenue_p50), delta, help="P50 revenue in the target period")
            col.caption(
                f"Chance of target {percent(row.p_hit_target)}; P10 {money(row.revenue_p10)} to P90 {money(row.revenue_p90)}"
            )
        if len(comp.deltas):
            deltas = comp.deltas
            st.dataframe(
                pd.DataFrame(
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
                ),
                hide_index=True,
                width="stretch",
            )
            st.caption(
                "± is two Monte Carlo standard errors. 'Chance it beats A' compares the two plans in the same simulated future."
            )
        money_metric = all(s.target.metric == "revenue" for s in picked)
        render.chart(charts.overlaid_fan_chart(comp.revenue_bands, labels=comp.labels))
        render.chart(
            charts.overlaid_histogram_chart(
                comp.histograms,
                labels=comp.labels,
                target=picked[0].target.value if money_metric else None,
                money=money_metric,
                x_title="Revenue" if money_metric else "Won deals",
            )
        )
        st.subheader("Inputs (differences highlighted)")
        table = comp.inputs.set_index("input")
        st.dataframe(
            table.drop(columns="differs").style.apply(
                lambda row: ["background-color: #fff4e5" if table.loc[row.name, "differs"] else "" for _ in row], axis=1
            ),
            width="stretch",
        )
        others = tuple(s.to_json() for s in picked[1:])
        col1, col2 = st.columns(2)
        col1.download_button(
            "Meeting deck with this comparison (.pptx)",
            data=lambda: analysis_cache.report_files(picked[0].to_json(), others, "pptx"),
            file_name="comparison.pptx",
            on_click="ignore",
            key="scenarios.deck",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        )
        col2.download_button(
            "HTML report with this comparison",
            data=lambda: analysis_cache.report_files(picked[0].to_json(), others, "html"),
            file_name="comparison.html",
            on_click="ignore",
            key="scenarios.html",
            mime="text/html",
        )

with tab_files:
    st.subheader("Export")
    st.caption(
        f"'{scenario.name}' with its {scenario.trials:,} trials and seed {scenario.seed}: files are built when you click."
    )
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
        data=lambda: analysis_cache.report_files(scenario.to_json(), (), "pptx"),
        file_name="deck.pptx",
        on_click="ignore",
        key="scenarios.deck_current",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    )
    cols[2].download_button(
        "HTML report",
        data=lambda: analysis_cache.report_files(scenario.to_json(), (), "html"),
        file_name="report.html",
        on_click="ignore",
        key="scenarios.html_current",
        mime="text/html",
    )
    cols = st.columns(3)
    cols[0].download_button(
        "Summary (.csv)",
        data=lambda: analysis_cache.audit_file(scenario.to_json(), "summary.csv"),
        file_name="summary.csv",
        on_click="ignore",
        key="scenarios.summary_csv",
        mime="text/csv",
    )
    cols[1].download_button(
        "Raw trials (.csv)",
        data=lambda: analysis_cache.audit_file(scenario.to_json(), "trials.csv"),
        file_name="trials.csv",
        on_click="ignore",
        key="scenarios.trials_csv",
        mime="text/csv",
        help="One row per simulated future: drawn rates, volume, period totals, monthly revenue (audit trail)",
    )
    cols[2].download_button(
        "Summary and trials (.xlsx)",
        data=lambda: analysis_cache.audit_file(scenario.to_json(), "workbook.xlsx"),
        file_name="simulation.xlsx",
        on_click="ignore",
        key="scenarios.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.subheader("Import")
    upload = st.file_uploader("Scenario file (.json)", type=["json"], key="scenarios.upload", max_upload_size=5)
    if upload is not None:
        try:
            imported = import_json(upload.getvalue())
        except ImportProblems as exc:
            st.error(f"This file cannot be opened ({len(exc.problems)} problem{'s' if len(exc.problems) > 1 else ''}):")
            st.markdown("\n".join(f"- `{p}`" for p in exc.problems))
        else:
            st.success(f"Read '{imported.name}'.")
            if st.button("Open it on every page", key="scenarios.open_import", type="primary"):
                state.load(imported)
                st.rerun()
