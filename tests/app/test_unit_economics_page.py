"""The unit-economics page loads with the bundled example, and its inputs drive the headline."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")

pytestmark = pytest.mark.app


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/unit_economics.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_page_loads_with_headline_metrics_and_verdicts():
    at = _page()
    labels = {m.label for m in at.metric}
    assert {"LTV:CAC", "Payback", "CAC", "LTV", "Customers / mo"} <= labels
    assert any("worth" in md.value for md in at.markdown)


def test_higher_arpa_raises_ltv_to_cac():
    at = _page()
    before = float(_metric(at, "LTV:CAC").rstrip("x"))
    at.number_input(key="economics.arpa_high").set_value(2_600.0)
    at.number_input(key="economics.arpa_low").set_value(1_600.0).run()
    assert not at.exception
    after = float(_metric(at, "LTV:CAC").rstrip("x"))
    assert after > before * 1.5


def test_simple_formula_shows_the_overstatement_warning():
    at = _page()
    at.radio(key="economics.method").set_value("simple").run()
    assert not at.exception
    assert any("overstated" in w.value for w in at.warning)


def test_an_impossible_input_names_the_fix_and_keeps_the_last_results():
    at = _page()
    at.number_input(key="economics.arpa_low").set_value(5_000.0).run()
    assert any("ARPA high must be at least ARPA low" in e.value for e in at.error)
    assert _metric(at, "LTV:CAC")


def test_team_plan_commission_button_sets_the_rate():
    from simulate.scenario import Scenario, default_team
    from ui import codec

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["s"] = codec.encode(Scenario(team=default_team()))
    at.run()
    at.switch_page("pages/unit_economics.py").run()
    assert not at.exception
    at.button(key="economics.use_team").click().run()
    assert not at.exception
    assert at.number_input(key="economics.commission_pct").value != 10.0


def test_repeat_purchase_method_values_customers_with_bgnbd():
    at = _page()
    before = _metric(at, "LTV")
    at.radio(key="economics.method").set_value("repeat").run()
    assert not at.exception
    assert _metric(at, "LTV") != before
    assert at.number_input(key="economics.repeat_r").value == 0.243


def test_fitting_the_bundled_retention_table_sets_alpha_and_beta():
    # The bundled cohort table was generated from alpha = 0.9, beta = 18 (rounded to whole customers).
    at = _page()
    at.number_input(key="economics.alpha").set_value(2.0)
    at.number_input(key="economics.beta").set_value(2.0).run()
    at.button(key="economics.fit_retention").click().run()
    assert not at.exception
    assert at.number_input(key="economics.alpha").value == pytest.approx(0.9, rel=0.15)
    assert at.number_input(key="economics.beta").value == pytest.approx(18.0, rel=0.15)
    assert any("Fitted: alpha" in i.value for i in at.info)
