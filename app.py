"""Funnelcast: sales & marketing planning and forecasting. Entry point: `streamlit run app.py`.

Sets the page, draws the shared sidebar (scenario name, trials, seed) and routes to pages/.
"""

from __future__ import annotations

import streamlit as st

from forecast.threads import limit_blas_threads
from simulate.scenario import ScenarioError
from ui import auth, currency, state, store_panel, style
from ui.entry import inside_app
from ui.render import escape

limit_blas_threads()  # statsmodels' many small fits run far slower with a BLAS thread pool on 2 cores
st.set_page_config(page_title="Funnelcast - sales & marketing planning", page_icon=":material/insights:", layout="wide")
auth.require_sign_in()  # with [auth] in secrets.toml: signed-out visitors see only the sign-in screen

# Pages by section: (file, title, icon). Add yours here.
SECTIONS = {
    "Plan": [
        ("pages/funnel.py", "Funnel what-if", ":material/filter_alt:"),
        ("pages/plan.py", "Plan from your data", ":material/database:"),
        ("pages/capacity.py", "Capacity & quota", ":material/groups:"),
        ("pages/unit_economics.py", "Unit economics", ":material/payments:"),
    ],
    "Forecast": [
        ("pages/forecast.py", "Forecast from history", ":material/timeline:"),
        ("pages/pipeline.py", "Will we make the quarter?", ":material/request_quote:"),
    ],
    "Manage": [
        ("pages/scorecard.py", "Performance standards", ":material/scoreboard:"),
    ],
    "Decide & present": [
        ("pages/scenarios.py", "Scenarios & compare", ":material/compare_arrows:"),
        ("pages/sensitivity.py", "Which lever matters?", ":material/tune:"),
        ("pages/present.py", "Present", ":material/co_present:"),
    ],
}
PAGES = [page for pages in SECTIONS.values() for page in pages]


def sidebar() -> None:
    """Settings every page shares: they are part of the scenario, so they are in the link too."""
    scenario = state.current()
    with st.sidebar:
        NAME_SLOT.markdown(f"**Scenario:** {escape(scenario.name)}")
        state.init_widget("app.trials", scenario.trials)
        state.init_widget("app.seed", scenario.seed)
        trials = st.select_slider(
            "Trials",
            options=state.trial_options(scenario.trials),  # a link's own count (e.g. 3,000) is kept
            key="app.trials",
            help="How many simulated futures. More trials = smoother numbers, slower updates. 10,000 is plenty for decisions.",
        )
        seed = st.number_input(
            "Seed",
            min_value=0,
            max_value=2**32 - 1,
            step=1,
            key="app.seed",
            help="Fixes the random numbers: the same scenario and seed always give the same results.",
        )
        if (trials, seed) != (scenario.trials, scenario.seed):
            try:
                state.publish(scenario.replace(trials=int(trials), seed=int(seed)))
            except ScenarioError as exc:
                st.error(exc.message)
        currency.sidebar_setting(state.current())
        st.caption("The address bar holds the whole scenario and seed: copy it to share these exact numbers.")
        store_panel.scenario_picker()


state.current()  # read the link (if any) before anything is drawn
if state.link_error():
    st.warning(state.link_error())  # app text; the names it quotes are escaped where it is written (ui.state)
navigation = st.navigation(
    {
        section: [st.Page(path, title=title, icon=icon) for path, title, icon in pages]
        for section, pages in SECTIONS.items()
    }
)
style.apply()  # metric labels wrap instead of being cut
NAME_SLOT = st.sidebar.empty()  # filled again after the page ran: a page may save the scenario under a new name
currency.apply(state.current())
sidebar()
with inside_app():
    try:
        navigation.run()
    finally:
        NAME_SLOT.markdown(f"**Scenario:** {escape(state.current().name)}")
state.sync_url()
