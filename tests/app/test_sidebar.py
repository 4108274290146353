"""The sidebar names the scenario on screen in the same run that renamed it (issue 15), and sets the currency."""

from __future__ import annotations

from tests.app.conftest import no_exceptions
from ui import state


def _sidebar_name(at) -> str:
    return next(m.value for m in at.sidebar.markdown if m.value.startswith("**Scenario:**"))


def test_save_as_new_version_renames_the_sidebar_at_once(app):
    at = app.run()
    assert _sidebar_name(at) == "**Scenario:** Base plan"
    at.switch_page("pages/scenarios.py").run()
    at.text_input(key="scenarios.save_name").set_value("Board plan")
    at.button(key="scenarios.save").click().run()
    no_exceptions(at)
    assert any("Saved 'Board plan'" in s.value for s in at.success)
    assert at.session_state[state.SCENARIO_KEY].name == "Board plan"
    assert _sidebar_name(at) == "**Scenario:** Board plan"  # not the old name until the next click


def test_the_currency_setting_changes_every_amount_and_the_link(app):
    at = app.run()
    at.selectbox(key="app.currency").set_value("GBP").run()
    no_exceptions(at)
    assert at.session_state[state.SCENARIO_KEY].currency == "GBP"
    assert next(m.value for m in at.metric if m.label == "P50 revenue").startswith("£")
    assert any("£2.00M target" in m.value for m in at.markdown)  # the headline too
