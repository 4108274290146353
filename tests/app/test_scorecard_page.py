"""The scorecard page as a manager drives it (Streamlit AppTest)."""

from __future__ import annotations

from tests.app.conftest import no_exceptions
from ui import codec


def open_page(app):
    at = app.run()
    at.switch_page("pages/scorecard.py").run()
    no_exceptions(at)
    return at


def status_line(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def scenario_in_link(at):
    value = at.query_params["s"]
    return codec.decode(value[0] if isinstance(value, list) else value)


def test_bundled_scorecard_shows_status_attainability_and_the_synthetic_label(app):
    at = open_page(app)
    assert "Win rate" in status_line(at) and "GREEN" in status_line(at)  # median rep 80% vs 65% in Dec 2017
    assert metric(at, "Met it before").endswith("%")
    assert any("synthetic" in i.value for i in at.info)
    assert len(at.dataframe) >= 3
    assert any("missing from the CRM export" in w.value for w in at.warning)


def test_raising_the_target_turns_the_status_red_lowers_attainability_and_goes_into_the_link(app):
    at = open_page(app)
    before = metric(at, "Expected next period")
    at.number_input(key="scorecard.amber").set_value(85).run()
    at.number_input(key="scorecard.target").set_value(95).run()
    no_exceptions(at)
    assert "RED" in status_line(at)  # median rep 80% < amber 85%
    after = metric(at, "Expected next period")
    assert float(after.rstrip("%")) < float(before.rstrip("%"))
    saved = scenario_in_link(at).standards.get("win_rate", "rep")
    assert (saved.target, saved.amber) == (0.95, 0.85)


def test_overlapping_bands_get_a_message_and_keep_the_last_good_standard(app):
    at = open_page(app)
    at.number_input(key="scorecard.amber").set_value(70).run()  # amber above the 65% target
    no_exceptions(at)
    assert any("overlap" in e.value for e in at.error)
    assert "GREEN" in status_line(at)


def test_a_standard_without_its_data_says_needs(app):
    at = open_page(app)
    at.selectbox(key="scorecard.new_kpi").set_value("ramp_months").run()
    at.button(key="scorecard.add").click().run()
    no_exceptions(at)
    assert "needs: roster.start_date" in status_line(at) and "NO DATA" in status_line(at)


def test_team_standard_shows_the_simulated_chance_next_period(app):
    at = open_page(app)
    at.selectbox(key="scorecard.focus").set_value("mql_to_sql|team").run()
    no_exceptions(at)
    assert any("Chance the team meets it next period" in m.value and "%" in m.value for m in at.markdown)
