"""`python -m simulate scorecard`: workbook, CSV and JSON out; bad input exits 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from report.scorecard_xlsx import FILLS, read_standards_xlsx
from simulate.cli import parser as cli
from simulate.scenario import Standard, StandardSet

ROOT = Path(__file__).resolve().parents[2]
CRM = str(ROOT / "data" / "crm" / "sales_pipeline.csv")
ACTIVITIES = str(ROOT / "data" / "activities" / "activities_synthetic.csv")
MONTHLY = str(ROOT / "data" / "activities" / "monthly_kpis_synthetic.csv")


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    monkeypatch.setattr(cli, "EXTRA_COMMAND_MODULES", ["simulate.cli.scorecard"])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["scorecard", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_workbook_csv_and_json_for_the_bundled_data(tmp_path, capsys):
    standards = StandardSet(
        (
            Standard("win_rate", 0.6, amber=0.5),
            Standard("lead_response_minutes", 30, amber=60),
            Standard("mql_to_sql", 0.3, amber=0.25, scope="team"),
        )
    )
    (tmp_path / "std.json").write_text(standards.to_json())
    out = tmp_path / "card.xlsx"
    code, stdout, _ = run(
        capsys,
        CRM,
        "--activities",
        ACTIVITIES,
        "--monthly",
        MONTHLY,
        "--standards",
        str(tmp_path / "std.json"),
        "--out",
        str(out),
        "--csv",
        str(tmp_path / "card.csv"),
        "--json",
        "--trials",
        "500",
    )
    assert code == 0
    payload = json.loads(stdout)
    rows = {(r["kpi"], r["scope"]): r for r in payload["standards"]}
    assert rows[("win_rate", "rep")]["reps_measured"] == 30
    assert rows[("mql_to_sql", "team")]["chance_next"] is not None  # the default scenario simulates MQL -> SQL
    assert payload["fairness"]["unequal"] in (True, False)
    assert read_standards_xlsx(out) == standards
    ws = load_workbook(out)["Scorecard"]
    filled = [ws.cell(r, 9) for r in range(1, ws.max_row + 1) if ws.cell(r, 9).value in FILLS]
    assert len(filled) == 3 and all(c.fill.start_color.rgb.endswith(FILLS[c.value]) for c in filled)
    csv = (tmp_path / "card.csv").read_text()
    assert csv.startswith("# ") and "# win_rate: win_rate = won / (won + lost)" in csv


def test_text_summary_without_activities_says_what_is_needed(tmp_path, capsys):
    code, stdout, _ = run(capsys, CRM, "--out", str(tmp_path / "c.xlsx"), "--trials", "200")
    assert code == 0
    assert "needs: activities.rep" in stdout  # default standards include lead response time
    assert "Wrote" in stdout


@pytest.mark.parametrize(
    "argv, words",
    [
        (["missing.csv", "--json"], "opportunities file not found"),
        ([CRM], "say where the scorecard goes"),
        ([CRM, "--out", "card.pdf"], "must name an .xlsx"),
        ([CRM, "--json", "--quota", "-5"], "--quota must be a positive"),
        ([CRM, "--json", "--activities", CRM], "no column(s) rep, date, type"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, words):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and words in err


def test_overlapping_bands_in_a_standards_file_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"standards": [{"kpi": "win_rate", "target": 0.6, "amber": 0.7}]}))
    code, _, err = run(capsys, CRM, "--json", "--standards", str(bad))
    assert code == 2 and "overlap" in err and "standards[win_rate].amber" in err


def test_python_m_simulate_scorecard_is_registered(tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "simulate", "scorecard", CRM, "--json", "--trials", "200"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert {"standards", "reps", "overview", "attainability", "fairness", "messages"} <= set(json.loads(out.stdout))


def test_monthly_table_with_decimal_commas_is_read_as_written(tmp_path, capsys):
    """The CLI reads activity logs and monthly tables with the page's readers: "1.000,0" MQLs and "250,0" SQLs
    are 1000 and 250 (MQL -> SQL 25%), not 1.0 and 2500."""
    (tmp_path / "m.csv").write_text("month;leads;mqls;sqls\n2017-08;2.000;1.000,0;250,0\n2017-09;2.000;1.000,0;250,0\n")
    (tmp_path / "std.json").write_text(StandardSet((Standard("mql_to_sql", 0.3, amber=0.25, scope="team"),)).to_json())
    code, stdout, _ = run(
        capsys, CRM, "--monthly", str(tmp_path / "m.csv"), "--standards", str(tmp_path / "std.json"), "--json",
        "--trials", "200",
    )  # fmt: skip
    assert code == 0
    (row,) = json.loads(stdout)["standards"]
    assert row["actual"] == pytest.approx(0.25)
