"""`python -m simulate calibrate` and `plan`: JSON shape, sources, and one line + exit 2 for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from simulate.cli.parser import main
from simulate.plan import crps_from_samples

CRM = "data/crm/sales_pipeline.csv"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_calibrate_prints_the_scenario_with_sources(capsys):
    code, out, err = run_cli(capsys, "calibrate", CRM, "--as-of", "2017-09-30")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["as_of"] == "2017-09-30" and payload["first_month"] == "2017-10"
    assert payload["scenario"]["stages"][-1]["conversion"]["kind"] == "history"
    sources = {s["key"]: s for s in payload["sources"]}
    assert "deals closed 2017-04-01 to 2017-09-30" in sources["win_rate"]["source"]["window"]
    assert sources["cycle_median"]["source"]["method"].startswith("Aalen-Johansen")


def test_plan_json_months(capsys):
    code, out, err = run_cli(
        capsys, "plan", CRM, "--as-of", "2017-09-30", "--months", "4", "--trials", "500", "--seed", "3", "--json",
        "--target", "3000000", "--target-period", "quarter:1",
    )  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert [m["month"] for m in payload["months"]] == ["2017-10", "2017-11", "2017-12", "2018-01"]
    for m in payload["months"]:
        assert set(m["bookings"]) == set(m["won_deals"]) == {"mean", "p10", "p50", "p90"}
        assert m["existing"] + m["new"] == pytest.approx(m["bookings"]["mean"], rel=1e-9)
    assert payload["target"]["value"] == 3e6 and payload["target"]["months"] == "Oct 2017 - Dec 2017"
    assert 0 <= payload["target"]["chance"] <= 1


@pytest.mark.parametrize(
    "argv, words",
    [
        (
            ["plan", CRM, "--as-of", "2019-01-01", "--json"],
            "outside the data, which runs from 2016-10-20 to 2017-12-31",
        ),
        (["plan", CRM, "--as-of", "yesterday"], "--as-of must be a date"),
        (["plan", CRM, "--as-of", "2017-09-30", "--months", "30"], "1-24 months"),
        (["plan", CRM, "--as-of", "2017-09-30", "--set", "win_rate=2"], "between 0 and 1"),
        (["plan", CRM, "--as-of", "2017-09-30", "--target", "5", "--target-period", "quarter:9"], "no quarter 9"),
        (["calibrate", CRM, "--as-of", "2017-09-30", "--deal-size", "big"], "--deal-size must look like"),
        (["calibrate", "no/such/file.csv", "--as-of", "2017-09-30"], "no/such/file.csv"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err, err


def test_export_without_amounts_says_the_deal_size_is_needed(capsys, tmp_path):
    lines = open(CRM, encoding="utf-8").read().splitlines()
    header, rows = lines[0], lines[1:]
    cut = [",".join(r.split(",")[:-1]) + "," for r in rows]
    path = tmp_path / "no_amounts.csv"
    path.write_text("\n".join([header, *cut]) + "\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "calibrate", str(path), "--as-of", "2017-09-30")
    assert code == 2 and "no amounts on won deals" in err and "--deal-size" in err


def test_crps_matches_the_normal_closed_form():
    """CRPS(N(0,1), y) = y (2 Phi(y) - 1) + 2 phi(y) - 1/sqrt(pi). With n = 200,000 draws the estimator's
    sampling sd is below 0.003 (|X - y| has sd < 1.2; / sqrt(n) ~ 0.0027 for the first term, the pair term
    less), so 0.015 is over 4 standard errors."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(200_000)
    for y in (-1.5, 0.0, 0.7, 3.0):
        exact = y * (2 * stats.norm.cdf(y) - 1) + 2 * stats.norm.pdf(y) - 1 / np.sqrt(np.pi)
        assert crps_from_samples(x, y) == pytest.approx(exact, abs=0.015)
    assert crps_from_samples(np.full(10, 4.0), 1.0) == pytest.approx(3.0)  # a point forecast: absolute error


def test_monthly_table_and_forecast_volume(capsys):
    code, out, err = run_cli(
        capsys, "calibrate", CRM, "--as-of", "2017-09-30", "--monthly", "data/activities/monthly_kpis_synthetic.csv",
        "--volume", "forecast",
    )  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert [s["name"] for s in payload["scenario"]["stages"]] == [
        "Visitors",
        "Leads",
        "MQL",
        "SQL",
        "Opportunity",
        "Won",
    ]
    sources = {s["key"]: s for s in payload["sources"]}
    assert sources["rate_leads"]["source"]["data"] == "monthly table"
    assert sources["volume_forecast"]["source"]["method"] == payload["volume_verdict"] != ""
    code, out, err = run_cli(capsys, "calibrate", CRM, "--as-of", "2017-09-30", "--monthly", "no/such.csv")
    assert code == 2 and "no/such.csv" in err and err.count("\n") == 1
