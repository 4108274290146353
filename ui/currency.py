"""The currency every money figure is shown in: the sidebar setting, and adopting the one a CRM file names.

The code lives in the scenario (`Scenario.currency`, so links, the store and exports carry it); app.py calls
`apply()` at the start of every run so kpi.wording.money formats in it, and `sidebar_setting()` draws the
picker. A page that reads a file whose amount column states a currency ("Amount EUR") calls
`adopt_from_column()`; the picker then shows the new code.
"""

from __future__ import annotations

import streamlit as st

from kpi.currency import COMMON_CURRENCIES, currency_from_column, label
from kpi.wording import current_currency, use_currency
from simulate.scenario import Scenario, ScenarioError
from ui import state
from ui.render import escape

KEY = "app.currency"
_SHOWN = "_currency_shown"  # the scenario currency the picker was last set from
_ADOPTED = "_currency_adopted"  # files (by key) whose column name already set the currency


def apply(scenario: Scenario) -> None:
    use_currency(scenario.currency)


def sidebar_setting(scenario: Scenario) -> None:
    """A currency picker; picking publishes the scenario with the new code."""
    options = list(COMMON_CURRENCIES)
    if scenario.currency not in options:
        options.append(scenario.currency)  # a link or file with another ISO code
    if st.session_state.get(_SHOWN) != scenario.currency or KEY not in st.session_state:
        st.session_state[KEY] = scenario.currency  # the scenario changed (loaded, or a file named its currency)
        st.session_state[_SHOWN] = scenario.currency
    else:
        state.init_widget(KEY, scenario.currency)
    code = st.selectbox(
        "Currency",
        options,
        key=KEY,
        format_func=label,
        help="Every amount on every page and in the exports is shown in this currency. Amounts are not converted: "
        "enter targets and deal sizes in it. A CRM file whose amount column names a currency (e.g. 'Amount EUR') sets it.",
    )
    if code != scenario.currency:
        try:
            state.publish(scenario.replace(currency=code))
        except ScenarioError as exc:
            st.error(exc.message)
            return
        st.session_state[_SHOWN] = code
        use_currency(code)


def adopt_from_column(file_key: str, column: str | None) -> str | None:
    """If the amount column's name states a currency, make it the scenario's (once per file); a sentence saying so.

    Returns the sentence to show under the import summary, or None when the name says nothing.
    """
    code = currency_from_column(column)
    if code is None:
        return None
    adopted = st.session_state.setdefault(_ADOPTED, {})
    scenario = state.current()
    if file_key not in adopted:
        adopted[file_key] = code
        if code != scenario.currency:
            try:
                state.publish(scenario.replace(currency=code))
            except ScenarioError:
                return None
            use_currency(code)
            st.rerun()  # redraw the sidebar picker and every figure in the new currency
    if current_currency() == code:
        return f"Amounts in **{label(code)}**, as the column name '{escape(column)}' says (change it under Currency in the sidebar)."
    return f"The column '{escape(column)}' says {code}; amounts are shown in {current_currency()} as set in the sidebar."
