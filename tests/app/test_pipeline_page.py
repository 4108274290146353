"""The pipeline forecast page as a user drives it (Streamlit AppTest): bundled data, target, what-if, upload errors."""

from __future__ import annotations

import pytest

from tests.app.conftest import no_exceptions

PAGE = "pages/pipeline.py"


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture()
def page(app):
    app.run()
    app.switch_page(PAGE)
    return app


def test_bundled_export_gives_a_forecast_with_the_backtest(page):
    at = page.run()
    no_exceptions(at)
    assert any("Imported **8,800** of 8,800 rows" in m.value for m in at.markdown)
    assert metric(at, "P50 bookings").startswith("$")
    # the backtest replays history only when its tab is opened (lazy tab)
    assert not any("P10-P90 range held the actual bookings" in m.value for m in at.markdown)
    at.session_state["pipeline.tab"] = "Calibration and backtest"
    at.run()
    no_exceptions(at)
    assert any("P10-P90 range held the actual bookings" in m.value for m in at.markdown)
    assert any("Q1 2018" in m.value for m in at.markdown)  # as of the export date, the next quarter


def test_target_gives_a_chance_and_coverage(page):
    at = page.run()
    at.number_input(key="pipeline.target").set_value(1_000_000).run()
    no_exceptions(at)
    assert metric(at, "Chance of the target").endswith("%")
    assert metric(at, "Pipeline coverage").endswith("x")
    assert any("chance of booking the $1.00M target" in m.value for m in at.markdown)


def test_earlier_as_of_and_month_period(page):
    import datetime

    at = page.run()
    at.date_input(key="pipeline.as_of").set_value(datetime.date(2017, 6, 30)).run()
    at.radio(key="pipeline.period").set_value("month").run()
    no_exceptions(at)
    assert any("Jul 2017" in m.value for m in at.markdown)


def test_losing_the_biggest_deal_lowers_the_forecast(page):
    at = page.run()
    before = metric(at, "From existing pipeline")
    box = at.multiselect(key="pipeline.lost_pick")
    box.select(box.options[0].split(" - ")[0]).run()  # options show labels; the value is the deal id
    no_exceptions(at)
    assert any(m.value.startswith("Losing 1 deal(s) moves P50 bookings") for m in at.markdown)
    assert metric(at, "From existing pipeline") != before


def test_upload_mode_asks_for_a_file(page):
    at = page.run()
    at.radio(key="pipeline.source").set_value("Upload a CRM export").run()
    no_exceptions(at)
    assert any("Upload an export" in i.value for i in at.info)


def _shown(widget) -> str:
    """The option label the browser draws: the value the server sent, else the widget's default."""
    proto = widget.proto
    return proto.raw_value if proto.set_value else proto.options[proto.default]


def test_period_stays_quarter_after_the_page_waited_for_an_upload(page):
    """Regression (issue 15): after the page stopped early for an upload, Period came back drawn as Month
    (the radio's default) while the forecast was still for the quarter, and the next click made it Month."""
    at = page.run()
    assert _shown(at.radio(key="pipeline.period")) == "Quarter"
    segment = _shown(at.selectbox(key="pipeline.segment"))
    at.radio(key="pipeline.source").set_value("Upload a CRM export").run()  # stops before the inputs
    at.radio(key="pipeline.source").set_value("Bundled example").run()
    no_exceptions(at)
    assert at.radio(key="pipeline.period").value == "quarter"
    assert _shown(at.radio(key="pipeline.period")) == "Quarter"
    assert _shown(at.selectbox(key="pipeline.segment")) == segment
    assert any("Q1 2018" in m.value for m in at.markdown)


def test_after_uploading_a_file_period_is_still_the_quarter_and_amounts_follow_its_currency(page):
    """Issue 15 journey: upload a European export whose amount column is 'Amount EUR'. Period stays Quarter on
    screen and in the answer, and money is shown in euros (the column name says so)."""
    from pathlib import Path

    data = (Path(__file__).parents[1] / "fixtures" / "crm" / "european_export.csv").read_bytes()
    at = page.run()
    at.radio(key="pipeline.source").set_value("Upload a CRM export").run()
    at.file_uploader(key="pipeline.upload").upload("export.csv", data.replace(b";Amount;", b";Amount EUR;", 1), "text/csv")
    at.run()
    no_exceptions(at)
    assert _shown(at.radio(key="pipeline.period")) == "Quarter"
    assert at.radio(key="pipeline.period").value == "quarter"
    headline = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert headline.startswith("### Q") and "€" in headline and "$" not in headline, headline
    assert at.session_state["_scenario"].currency == "EUR"
