"""Hostile links and imports in the running app (Streamlit AppTest): a message, never an exception box (issue 14).

Links are made here at test time: a lone surrogate in a stage name, JSON nested 10,000 deep, Infinity trials,
3,000 trials (valid: honoured) and 2,000,000 trials (more than the app runs per view: opened with the
app's maximum and the message says exactly what changed and why). The Scenarios page import and the
standards import get the hostile JSON files and must show the problem.
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from simulate.scenario import default_scenario, default_standards
from tests.app.conftest import no_exceptions
from ui import codec, state

DEEP = 10_000


def _link(raw: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8", "surrogatepass"), 9)).decode().rstrip("=")


def _scenario_json(**raw_fields: str) -> str:
    """The default scenario (short horizon: quick runs) as JSON with some fields' values replaced by raw JSON."""
    data = default_scenario().replace(horizon_months=12).to_dict()
    data["target"]["index"] = 1
    for key in raw_fields:
        data[key] = f"@@{key}@@"
    text = json.dumps(data)
    for key, raw in raw_fields.items():
        text = text.replace(f'"@@{key}@@"', raw)
    return text


def _open(app, link: str):
    app.query_params[state.URL_PARAM] = link
    return app.run()


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_a_link_with_a_lone_surrogate_in_a_stage_name_opens_cleaned_and_says_so(app):
    data = json.loads(_scenario_json())
    data["stages"][2]["name"] = "@@NAME@@"
    at = _open(app, _link(json.dumps(data).replace('"@@NAME@@"', '"MQL \\ud800"')))
    no_exceptions(at)
    scenario = at.session_state[state.SCENARIO_KEY]
    assert scenario.stages[2].name == "MQL \ufffd"
    assert "stages[2].name" in _warnings(at) and "unpaired surrogate" in _warnings(at)
    assert at.metric, "the funnel page drew its headline"


@pytest.mark.parametrize(
    "raw,words",
    [
        ('{"a":' * DEEP + "1" + "}" * DEEP, "nested 10,000 levels"),
        (_scenario_json(trials="Infinity"), "Infinity is not a number"),
        (_scenario_json(seed="1e999"), "too large"),
        (_scenario_json(trials="9" * 5_000), "5,000 digits"),
    ],
    ids=["deep", "infinity", "1e999", "5000-digits"],
)
def test_a_hostile_link_shows_a_message_and_the_example(app, raw, words):
    at = _open(app, _link(raw))
    no_exceptions(at)
    assert "could not be opened" in _warnings(at) and words in _warnings(at)
    assert at.session_state[state.SCENARIO_KEY] == default_scenario()


def test_a_link_asking_for_3000_trials_is_honoured(app):
    scenario = default_scenario().replace(trials=3_000, seed=11, horizon_months=12)
    scenario = scenario.replace(target=scenario.target.__class__(**{**scenario.target.__dict__, "index": 1}))
    link = codec.encode(scenario)
    at = _open(app, link)
    no_exceptions(at)
    assert at.session_state[state.SCENARIO_KEY].trials == 3_000
    assert at.select_slider(key="app.trials").value == 3_000
    assert not at.warning
    assert at.query_params[state.URL_PARAM] in (link, [link])  # the link is not rewritten
    assert any("3,000 trials" in (m.help or "") for m in at.metric)


def test_a_link_asking_for_2000000_trials_opens_with_the_app_maximum_and_says_why(app):
    at = _open(app, _link(_scenario_json(trials="2000000")))
    no_exceptions(at)
    assert at.session_state[state.SCENARIO_KEY].trials == state.APP_MAX_TRIALS
    message = _warnings(at)
    assert "2,000,000 trials" in message and f"{state.APP_MAX_TRIALS:,}" in message and "shared server" in message


def _import_page(app):
    at = app.run()
    at.switch_page("pages/scenarios.py").run()
    no_exceptions(at)
    return at


@pytest.mark.parametrize(
    "payload,words",
    [
        (("[" * DEEP + "]" * DEEP).encode(), "nested 10,000 levels"),
        (_scenario_json(trials="Infinity").encode(), "Infinity is not a number"),
        (_scenario_json(seed="1" * 5_000).encode(), "5,000 digits"),
        (b"\xff\xfe\x00{", "UTF-8"),
    ],
    ids=["deep", "infinity", "5000-digits", "not-utf8"],
)
def test_scenarios_page_import_shows_the_problem(app, payload, words):
    at = _import_page(app)
    at.file_uploader(key="scenarios.upload").set_value(("hostile.json", payload, "application/json")).run()
    no_exceptions(at)
    assert any("cannot be opened" in e.value for e in at.error)
    assert any(words in m.value for m in at.markdown), [m.value for m in at.markdown][-3:]


def test_scenarios_page_import_cleans_a_name_and_says_so(app):
    at = _import_page(app)
    payload = _scenario_json(name='"Board\\u0007 plan\\ud800"').encode()
    at.file_uploader(key="scenarios.upload").set_value(("named.json", payload, "application/json")).run()
    no_exceptions(at)
    assert any("Read 'Board plan\ufffd'" in s.value for s in at.success)
    assert any("name: " in i.value and "control character" in i.value for i in at.info)


@pytest.mark.parametrize(
    "payload,words",
    [
        (("[" * DEEP + "]" * DEEP).encode(), "nested 10,000 levels"),
        (default_standards().to_json().replace("0.65", "Infinity", 1).encode(), "Infinity is not a number"),
        (default_standards().to_json().replace("0.65", "6" * 5_000, 1).encode(), "5,000 digits"),
    ],
    ids=["deep", "infinity", "5000-digits"],
)
def test_standards_import_shows_the_problem(app, payload, words):
    at = app.run()
    at.switch_page("pages/scorecard.py").run()
    no_exceptions(at)
    at.file_uploader(key="scorecard.import").set_value(("standards.json", payload, "application/json")).run()
    no_exceptions(at)
    assert any("cannot be imported" in e.value and words in e.value for e in at.error), [e.value for e in at.error]
