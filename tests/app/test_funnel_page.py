"""The funnel page as a user drives it (Streamlit AppTest)."""

from __future__ import annotations

from simulate.scenario import Scenario, Target
from tests.app.conftest import no_exceptions
from ui import codec


def headline(at) -> str:
    return at.markdown[0].value if at.markdown else ""


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_loads_the_example_with_a_headline(app):
    at = app.run()
    no_exceptions(at)
    assert "chance of reaching the $2.00M target" in headline(at)
    assert metric(at, "Chance of hitting the target").endswith("%")


def test_changing_volume_changes_the_headline(app):
    at = app.run()
    before = metric(at, "P50 revenue")
    at.number_input(key="funnel.level").set_value(80_000).run()
    no_exceptions(at)
    assert metric(at, "P50 revenue") != before
    assert (
        codec.decode(
            at.query_params["s"][0] if isinstance(at.query_params["s"], list) else at.query_params["s"]
        ).volume.level
        == 80_000
    )


def test_bad_input_keeps_the_last_good_result_and_says_what_to_fix(app):
    at = app.run()
    before = metric(at, "P50 revenue")
    at.number_input(key="funnel.level").set_value(-100).run()
    no_exceptions(at)
    assert any("Monthly volume must be between 0" in e.value for e in at.error)
    assert metric(at, "P50 revenue") == before
    at.number_input(key="funnel.cycle_p90").set_value(10).run()
    assert any(
        "P90 sales cycle must be longer than the median" in e.value or "Monthly volume" in e.value for e in at.error
    )


def test_a_link_reopens_its_scenario(app):
    s = Scenario(seed=77, target=Target("won_deals", 60, "quarter", 2))
    app.query_params["s"] = codec.encode(s)
    at = app.run()
    no_exceptions(at)
    assert "60 deals target" in headline(at)
    assert at.number_input(key="app.seed").value == 77


def test_a_broken_link_falls_back_with_a_message(app):
    app.query_params["s"] = "garbage"
    at = app.run()
    no_exceptions(at)
    assert any("could not be opened" in w.value for w in at.warning)


def test_median_ranges_are_inputs_that_reach_the_link_and_widen_the_revenue_range(app):
    at = app.run()
    no_exceptions(at)
    assert at.number_input(key="funnel.deal_low").value is None  # no range until the user gives one
    spread_before = metric(at, "P50 revenue")
    at.number_input(key="funnel.deal_low").set_value(12_000)
    at.number_input(key="funnel.deal_high").set_value(27_000).run()
    no_exceptions(at)
    s = codec.decode(at.query_params["s"][0] if isinstance(at.query_params["s"], list) else at.query_params["s"])
    assert (s.deal_size.median_low, s.deal_size.median_high) == (12_000, 27_000)
    assert metric(at, "P50 revenue") != spread_before
    at.number_input(key="funnel.cycle_low").set_value(100).run()  # only one end, and above the median
    assert any("median sales cycle" in e.value for e in at.error)


def test_a_link_with_ranges_reopens_them(app):
    from simulate.scenario import CycleLength

    s = Scenario(cycle=CycleLength(75, 160, median_low=60, median_high=95))
    app.query_params["s"] = codec.encode(s)
    at = app.run()
    no_exceptions(at)
    assert (at.number_input(key="funnel.cycle_low").value, at.number_input(key="funnel.cycle_high").value) == (60, 95)
