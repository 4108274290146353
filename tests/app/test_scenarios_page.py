"""Scenarios, sensitivity and presentation pages as a user drives them (Streamlit AppTest)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kpi.wording import money, percent
from simulate.funnel import engine, summary
from simulate.scenario import default_scenario
from store import ScenarioStore
from tests.app.conftest import APP, TIMEOUT, no_exceptions
from ui import state


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_saved_scenario_reopens_with_the_same_numbers_on_the_funnel_page(app, tmp_path):
    at = app.run()
    before = metric(at, "P50 revenue")
    at.switch_page("pages/scenarios.py").run()
    no_exceptions(at)
    at.text_input(key="scenarios.save_name").set_value("Board plan")
    at.button(key="scenarios.save").click().run()
    no_exceptions(at)
    assert any("Saved 'Board plan' (version 1)" in s.value for s in at.success)
    # change the plan (seed and volume): other numbers on the funnel page
    changed = default_scenario().replace(name="Board plan", seed=7)
    at.session_state[state.SCENARIO_KEY] = changed.replace(volume=changed.volume.__class__(level=60_000.0))
    at.switch_page("pages/funnel.py").run()
    assert metric(at, "P50 revenue") != before
    # reopen the saved version: seed and numbers come back
    at.switch_page("pages/scenarios.py").run()
    at.selectbox(key="scenarios.pick").set_value(ScenarioStore(tmp_path / "scenarios.db").info("Board plan").id)
    at.button(key="scenarios.open").click().run()
    no_exceptions(at)
    at.switch_page("pages/funnel.py").run()
    assert at.session_state[state.SCENARIO_KEY] == default_scenario().replace(name="Board plan")
    assert metric(at, "P50 revenue") == before
    assert ScenarioStore(tmp_path / "scenarios.db").names() == ["Board plan"]


def test_versions_rename_copy_and_delete(app, tmp_path):
    store = ScenarioStore(tmp_path / "scenarios.db")
    store.save(default_scenario().replace(name="Base"))
    store.save(default_scenario().replace(name="Base", seed=9), note="new seed")
    at = app.run()
    at.switch_page("pages/scenarios.py").run()
    assert at.selectbox(key="scenarios.version").options[0].startswith("v2")
    at.text_input(key="scenarios.new_name").set_value("Base 2027")
    at.button(key="scenarios.copy").click().run()
    no_exceptions(at)
    assert sorted(store.names()) == ["Base", "Base 2027"]
    at.selectbox(key="scenarios.pick").set_value(store.info("Base").id).run()
    at.text_input(key="scenarios.new_name").set_value("base 2027")
    at.button(key="scenarios.rename").click().run()
    assert any("already exists" in e.value for e in at.error)
    at.checkbox(key="scenarios.delete_sure").check().run()
    at.button(key="scenarios.delete").click().run()
    no_exceptions(at)
    assert store.names() == ["Base 2027"]


def test_compare_the_current_plan_with_a_saved_variant(app, tmp_path):
    base = default_scenario()
    ScenarioStore(tmp_path / "scenarios.db").save(
        base.replace(name="<b>Hire 5</b>", deal_size=base.deal_size.__class__(20_000.0, 45_000.0))
    )
    at = app.run()
    at.switch_page("pages/scenarios.py").run()
    at.multiselect(key="scenarios.compare").select(
        ScenarioStore(tmp_path / "scenarios.db").info("<b>Hire 5</b>").id
    ).run()
    no_exceptions(at)
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["A: Base plan", "B: <b>Hire 5</b>"]
    a = summary.funnel_summary(engine.run(base))
    assert metric(at, "A: Base plan") == money(a.revenue.p50)
    frames = [df.value for df in at.dataframe]
    inputs = frames[-1]
    assert "Deal size" in inputs.index


def test_sensitivity_page_names_the_biggest_lever_and_goal_seeks(app):
    at = app.run()
    at.switch_page("pages/sensitivity.py").run()
    no_exceptions(at)
    assert any("matters most" in m.value for m in at.markdown)
    at.selectbox(key="sensitivity.lever").set_value("conversion:2").run()
    no_exceptions(at)
    assert any("MQL -> SQL conversion must be" in s.value for s in at.success)
    at.slider(key="sensitivity.confidence").set_value(95).run()
    no_exceptions(at)


def test_present_page_shows_the_numbers_and_no_editing_widgets(app):
    at = app.run()
    at.switch_page("pages/present.py").run()
    no_exceptions(at)
    head = summary.funnel_summary(engine.run(default_scenario()))
    texts = " ".join(m.value for m in at.main.markdown)
    assert f"# {money(head.revenue.p50)}" in texts and f"# {percent(head.hit.p)}" in texts
    assert head.sentence in texts
    main = at.main
    for kind in ("number_input", "text_input", "selectbox", "slider", "button", "checkbox", "multiselect", "text_area"):
        assert len(getattr(main, kind)) == 0, kind


def test_sidebar_picker_opens_a_saved_scenario(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNNELCAST_DATA_DIR", str(tmp_path))
    ScenarioStore(tmp_path / "scenarios.db").save(default_scenario().replace(name="Saved", seed=42))

    def script():
        import streamlit as st

        from ui import state, store_panel

        with st.sidebar:
            store_panel.scenario_picker()
        st.write(f"seed={state.current().seed}")

    at = AppTest.from_function(script, default_timeout=TIMEOUT).run()
    no_exceptions(at)
    at.sidebar.selectbox(key="store_panel.pick").set_value(
        ScenarioStore(tmp_path / "scenarios.db").info("Saved").id
    ).run()
    at.sidebar.button(key="store_panel.open").click().run()
    no_exceptions(at)
    assert any("seed=42" in m.value for m in at.markdown)


def test_a_foreign_store_file_gives_a_message_and_the_page_still_works(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNNELCAST_DATA_DIR", str(tmp_path))
    (tmp_path / "scenarios.db").write_bytes(b"not a database")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/scenarios.py").run()
    no_exceptions(at)
    assert any("not an SQLite database" in e.value for e in at.error)
    assert (tmp_path / "scenarios.db").read_bytes() == b"not a database"


def test_a_version_from_a_newer_app_gives_a_message_not_a_traceback(app, tmp_path):
    import json
    import sqlite3

    store = ScenarioStore(tmp_path / "scenarios.db")
    store.save(default_scenario().replace(name="Future"))
    data = json.loads(default_scenario().replace(name="Future").to_json())
    data["schema_version"] = 99
    conn = sqlite3.connect(tmp_path / "scenarios.db")
    conn.execute("UPDATE versions SET scenario_json = ?", (json.dumps(data),))
    conn.commit()
    conn.close()
    at = app.run()
    at.switch_page("pages/scenarios.py").run()
    at.button(key="scenarios.open").click().run()
    no_exceptions(at)
    assert any("cannot be opened by this app" in e.value and "schema 99" in e.value for e in at.error)
    at.multiselect(key="scenarios.compare").select(store.info("Future").id).run()
    no_exceptions(at)
    assert any("cannot be opened by this app" in e.value for e in at.error)
