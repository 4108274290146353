"""The capacity & quota page as a user drives it (Streamlit AppTest)."""

from __future__ import annotations

import re

from simulate.scenario import Target, TeamPlan, default_scenario
from tests.app.conftest import no_exceptions
from ui import codec


def open_page(app):
    app.run()
    at = app.switch_page("pages/capacity.py").run()
    no_exceptions(at)
    return at


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def headline(at) -> str:
    return next(md.value for md in at.markdown if md.value.startswith("### "))


def link_scenario(at):
    text = at.query_params["s"]
    return codec.decode(text[0] if isinstance(text, list) else text)


def test_loads_the_example_team_with_the_quota_sentence(app):
    at = open_page(app)
    assert re.search(r"A quota of \$[\d.]+k gives 65% of reps a chance to make it; at \$120k", headline(at))
    for label in ("Reps at quota (expected)", "Chance the team makes the plan", "Quota over-assignment"):
        assert metric(at, label).endswith("%")
    assert any("Headcount for" in md.value for md in at.markdown)
    assert any("Ramp and attrition" in md.value for md in at.markdown)


def test_a_lower_quota_puts_more_reps_at_quota_and_goes_in_the_link(app):
    at = open_page(app)
    before = int(metric(at, "Reps at quota (expected)").rstrip("%"))
    at.number_input(key="capacity.quota").set_value(60_000).run()
    no_exceptions(at)
    after = int(metric(at, "Reps at quota (expected)").rstrip("%"))
    assert after > before
    assert link_scenario(at).team.quota == 60_000


def test_a_slower_ramp_lowers_the_share_at_quota(app):
    at = open_page(app)
    before = int(metric(at, "Reps at quota (expected)").rstrip("%"))
    at.text_input(key="capacity.ramp").set_value("5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90").run()
    no_exceptions(at)
    assert int(metric(at, "Reps at quota (expected)").rstrip("%")) < before
    assert link_scenario(at).team.ramp_curve[0] == 0.05


def test_a_decreasing_ramp_names_the_month_and_keeps_the_last_results(app):
    at = open_page(app)
    before = metric(at, "Reps at quota (expected)")
    at.text_input(key="capacity.ramp").set_value("20, 50, 40").run()
    no_exceptions(at)
    assert any("cannot decrease" in e.value and "month 3" in e.value for e in at.error)
    assert metric(at, "Reps at quota (expected)") == before


def test_negative_hires_and_out_of_order_tiers_are_explained(app):
    at = open_page(app)
    at.text_input(key="capacity.hires").set_value("2, -1").run()
    assert any("cannot be negative" in e.value for e in at.error)
    at.text_input(key="capacity.hires").set_value("2, 0, 2")
    at.text_input(key="capacity.accelerators").set_value("150: 15, 120: 20").run()
    no_exceptions(at)
    assert any("increasing order" in e.value for e in at.error)


def test_a_link_reopens_its_team(app):
    scenario = default_scenario()
    scenario = scenario.replace(seed=99, team=TeamPlan(quota=80_000, attrition_annual=0.35))
    app.query_params["s"] = codec.encode(scenario)
    at = open_page(app)
    assert at.number_input(key="capacity.quota").value == 80_000
    assert at.number_input(key="capacity.attrition_pct").value == 35
    assert "at $80.0k" in headline(at)


def test_a_deal_count_target_sets_quotas_in_deals(app):
    scenario = default_scenario()
    scenario = scenario.replace(target=Target("won_deals", 70, "quarter", 3), team=scenario.team.replace(quota=6))
    app.query_params["s"] = codec.encode(scenario)
    at = open_page(app)
    assert re.search(r"A quota of [\d.]+ deals gives 65% of reps a chance to make it; at 6\.0 deals", headline(at))
    assert metric(at, "Total commission (mean)").startswith("$")
