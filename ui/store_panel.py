"""The scenario store in the app: one shared store per location, the signed-in user, and the sidebar picker.

app.py calls `scenario_picker()` inside `with st.sidebar:`. The store is PostgreSQL when a URL is set
(FUNNELCAST_STORE_URL, or `store_url` in the [funnelcast] section of secrets.toml), else the SQLite file in
the data folder. A store that cannot be opened (a foreign or damaged file, an unreachable database) shows its
message and the rest of the app keeps working without saving; a read-only data folder says so and keeps
saved scenarios readable.

Saving remembers which stored scenario and version is on screen (`_store_opened`): a save goes into that
scenario with a version check, so a colleague's save in between is shown as a conflict (with a button to add
yours on top) instead of being buried, and a viewer's save is refused with a message.
"""

from __future__ import annotations

import os
import time

import streamlit as st

from simulate.scenario import Scenario
from store import ENV_URL, Saved, ScenarioStore, StoreError, VersionConflict, default_data_dir
from ui import auth, state
from ui.render import escape

PICK_KEY = "store_panel.pick"
OPENED_KEY = "_store_opened"  # {"id", "version", "name", "owner", "role"} of the stored scenario on screen
CONFLICT_KEY = "_store_conflict"  # {"button", "target", "latest", "message"} after a refused save


def store_url() -> str | None:
    """The PostgreSQL URL from the environment or secrets.toml ([funnelcast] store_url), else None."""
    url = os.environ.get(ENV_URL, "").strip()
    if not url:
        try:
            url = str(st.secrets.get("funnelcast", {}).get("store_url", "")).strip()
        except (FileNotFoundError, OSError, ValueError, st.errors.StreamlitSecretNotFoundError):
            url = ""
    return url or None


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(path: str | None, url: str | None) -> ScenarioStore:
    return ScenarioStore(url=url) if url else ScenarioStore(path)


_FAILED: dict[tuple, tuple[float, str]] = {}  # store -> (when, why) of the last failed open
RETRY_AFTER_S = 30.0  # an unreachable database is not retried on every rerun (each try may wait 10 s)


def get_store() -> ScenarioStore | None:
    """The store, acting for the current user; None after showing why it cannot be used at all."""
    url = store_url()
    key = (None, url) if url else (str(default_data_dir() / "scenarios.db"), None)
    failed = _FAILED.get(key)
    if failed and time.monotonic() - failed[0] < RETRY_AFTER_S:
        st.error(f"Saved scenarios are unavailable: {escape(failed[1])}", icon=":material/database:")
        return None
    try:
        base = _open(*key)
    except StoreError as exc:
        _FAILED[key] = (time.monotonic(), str(exc))
        st.error(f"Saved scenarios are unavailable: {escape(exc)}", icon=":material/database:")
        return None
    _FAILED.pop(key, None)
    try:
        return base.as_user(auth.current_user())
    except PermissionError:  # not signed in: require_sign_in has stopped the run already
        return None


def status_message(store: ScenarioStore) -> None:
    """Say why saving (or reading) is impossible, when it is."""
    if store.unavailable:
        st.warning(f"Saved scenarios are unavailable: {escape(store.unavailable)}.", icon=":material/database:")
    elif store.read_only:
        st.info(f"Saved scenarios are read-only: {escape(store.read_only)}.", icon=":material/lock:")


def remember(saved: Saved) -> None:
    st.session_state[OPENED_KEY] = {
        "id": saved.id,
        "version": saved.version,
        "name": saved.scenario.name,
        "owner": saved.owner,
        "role": saved.role,
    }
    st.session_state.pop(CONFLICT_KEY, None)


def opened() -> dict | None:
    """The stored scenario and version on screen (after Open or Save), or None."""
    return st.session_state.get(OPENED_KEY)


def open_saved(store: ScenarioStore, name: str | int, version: int | None = None) -> None:
    """Make a saved scenario current on every page (widgets reset to its values)."""
    saved = store.load(name, version)
    state.load(saved.scenario)
    remember(saved)


def _target(store: ScenarioStore, name: str) -> tuple[str | int, int | None]:
    """Where a save of `name` goes: the opened scenario (by id, with a version check) or the user's own by name."""
    here = opened()
    if here and " ".join(name.split()).casefold() == here["name"].casefold():
        return int(here["id"]), int(here["version"])
    return name, None


def _do_save(store: ScenarioStore, scenario: Scenario, target: str | int, expected: int | None, note: str, button: str):
    try:
        version = store.save(scenario, target, note=note, expected_version=expected)
    except VersionConflict as exc:
        st.session_state[CONFLICT_KEY] = {
            "button": button,
            "target": target,
            "latest": exc.latest,
            "message": str(exc),
        }
        return None
    except StoreError as exc:
        st.session_state.pop(CONFLICT_KEY, None)
        st.error(escape(exc))
        return None
    saved_name = scenario.name if isinstance(target, int) else " ".join(str(target).split())
    try:
        info = store.info(target if isinstance(target, int) else saved_name)
        st.session_state[OPENED_KEY] = {
            "id": info.id,
            "version": version,
            "name": info.name,
            "owner": info.owner,
            "role": info.role,
        }
        saved_name = info.name
    except StoreError:
        st.session_state.pop(OPENED_KEY, None)
    st.session_state.pop(CONFLICT_KEY, None)
    if saved_name != scenario.name:
        state.publish(scenario.replace(name=saved_name))
    return saved_name, version


def save_button(
    store: ScenarioStore,
    scenario: Scenario,
    *,
    label: str,
    key: str,
    name: str | None = None,
    note: str = "",
    **button_args,
) -> tuple[str, int] | None:
    """A save button (and, after a version conflict, the message and "save mine on top" button).

    Returns (stored name, version) after a save, else None. Errors are shown where the button is.
    """
    name = scenario.name if name is None else name
    disabled = bool(store.read_only)
    clicked = st.button(label, key=key, disabled=disabled, **button_args)
    result = None
    conflict = st.session_state.get(CONFLICT_KEY)
    if conflict and conflict["button"] == key:
        st.error(escape(conflict["message"]), icon=":material/sync_problem:")
        if st.button(f"Save mine as version {conflict['latest'] + 1}", key=f"{key}_anyway", disabled=disabled):
            result = _do_save(store, scenario, conflict["target"], conflict["latest"], note, key)
    if clicked:
        try:
            target, expected = _target(store, name)
        except StoreError as exc:
            st.error(escape(exc))
            return None
        result = _do_save(store, scenario, target, expected, note, key)
        if result is None and st.session_state.get(CONFLICT_KEY, {}).get("button") == key:
            st.rerun()  # draw the conflict message and its button
    return result


def label(info) -> str:
    """How a scenario is named in pickers: its name, and whose it is when it is not the user's."""
    return info.name if info.role == "owner" else f"{info.name} ({info.owner}, {info.role})"


def scenario_picker() -> None:
    """Sidebar: pick a saved scenario and open it, or save the current one (new version if the name exists)."""
    store = get_store()
    if store is None:
        return
    try:
        infos = store.list()
    except StoreError as exc:
        st.error(escape(exc))
        return
    current = state.current()
    with st.expander("Saved scenarios", icon=":material/folder_open:"):
        status_message(store)
        if infos:
            labels = {i.id: label(i) for i in infos}
            pick = st.selectbox(
                "Open",
                list(labels),
                format_func=labels.get,
                key=PICK_KEY,
                index=None,
                placeholder="Choose a saved scenario",
            )
            if st.button("Open", key="store_panel.open", disabled=pick is None, width="stretch"):
                try:
                    open_saved(store, int(pick))
                    st.rerun()
                except StoreError as exc:
                    st.error(escape(exc))
        elif not store.unavailable:
            st.caption("Nothing saved yet.")
        saved = save_button(
            store,
            current,
            label=f"Save '{escape(current.name)}'",
            key="store_panel.save",
            width="stretch",
            help="Saves a new version; earlier versions are kept. Rename, copy or share on the Scenarios page.",
        )
        if saved is not None:
            st.toast(f"Saved '{escape(saved[0])}' as version {saved[1]}.")
