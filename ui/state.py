"""The current scenario of a browser session: kept in st.session_state and mirrored in the URL.

Every page reads `current()` and, when its widgets produce a valid new scenario, calls `publish()`.
Widget keys are initialised from the scenario only when absent, so a page's widgets survive reruns;
`load()` replaces the scenario wholesale (from a link, the store or a file) and resets every page's
widgets so they show the loaded values.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from simulate.scenario import Scenario, ScenarioError, default_scenario
from ui import codec
from ui.render import escape

SCENARIO_KEY = "_scenario"
ERROR_KEY = "_scenario_link_error"
URL_PARAM = "s"
# The sidebar's trial choices; a scenario's own count is added to them (see trial_options).
TRIAL_CHOICES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)
# Most trials one page view runs on the shared server (the CLI runs up to simulate.scenario.MAX_TRIALS).
APP_MAX_TRIALS = 500_000
# Widget keys start with a page prefix and a dot ("funnel.level"); load() clears all of them.
WIDGET_KEY_SEPARATOR = "."


def current() -> Scenario:
    """The session's scenario: from the link on first visit, else the bundled example.

    A link is read by the safe JSON reader (ui.codec); a hostile or broken one leaves the example on
    screen with a message. A link that needed changing to open is opened, and the message says exactly
    what was changed and why: names cleaned of control characters or lone surrogates, and trials above
    what the shared server runs per view (APP_MAX_TRIALS) lowered to it.
    """
    if SCENARIO_KEY not in st.session_state:
        scenario = default_scenario()
        text = st.query_params.get(URL_PARAM)
        if text:
            try:
                decoded = codec.decode_with_notes(text, max_trials=APP_MAX_TRIALS)
            except ScenarioError as exc:
                st.session_state[ERROR_KEY] = (
                    f"The link's scenario could not be opened ({exc.field}: {exc.message}); showing the example instead."
                )
            else:
                scenario = decoded.scenario
                if decoded.notes:
                    st.session_state[ERROR_KEY] = "The link was opened with changes: " + "; ".join(decoded.notes) + "."
        st.session_state[SCENARIO_KEY] = scenario
    return st.session_state[SCENARIO_KEY]


def link_error() -> str | None:
    """The message about the link or file this session opened (refused, or opened with changes), if any."""
    return st.session_state.get(ERROR_KEY)


def trial_options(current_trials: int) -> list[int]:
    """The sidebar's trial choices, always including the scenario's own count (a link asking for 3,000 keeps 3,000)."""
    return sorted({*TRIAL_CHOICES, int(current_trials)})


def fit_for_app(scenario: Scenario) -> tuple[Scenario, str | None]:
    """The scenario as the app runs it, and what was changed (None if nothing): trials at most APP_MAX_TRIALS."""
    if scenario.trials <= APP_MAX_TRIALS:
        return scenario, None
    return scenario.replace(trials=APP_MAX_TRIALS), codec.trials_note(scenario.trials, APP_MAX_TRIALS)


def publish(scenario: Scenario) -> None:
    """Make `scenario` current and write it to the URL (only when it changed)."""
    st.session_state[SCENARIO_KEY] = scenario
    sync_url(scenario)


def sync_url(scenario: Scenario | None = None) -> None:
    scenario = scenario or current()
    text = codec.encode(scenario)
    if st.query_params.get(URL_PARAM) != text:
        st.query_params[URL_PARAM] = text


def apply_inputs(build: Callable[[], Scenario]) -> ScenarioError | None:
    """Publish the scenario a page's widgets describe, if valid and changed.

    On a ScenarioError the last valid scenario stays current (and on screen); the error is returned
    for `show_input_error`.
    """
    try:
        candidate = build()
    except ScenarioError as exc:
        return exc
    if candidate != current():
        publish(candidate)
    return None


def show_input_error(error: ScenarioError | None) -> None:
    """The inline message for an invalid input, above results that come from the last valid inputs."""
    if error is not None:
        st.error(
            f"**Fix this input:** {error.message}. The results below are from the last valid inputs.",
            icon=":material/error:",
        )


def load(scenario: Scenario) -> None:
    """Replace the scenario and reset page widgets so they show its values.

    Trials above APP_MAX_TRIALS (a stored or imported 1,000,000-trial scenario) are lowered to it, and the
    message shown above every page says so.
    """
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and WIDGET_KEY_SEPARATOR in key and not key.startswith("_"):
            del st.session_state[key]
    scenario, note = fit_for_app(scenario)
    publish(scenario)
    if note:
        st.session_state[ERROR_KEY] = f"'{escape(scenario.name)}' was opened with changes: {note}."
    else:
        st.session_state.pop(ERROR_KEY, None)


def init_widget(key: str, value: object) -> None:
    """Give a widget its starting value from the scenario, unless the user already set it.

    The value is written back on every run (before the widget is drawn): a widget that was not drawn
    for a run (the page stopped early, e.g. while waiting for an upload, or another page was open)
    comes back with its default on screen otherwise, while the script still reads the kept value; the
    pipeline page showed "Month" and answered for the quarter, then switched on the next click.
    """
    st.session_state[key] = st.session_state[key] if key in st.session_state else value
