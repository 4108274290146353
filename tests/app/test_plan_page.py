"""The plan page as a user drives it (Streamlit AppTest): bundled data, calibrated inputs with sources, what-ifs,
forecast-call words, bad input as a message, opening the plan on the funnel page, saving the plan with its data."""

from __future__ import annotations

import datetime

import pytest

from tests.app.conftest import no_exceptions

PAGE = "pages/plan.py"


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


@pytest.fixture()
def page(app):
    app.run()
    app.switch_page(PAGE)
    at = app.run()
    at.date_input(key="plan.as_of").set_value(datetime.date(2017, 9, 30))
    at.slider(key="plan.months").set_value(6)
    return at.run()


def headline(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### ")).replace("\\", "")


def test_bundled_data_gives_a_plan_with_sources(page):
    at = page
    no_exceptions(at)
    assert headline(at).startswith("### Oct 2017 - Mar 2018: most likely $")
    assert "from deals already open" in headline(at)
    assert metric(at, "Commit (6 months)").startswith("$")
    assert any(
        "Commit: we book at least this in 9 in 10 futures (P10)" in c.value.replace("\\", "") for c in at.caption
    )
    inputs = at.dataframe[1].value  # quarters first, then the calibrated inputs
    assert list(inputs.columns) == ["Input", "From your data", "What-if", "Source"]
    win = inputs[inputs["Input"] == "Win rate (Opportunity -> Won)"].iloc[0]
    assert "deals closed 2017-04-01 to 2017-09-30" in win["Source"]


def test_the_plan_per_rep_on_demand(page):
    at = page
    at.toggle(key="plan.per_rep").set_value(True).run()
    no_exceptions(at)
    reps = at.dataframe[-1].value
    assert len(reps) == 30 and list(reps.columns[:3]) == [
        "Rep",
        "From their open deals (mean)",
        "From new deals (mean)",
    ]


def test_a_what_if_moves_the_plan_and_the_link(page):
    at = page
    before = metric(at, "Most likely")
    win = next(n for n in at.number_input if n.key.endswith(".win_rate"))
    win.set_value(80.0).run()
    no_exceptions(at)
    assert metric(at, "Most likely") != before
    inputs = at.dataframe[1].value
    assert inputs.loc[inputs["Input"] == "Win rate (Opportunity -> Won)", "What-if"].iloc[0] == "80.0%"


def test_a_link_keeps_the_what_if(page, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP, TIMEOUT

    at = page
    next(n for n in at.number_input if n.key.endswith(".deal_median")).set_value(1500.0).run()
    link = at.query_params["s"]
    link = link[0] if isinstance(link, list) else link
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.query_params["s"] = link
    fresh.run()
    fresh.switch_page(PAGE)
    fresh.run()
    no_exceptions(fresh)
    assert fresh.date_input(key="plan.as_of").value == datetime.date(2017, 9, 30)
    inputs = fresh.dataframe[1].value
    assert inputs.loc[inputs["Input"] == "Deal size median", "What-if"].iloc[0] == "1,500"


def test_volume_from_the_forecast_with_its_verdict(page):
    at = page
    at.radio(key="plan.volume").set_value("forecast").run()
    no_exceptions(at)
    assert any(c.value.startswith("Volume forecast:") for c in at.caption)
    inputs = at.dataframe[1].value
    assert "Opportunities created: forecast" in set(inputs["Input"])


def test_forecast_call_words_are_configurable(page):
    at = page
    at.text_input(key="plan.w.commit").set_value("Floor")
    at.selectbox(key="plan.w.commit_chance").set_value(0.8).run()
    no_exceptions(at)
    assert metric(at, "Floor (6 months)").startswith("$")
    assert any("Floor: we book at least this in 8 in 10 futures (P20)" in c.value.replace("\\", "") for c in at.caption)


def test_as_of_before_enough_history_is_a_message_not_a_traceback(app):
    app.run()
    app.switch_page(PAGE)
    at = app.run()
    at.date_input(key="plan.as_of").set_value(datetime.date(2016, 10, 25)).run()
    no_exceptions(at)
    assert any("Cannot calibrate" in e.value for e in at.error)


def test_open_on_the_funnel_page_carries_the_calibrated_scenario(page):
    at = page
    at.button(key="plan.go.pages/funnel.py").click().run()
    no_exceptions(at)
    scenario = at.session_state["_scenario"]
    assert scenario.name == "Plan from the bundled example as of 2017-09-30"
    assert scenario.stage_names == ["Opportunity", "Won"] and scenario.start_month == "2017-10"


@pytest.mark.parametrize("path", ["pages/capacity.py", "pages/unit_economics.py"])
def test_capacity_and_unit_economics_open_on_the_calibrated_scenario(page, path):
    at = page
    at.button(key=f"plan.go.{path}").click().run()
    no_exceptions(at)
    scenario = at.session_state["_scenario"]
    assert scenario.name == "Plan from the bundled example as of 2017-09-30"
    assert sum(g.count for g in scenario.team.current_reps) == 30  # the owners of the export
    assert not at.error


def test_saving_keeps_the_data_and_reopening_uses_it(page):
    at = page
    at.button(key="FormSubmitter:plan.save_form-Save the plan with its data").click().run()
    no_exceptions(at)
    assert any("Saved 'Plan from the bundled example as of 2017-09-30' version 1" in s.value for s in at.success)
    assert at.session_state["_store_opened"]["version"] == 1
    # reopen it from the sidebar: the page opens on the data saved with it, as of the saved date
    at.date_input(key="plan.as_of").set_value(datetime.date(2017, 6, 30)).run()
    at.selectbox(key="store_panel.pick").set_value(1).run()
    at.button(key="store_panel.open").click().run()
    no_exceptions(at)
    assert at.radio(key="plan.source").value == "Data saved with this plan"
    assert at.date_input(key="plan.as_of").value == datetime.date(2017, 9, 30)


def test_a_plan_saved_with_an_upload_reopens_its_file(app, tmp_path):
    """A plan saved with a CRM file (content-addressed in the store) reopens that file, not the example."""
    import crm
    from simulate.plan import calibrate_plan
    from store import ScenarioStore

    lines = crm.BUNDLED_PIPELINE.read_text(encoding="utf-8").splitlines()
    content = ("\n".join(lines[:4001]) + "\n").encode()  # the first 4,000 deals: another file than the example
    cal = calibrate_plan(crm.load_opportunities(content).opportunities, "2017-06-30")
    store = ScenarioStore(str(tmp_path / "scenarios.db"))
    digest = store.put_dataset(content, filename="my_crm.csv", kind="crm")
    scenario = cal.scenario.replace(name="Plan from my_crm.csv as of 2017-06-30")
    extras = {"plan": {"as_of": "2017-06-30", "months": 6, "label": "my_crm.csv"}}
    store.save(scenario, extras=extras, datasets={"crm": digest})
    assert store.put_dataset(content, filename="again.csv", kind="crm") == digest  # kept once per content
    app.run()
    app.switch_page(PAGE)
    at = app.run()
    at.selectbox(key="store_panel.pick").set_value(1).run()
    at.button(key="store_panel.open").click().run()
    no_exceptions(at)
    assert at.radio(key="plan.source").value == "Data saved with this plan"
    assert any("Opened with the plan: my_crm.csv" in c.value.replace("\\", "") for c in at.caption)
    assert at.date_input(key="plan.as_of").value == datetime.date(2017, 6, 30)
    assert not any("link does not carry" in i.value for i in at.info)
    # the same scenario through a link, without the data: the page says so
    at.radio(key="plan.source").set_value("Bundled example").run()
    assert any("which a link does not carry" in i.value for i in at.info)
