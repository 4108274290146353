"""`python -m simulate pipeline`: the JSON contract, and one-line messages (exit 2) for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulate.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "crm" / "sales_pipeline.csv"
EUROPEAN = ROOT / "tests" / "fixtures" / "crm" / "european_export.csv"


def test_json_has_bookings_and_won_deals_percentiles_and_the_chance_of_the_target(capsys):
    code = main(
        [
            "pipeline",
            str(BUNDLED),
            "--as-of",
            "2017-06-30",
            "--period",
            "month",
            "--trials",
            "2000",
            "--seed",
            "7",
            "--target",
            "1000000",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["period"] == "Jul 2017" and out["trials"] == 2000 and out["seed"] == 7
    for key in ("bookings", "won_deals"):
        d = out[key]
        assert d["p10"] <= d["p50"] <= d["p90"] and d["mean"] > 0
    assert 0 <= out["p_hit_target"] <= 1 and out["target"] == 1_000_000
    assert out["import"]["opportunities"] == 8800


def test_same_seed_same_numbers(capsys):
    argv = ["pipeline", str(BUNDLED), "--period", "month", "--trials", "500", "--seed", "3", "--json"]
    main(argv)
    first = capsys.readouterr().out
    main(argv)
    assert capsys.readouterr().out == first


def test_text_output_names_the_period_and_percentiles(capsys):
    code = main(["pipeline", str(BUNDLED), "--as-of", "2017-09-30", "--trials", "500"])
    out = capsys.readouterr().out
    assert code == 0 and "Forecast for Q4 2017 as of 2017-09-30" in out and "bookings   mean $" in out and "P90" in out


def test_renamed_columns_can_be_mapped_on_the_command_line(tmp_path, capsys):
    data = EUROPEAN.read_bytes().replace(b"Amount", b"Wert")
    file = tmp_path / "renamed.csv"
    file.write_bytes(data)
    assert main(["pipeline", str(file)]) == 2
    assert "--map" in capsys.readouterr().err
    main(["pipeline", str(file), "--map", "amount=Wert", "--trials", "200", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["import"]["date_format"] == "D/M/YYYY"


@pytest.mark.parametrize(
    "content, extra, words",
    [
        (b"", [], "empty"),
        (b"\x00\x01\x02binary\x00" * 20, [], "binary"),
        (b"id,stage,amount,created,close\na,Won,5,1/2/2017,3/4/2017\n", [], "--date-format"),
        (b"id,stage,amount,created,close\na,Engaging,,2017-03-01,\n", [], "closed deals"),
        (b"id,stage,amount,created,close\na,Won,5,2017-03-01,2017-03-09\n", ["--as-of", "March"], "--as-of"),
        (b"id,stage,amount,created,close\na,Won,5,2017-03-01,2017-03-09\n", ["--map", "amount"], "FIELD=COLUMN"),
    ],
    ids=["empty", "binary", "ambiguous-dates", "no-closed-deals", "bad-as-of", "bad-map"],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, extra, words):
    file = tmp_path / "export.csv"
    file.write_bytes(content)
    code = main(["pipeline", str(file), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and words in err, err
