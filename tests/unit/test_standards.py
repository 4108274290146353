"""Standards: bands and statuses, validation messages, and the round trip set -> save -> reload -> Excel -> import."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from report.scorecard_xlsx import FILLS, read_standards_xlsx, write_xlsx
from simulate.scenario import Scenario, ScenarioError, Standard, StandardSet, default_scenario, default_standards


def test_status_bands_for_a_higher_is_better_kpi():
    s = Standard("win_rate", 0.60, green=0.60, amber=0.50)
    assert [s.status(v) for v in (0.70, 0.60, 0.55, 0.50, 0.49)] == ["green", "green", "amber", "amber", "red"]
    assert s.status(float("nan")) == "no data" and s.status(None) == "no data"


def test_status_bands_for_a_lower_is_better_kpi():
    s = Standard("lead_response_minutes", 30, amber=60)
    assert [s.status(v) for v in (5, 30, 45, 60, 61)] == ["green", "green", "amber", "amber", "red"]
    assert s.meets(30) and not s.meets(31)


def test_default_bands_are_the_target_and_ten_percent_short_of_it():
    s = Standard("bookings", 50_000)
    assert (s.green, s.amber) == (50_000, 45_000)
    assert Standard("cac", 500, scope="team").amber == pytest.approx(550)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(kpi="win_rate", target=0.6, amber=0.7), ["amber band starts at 70%", "green at 60%", "overlap"]),
        (dict(kpi="cac", target=500, amber=400, scope="team"), ["amber must start above green", "overlap"]),
        (dict(kpi="win_rate", target=0.6, green=0.7, amber=0.5), ["green starts at 70%", "above the target 60%"]),
        (dict(kpi="win_rate", target=1.4), ["between 0 and 1", "got 1.4"]),
        (dict(kpi="cac", target=500, scope="rep"), ["whole team only"]),
        (dict(kpi="win_rate", target=0.5, period="year"), ["day, week, month or quarter", "'year'"]),
        (dict(kpi="win rate", target=0.5), ["unknown KPI", "win_rate"]),
        (dict(kpi="bookings", target=float("nan")), ["finite number"]),
    ],
)
def test_invalid_standards_get_messages_naming_the_problem(kwargs, words):
    with pytest.raises(ScenarioError) as err:
        Standard(**kwargs)
    for word in words:
        assert word in err.value.message, err.value.message


def test_one_standard_per_kpi_and_scope():
    with pytest.raises(ScenarioError, match="two standards"):
        StandardSet((Standard("win_rate", 0.5), Standard("win_rate", 0.6)))
    both = StandardSet((Standard("bookings", 50_000), Standard("bookings", 1e6, scope="team")))
    replaced = both.with_standard(Standard("bookings", 60_000))
    assert replaced.get("bookings", "rep").target == 60_000 and len(replaced.standards) == 2
    assert replaced.without("bookings", "team").get("bookings", "team") is None


def test_attainable_share_is_checked():
    with pytest.raises(ScenarioError, match="between 0.05 and 0.95"):
        StandardSet(attainable_share=1.5)


def test_standards_round_trip_through_the_scenario_json():
    scenario = default_scenario().replace(standards=default_standards())
    again = Scenario.from_json(scenario.to_json())
    assert again == scenario and again.standards.get("win_rate", "rep").amber == 0.55


def test_standalone_file_round_trip_and_reading_a_scenario_file():
    standards = default_standards().with_standard(Standard("churn_rate", 0.015, amber=0.025, scope="team"))
    text = standards.to_json()
    assert json.loads(text)["schema_version"] == 1
    assert StandardSet.from_json(text) == standards
    scenario_text = default_scenario().replace(standards=standards).to_json()
    assert StandardSet.from_json(scenario_text) == standards


@pytest.mark.parametrize(
    "text, words",
    [
        ("{not json", ["not a valid standards JSON"]),
        ("[1, 2]", ["must be a JSON object"]),
        ('{"standards": [{"kpi": "win_rate"}]}', ["needs a 'kpi' and a 'target'"]),
        ('{"standards": [{"kpi": "win_rate", "target": 0.5, "colour": "red"}]}', ["unknown field(s): colour"]),
        ('{"schema_version": 99, "standards": []}', ["schema 99"]),
        ('{"standards": [{"kpi": "win_rate", "target": "high"}]}', ["must be a number", "'high'"]),
    ],
)
def test_bad_standards_files_get_clear_messages(text, words):
    with pytest.raises(ScenarioError) as err:
        StandardSet.from_json(text)
    for word in words:
        assert word in err.value.message


def test_set_save_reload_export_to_excel_with_matching_colours_and_import_again(tmp_path):
    from kpi.compute import Tables
    from simulate.standards.scorecard import build_scorecard
    from tests.unit.test_kpi_compute import small_opportunities

    # set
    standards = StandardSet(
        (Standard("win_rate", 0.5, amber=0.3, scope="rep"), Standard("bookings", 4000, amber=800, scope="team"))
    )
    # save and reload
    path = tmp_path / "standards.json"
    path.write_text(standards.to_json())
    reloaded = StandardSet.from_json(path.read_text())
    assert reloaded == standards
    # score and export: the export ends on 10 February, so January is the latest complete month:
    # reps' win rates 1/2 and 0/2 -> median 25% (red, below amber 30%); team bookings 1,000 (amber: 800-4,000)
    card = build_scorecard(Tables(opportunities=small_opportunities()), reloaded)
    xlsx = tmp_path / "scorecard.xlsx"
    write_xlsx(card, xlsx)
    ws = load_workbook(xlsx)["Scorecard"]
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "KPI")
    statuses = {}
    for r in range(header_row + 1, ws.max_row + 1):
        status = ws.cell(r, 9).value
        statuses[(ws.cell(r, 1).value, ws.cell(r, 2).value)] = status
        assert ws.cell(r, 9).fill.start_color.rgb.endswith(FILLS[status])
        assert ws.cell(r, 5).fill.start_color.rgb.endswith(FILLS[status])
    assert statuses == {("Win rate (opportunity -> customer)", "rep"): "red", ("Bookings", "team"): "amber"}
    reps = load_workbook(xlsx)["Reps"]
    for r in range(3, reps.max_row + 1):
        value = reps.cell(r, 2).value
        expected = reloaded.get("win_rate", "rep").status(value)
        assert reps.cell(r, 2).fill.start_color.rgb.endswith(FILLS[expected])
    # import again
    assert read_standards_xlsx(xlsx) == standards


def test_a_red_status_is_red_in_excel(tmp_path):
    from kpi.compute import Tables
    from simulate.standards.scorecard import build_scorecard
    from tests.unit.test_kpi_compute import small_opportunities

    standards = StandardSet((Standard("bookings", 20_000, amber=10_000, scope="team"),))
    card = build_scorecard(Tables(opportunities=small_opportunities()), standards)
    assert card.rows["status"].tolist() == ["red"]  # January (the latest complete month): 1,000 < 10,000
    ws = load_workbook(__import__("io").BytesIO(write_xlsx(card)))["Scorecard"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Bookings")
    assert ws.cell(row, 9).fill.start_color.rgb.endswith(FILLS["red"])


def test_workbook_without_standards_sheet_is_refused_clearly(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(ScenarioError, match="no 'Standards' sheet"):
        read_standards_xlsx(path)
    with pytest.raises(ScenarioError, match="not an Excel workbook"):
        read_standards_xlsx(b"not a zip")
