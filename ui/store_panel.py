"""The scenario store in the app: one shared store per data directory, and the sidebar picker.

app.py calls `scenario_picker()` inside `with st.sidebar:`. A store that cannot be opened (a foreign or
damaged file) shows its message once and the rest of the app keeps working without saving.
"""

from __future__ import annotations

import streamlit as st

from store import ScenarioStore, StoreError, default_data_dir
from ui import state

PICK_KEY = "store_panel.pick"


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(path: str) -> ScenarioStore:
    return ScenarioStore(path)


def get_store() -> ScenarioStore | None:
    """The store in FUNNELCAST_DATA_DIR (or the default folder); None after showing why it cannot be used."""
    path = str(default_data_dir() / "scenarios.db")
    try:
        return _open(path)
    except StoreError as exc:
        st.error(f"Saved scenarios are unavailable: {exc}", icon=":material/database:")
        return None


def open_saved(store: ScenarioStore, name: str, version: int | None = None) -> None:
    """Make a saved scenario current on every page (widgets reset to its values)."""
    saved = store.load(name, version)
    state.load(saved.scenario)


def scenario_picker() -> None:
    """Sidebar: pick a saved scenario and open it, or save the current one (new version if the name exists)."""
    store = get_store()
    if store is None:
        return
    try:
        names = store.names()
    except StoreError as exc:
        st.error(str(exc))
        return
    current = state.current()
    with st.expander("Saved scenarios", icon=":material/folder_open:"):
        if names:
            pick = st.selectbox("Open", names, key=PICK_KEY, index=None, placeholder="Choose a saved scenario")
            if st.button("Open", key="store_panel.open", disabled=pick is None, width="stretch"):
                try:
                    open_saved(store, pick)
                    st.rerun()
                except StoreError as exc:
                    st.error(str(exc))
        else:
            st.caption("Nothing saved yet.")
        if st.button(
            f"Save '{current.name}'",
            key="store_panel.save",
            width="stretch",
            help="Saves a new version; earlier versions are kept. Rename or copy on the Scenarios page.",
        ):
            try:
                version = store.save(current)
                st.toast(f"Saved '{current.name}' as version {version}.")
            except StoreError as exc:
                st.error(str(exc))
