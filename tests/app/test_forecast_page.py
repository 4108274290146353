"""The forecast page in AppTest: example histories, model choice, and the hand-off to the funnel."""

from __future__ import annotations

from tests.app.conftest import no_exceptions


def _open(app):
    app.run()
    app.switch_page("pages/forecast.py").run()
    no_exceptions(app)
    return app


def _verdict(app) -> str:
    return " ".join(m.value for m in app.markdown if "range held" in m.value)


def test_crm_example_shows_forecast_verdict_and_backtest(app):
    at = _open(app)
    # bookings: what a leader books (opportunities created is cut short in the export's last months)
    assert at.selectbox(key="forecast.metric").value == "bookings"
    assert any(m.value.startswith("### Next 12 months: about ") and "8 in 10 chance between" in m.value for m in at.markdown)
    assert "range held" in _verdict(at) and "times in 10" in _verdict(at)
    # the CRM history is 10-15 months: seasonal models are skipped, and the page says so
    said = [m.value for m in [*at.info, *at.warning] if "seasonal models skipped" in m.value]
    assert len(said) == 1, said  # said once, not twice
    table = at.dataframe[0].value  # the backtest table comes first
    assert (
        "Seasonal naive" in " ".join(table["Model"]) and (table["Model"].str.contains("(used)", regex=False)).sum() == 1
    )


def test_sample_history_with_a_chosen_model(app):
    at = _open(app)
    at.radio(key="forecast.example").set_value("sample").run()
    at.selectbox(key="forecast.metric").set_value("leads").run()
    at.selectbox(key="forecast.model").set_value("theta").run()
    no_exceptions(at)
    assert "Theta" in " ".join(c.value for c in at.caption)
    assert not any("seasonal models skipped" in i.value for i in at.info)


def test_button_sends_forecast_paths_to_the_funnel_scenario(app):
    at = _open(app)
    at.radio(key="forecast.example").set_value("sample").run()
    at.selectbox(key="forecast.metric").set_value("visitors").run()
    at.button(key="forecast.to_funnel").click().run()
    no_exceptions(at)
    scenario = at.session_state["_scenario"]
    paths = scenario.volume.forecast_paths
    assert paths is not None and len(paths) >= scenario.horizon_months and len(paths[0]) == 200
    assert scenario.start_month == "2026-01"
    assert "visitors forecast" in scenario.volume.forecast_label
    assert any("funnel now uses this forecast" in s.value for s in at.success)


def test_rejected_model_is_explained_on_the_page(app, monkeypatch):
    import numpy as np

    from forecast import auto
    from forecast import distributions as dist
    from forecast.models import FittedModel

    class Exploding:
        def fit(self, y):
            return FittedModel(
                "ets", "ETS(M,Ad,M)", y, lambda h: np.full(h, 1e13), lambda h: dist.normal(np.full(h, 1e13), np.ones(h))
            )

    real = auto._single_model
    monkeypatch.setattr(auto, "_single_model", lambda name: Exploding() if name == "ets" else real(name))
    at = _open(app)
    at.radio(key="forecast.example").set_value("sample").run()
    at.slider(key="forecast.h").set_value(7).run()  # a horizon no other test caches
    no_exceptions(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "were rejected" in warnings and "10x the largest value" in warnings
