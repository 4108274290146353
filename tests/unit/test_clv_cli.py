"""`python -m forecast clv` contract: fitted parameters as JSON; bad input exits 2 with one line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from forecast.clv.cli import register

DATA = Path(__file__).resolve().parents[2] / "data" / "cdnow"


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="forecast")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_summary_json_has_the_published_parameters(capsys):
    code = _run(["clv", "--summary", str(DATA / "cdnow_customers_summary_with_transactions.csv"), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["bgnbd"]["r"] == pytest.approx(0.243, rel=0.005)
    assert report["gamma_gamma"]["p"] == pytest.approx(6.25, rel=0.005)
    assert {"mean", "p10", "p50", "p90"} <= set(report["clv"])


def test_transactions_text_output(capsys):
    code = _run(["clv", "--transactions", str(DATA / "CDNOW_sample.txt"), "--calibration-end", "1997-09-30"])
    out = capsys.readouterr().out
    assert code == 0 and "bgnbd: r=0.24" in out and "gamma_gamma: p=6.2" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["clv", "--transactions", "x.csv"], "--calibration-end"),
        (["clv", "--summary", "/no/such/file.csv"], "cannot read summary file"),
        (["clv", "--summary", str(DATA / "README.md")], ""),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, message, capsys):
    assert _run(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1 and message in err
