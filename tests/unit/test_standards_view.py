"""What the scorecard page shows, checked against a small CRM table whose numbers are counted by hand,
and a standard typed into input boxes (shares in %) coming back as the same standard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi.catalogue import CATALOGUE
from kpi.compute import Tables
from simulate.scenario import ScenarioError, Standard, StandardSet, default_standards
from simulate.standards import (
    STATUSES,
    added_standards,
    build_scorecard,
    build_scorecard_view,
    edited_standards,
    focus_labels,
    split_focus,
    standard_inputs,
    uploaded_tables,
)

ROOT = Path(__file__).resolve().parents[2]
WIN_RATE = "Win rate (opportunity -> customer)"


def opportunities() -> pd.DataFrame:
    """January is complete; the export ends on 10 February, so February is not scored.

    January by rep: Ann won 2 of 3 (2/3), Bob 0 of 2 (0), Cy 1 of 2 (1/2): the median rep is at 1/2, the
    team at 3/7; January bookings 1,000 + 3,000 + 2,000 = 6,000 (Bob's 5,000 in February does not count).
    """
    rows = [  # owner, status, amount, created, closed
        ("Ann", "won", 1000.0, "2017-01-02", "2017-01-10"),
        ("Ann", "won", 3000.0, "2017-01-03", "2017-01-20"),
        ("Ann", "lost", 0.0, "2017-01-04", "2017-01-25"),
        ("Bob", "lost", 0.0, "2017-01-05", "2017-01-12"),
        ("Bob", "lost", 0.0, "2017-01-06", "2017-01-18"),
        ("Cy", "won", 2000.0, "2017-01-09", "2017-01-24"),
        ("Cy", "lost", 0.0, "2017-01-10", "2017-01-26"),
        ("Bob", "won", 5000.0, "2017-02-01", "2017-02-08"),
        ("Cy", "open", np.nan, "2017-02-10", None),
    ]
    frame = pd.DataFrame(rows, columns=["owner", "status", "amount", "created_date", "close_date"])
    frame.insert(0, "opportunity_id", [f"o{k}" for k in range(len(frame))])
    frame["created_date"] = pd.to_datetime(frame["created_date"])
    frame["close_date"] = pd.to_datetime(frame["close_date"])
    return frame


STANDARDS = StandardSet(
    (
        Standard("win_rate", 0.45, amber=0.30),  # per rep: Ann and Cy meet it, Bob is red
        Standard("bookings", 5_000, amber=4_000, scope="team"),  # 6,000: green
        Standard("lead_response_minutes", 30, amber=60),  # needs an activity log: no data
    )
)


@pytest.fixture(scope="module")
def card():
    return build_scorecard(Tables(opportunities=opportunities()), STANDARDS)


def view_of(card, focus: str, share: int = 65, notes=()):
    return build_scorecard_view(card, focus, share=share, label="In focus", notes=notes)


# --- the standard in focus ----------------------------------------------------------------------------
def test_a_per_rep_standard_shows_the_median_rep_and_how_many_reps_met_it(card):
    focus = view_of(card, "win_rate|rep").focus
    assert focus.status == "green"  # median rep 1/2 >= 45%
    assert focus.headline == "In focus: 50.0% (median rep, 2017-01)"
    assert focus.attain is not None and focus.team_chance is None and focus.warning is None
    met_before, expected, level = focus.attain.metrics
    assert (met_before.label, expected.label, level.label) == (
        "Met it before",
        "Expected next period",
        "Level 65% can meet",
    )
    assert met_before.value == "66.7%"  # 2 of the 3 rep-periods in the window met 45%
    assert "(3 rep-periods, 3 reps)" in met_before.help
    assert "In 2017-01, 2 of 3 reps met it." in focus.attain.verdict
    assert "(goal: 65% of reps)" in focus.attain.verdict


def test_the_attainability_chart_colours_each_rep_by_the_standard(card):
    chart = view_of(card, "win_rate|rep").focus.attain.chart
    standard = STANDARDS.get("win_rate", "rep")
    assert dict(zip(chart.per_rep["rep"], chart.status, strict=True)) == {"Ann": "green", "Bob": "red", "Cy": "green"}
    assert [standard.status(v) for v in chart.per_rep["value"]] == list(chart.status)
    assert (chart.target, chart.unit) == (0.45, "share")
    assert chart.title == f"{WIN_RATE} by rep (last 6 periods)"


def test_a_team_standard_shows_the_chance_next_period_or_why_there_is_none(card):
    focus = view_of(card, "bookings|team").focus
    assert focus.status == "green" and focus.headline == "In focus: $6.00k (team, 2017-01)"
    assert focus.attain is None and focus.warning is None
    assert focus.team_chance.startswith("**Chance the team meets it next period**")
    assert focus.team_chance.endswith(": no scenario run")  # the card was built without a scenario run


def test_a_standard_without_its_data_says_what_it_needs(card):
    focus = view_of(card, "lead_response_minutes|rep").focus
    assert focus.status == "no data" and focus.attain is None and focus.team_chance is None
    assert focus.warning.startswith("needs: activities.")
    assert f"In focus: {focus.warning}" in focus.headline


# --- tables ------------------------------------------------------------------------------------------
def test_status_counts_cover_every_standard_in_a_fixed_order(card):
    counts = view_of(card, "win_rate|rep").counts
    assert list(counts) == list(STATUSES)
    assert counts == {"green": 2, "amber": 0, "red": 0, "no data": 1}
    assert sum(counts.values()) == len(STANDARDS.standards)


def test_scorecard_table_has_one_row_per_standard_in_words(card):
    table = view_of(card, "win_rate|rep", share=80).table
    assert list(table["KPI"]) == [WIN_RATE, "Bookings", "Average lead response time"]
    assert list(table["Status"]) == ["green", "green", "no data"]
    assert list(table["Reps meeting"]) == ["2 of 3", "", ""]
    assert list(table["Actual"][:2]) == ["50.0%", "$6.00k"]
    assert table["Actual"][2].startswith("needs:")
    assert "Level 80% can meet" in table.columns and "Level 65% can meet" not in table.columns
    assert table["Trend"][0] == pytest.approx([3 / 7])  # the team's win rate in January
    assert table["Trend"][1] == pytest.approx([6_000.0]) and table["Trend"][2] == []


def test_reps_table_keeps_numbers_and_gives_each_rep_their_own_chance(card):
    reps = view_of(card, "win_rate|rep").reps
    by_rep = reps.frame.set_index("Rep")
    assert by_rep[WIN_RATE].to_dict() == pytest.approx({"Ann": 2 / 3, "Bob": 0.0, "Cy": 0.5})
    assert by_rep["Reds"].to_dict() == {"Ann": 0, "Bob": 1, "Cy": 0}
    # the chance column is matched by rep name, although the two tables list reps in different orders
    chance = card.attain[("win_rate", "rep")].per_rep.set_index("rep")["chance_next"]
    assert by_rep[f"Chance next period: {WIN_RATE}"].to_dict() == pytest.approx(chance.to_dict())
    statuses = reps.status.set_index(reps.frame["Rep"])[WIN_RATE].to_dict()
    assert statuses == {"Ann": "green", "Bob": "red", "Cy": "green"}
    assert (reps.status["Rep"] == "").all() and (reps.status["Reds"] == "").all()
    assert reps.units == {WIN_RATE: "share", f"Chance next period: {WIN_RATE}": "share"}


def test_reps_table_has_no_chance_column_when_a_team_standard_is_in_focus(card):
    reps = view_of(card, "bookings|team").reps
    assert list(reps.frame.columns) == ["Rep", WIN_RATE, "Reds"]


def test_no_reps_table_without_a_per_rep_standard_with_data():
    team_only = StandardSet((Standard("bookings", 5_000, scope="team"),))
    card = build_scorecard(Tables(opportunities=opportunities()), team_only)
    assert view_of(card, "bookings|team").reps is None


def test_overview_lists_every_catalogue_kpi_and_the_footnote_keeps_the_notes(card):
    view = view_of(card, "win_rate|rep", notes=["CRM export: 9 opportunities.", "No quota given."])
    assert sorted(view.overview["KPI"]) == sorted(k.name for k in CATALOGUE.values())
    assert list(view.overview.columns) == ["KPI", "Category", "Latest", "Team value", "Better when", "Formula"]
    assert view.footnote.startswith("CRM export: 9 opportunities. No quota given. Formulas for every KPI")


# --- editing standards in input boxes --------------------------------------------------------------------
def test_focus_labels_name_the_kpi_and_scope_and_an_empty_set_falls_back_to_the_defaults():
    standards, labels = focus_labels(STANDARDS)
    assert standards is STANDARDS
    assert labels["win_rate|rep"] == f"{WIN_RATE} (per rep)" and labels["bookings|team"] == "Bookings (team)"
    assert [split_focus(key) for key in labels] == [s.key for s in STANDARDS.standards]
    fallback, labels = focus_labels(StandardSet(()))
    assert fallback == default_standards() and len(labels) == len(fallback.standards)


def test_a_share_standard_is_typed_in_percent_and_comes_back_unchanged():
    standard = Standard("win_rate", 0.65, amber=0.55, period="quarter")
    inputs = standard_inputs(standard)
    assert (inputs.target, inputs.amber, inputs.period, inputs.step) == (65.0, 55.0, "quarter", 1.0)
    assert inputs.target_label == "Target (%); green at this or more" and inputs.amber_label == "Amber from (%)"
    edited = edited_standards(
        StandardSet((standard,)),
        "win_rate|rep",
        target=inputs.target,
        amber=inputs.amber,
        period=inputs.period,
        share_percent=70,
    )
    assert edited.get("win_rate", "rep") == standard and edited.attainable_share == pytest.approx(0.70)


def test_a_lower_is_better_standard_says_or_less_and_is_typed_in_its_own_unit():
    inputs = standard_inputs(Standard("lead_response_minutes", 30, amber=60))
    assert (inputs.target, inputs.amber, inputs.step) == (30.0, 60.0, None)
    assert inputs.target_label == "Target (minutes); green at this or less"
    assert "Formula: `lead_response_minutes = " in inputs.definition


def test_editing_sets_green_at_the_target_and_overlapping_bands_are_refused():
    edited = edited_standards(STANDARDS, "win_rate|rep", target=60, amber=50, period="month", share_percent=65)
    assert edited.get("win_rate", "rep") == Standard("win_rate", 0.60, green=0.60, amber=0.50)
    assert [s.key for s in edited.standards] == [s.key for s in STANDARDS.standards]  # order kept
    with pytest.raises(ScenarioError, match="overlap"):
        edited_standards(STANDARDS, "win_rate|rep", target=60, amber=70, period="month", share_percent=65)


def test_a_new_standard_starts_at_todays_level_or_at_one():
    tables = Tables(opportunities=opportunities())
    standards = StandardSet((Standard("bookings", 5_000, scope="team"),))
    added, focus = added_standards(standards, tables, "win_rate", "rep")
    assert focus == "win_rate|rep" and added.get("win_rate", "rep").target == pytest.approx(0.5)  # median rep
    added, focus = added_standards(standards, tables, "win_rate", "team")
    assert added.get("win_rate", "team").target == pytest.approx(3 / 7)  # the team in January
    added, focus = added_standards(standards, tables, "cac", "rep")  # CAC is a team KPI; no spend data
    assert focus == "cac|team" and added.get("cac", "team").target == 1.0


# --- uploaded files ------------------------------------------------------------------------------------
def test_uploaded_files_become_tables_and_each_says_what_was_excluded():
    lines = (ROOT / "data" / "crm" / "sales_pipeline.csv").read_bytes().splitlines()[:11]  # header + 10 deals
    bad = [b"BAD1,Moses Frase,GTXPro,Cancity,Won,10/20/2016,3/1/2017,-5", b"BAD2,Moses Frase,GTXPro,Cancity,Won,x,y,1"]
    activities = b"rep,date,type\nAnn,2017-01-02,call\nBob,not a date,call\n"
    tables, notes = uploaded_tables(b"\n".join(lines + bad) + b"\n", activities, None, 45_000.0)
    assert notes == [
        "CRM export: 12 rows read = 10 kept + 2 excluded; 1 kept row(s) repaired.",  # every row accounted for
        "Activity log: 1 rows; 1 excluded.",
    ]
    assert len(tables.opportunities) == 10 and len(tables.activities) == 1 and tables.monthly is None
    assert tables.quota_per_month == 45_000.0
    assert uploaded_tables(None, None, None, 0.0)[0].quota_per_month is None  # 0 = no quota


def test_an_unusable_upload_raises_a_message_for_the_user():
    with pytest.raises(ValueError, match="binary"):
        uploaded_tables(None, b"\x00\x01\x02 not a csv", None, None)
    with pytest.raises(ValueError, match="Excel file"):
        uploaded_tables(None, b"PK\x03\x04\x00 not a csv", None, None)


def test_uploaded_monthly_numbers_are_read_exactly_as_written():
    monthly = b"month;leads;mqls\n2017-01;1.234,50;860,25\n2017-02;900;12\n"
    tables, _ = uploaded_tables(None, None, monthly, None)
    assert tables.monthly["leads"].tolist() == [1234.5, 900.0]  # not 1.2345
    assert tables.monthly["mqls"].tolist() == [860.25, 12.0]  # not 86025


def test_reconcile_explains_green_but_not_attainable_and_gives_the_next_move():
    """Issue 15: "GREEN 80%" beside "not attainable" and "met it before 38%" needs one sentence tying them up."""
    from types import SimpleNamespace

    from simulate.standards.view import reconcile

    unattainable = SimpleNamespace(historical_share=0.383, expected_share=0.383, attainable=False)
    text = reconcile("green", unattainable, shown="80.0%", target="65.0%", level="56.2%", share=65)
    assert "latest period's median rep (80.0%)" in text and "38.3% of rep-periods" in text
    assert "short of the 65% goal" in text and "better than usual" in text
    assert "**Next move:** set the target near 56.2%" in text
    attainable = SimpleNamespace(historical_share=0.8, expected_share=0.75, attainable=True)
    assert "worse than usual" in reconcile("red", attainable, shown="50%", target="65%", level="70%", share=65)
    assert "keep 65%" in reconcile("green", attainable, shown="80%", target="65%", level="70%", share=65)
