"""`python -m simulate`: the contract other tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulate.scenario import Scenario, default_scenario

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulate", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_example_prints_the_default_scenario():
    out = run_cli("example")
    assert out.returncode == 0
    assert Scenario.from_json(out.stdout) == default_scenario()


def test_run_json_has_the_contract_fields_and_is_reproducible(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(default_scenario().to_json())
    first = run_cli("run", str(path), "--trials", "2000", "--seed", "5", "--json")
    second = run_cli("run", str(path), "--trials", "2000", "--seed", "5", "--json")
    assert first.returncode == 0, first.stderr
    payload = json.loads(first.stdout)
    assert payload == json.loads(second.stdout)
    assert payload["trials"] == 2000 and payload["seed"] == 5
    for key in ("won_deals", "revenue"):
        assert {"mean", "p10", "p50", "p90"} <= set(payload[key])
        assert payload[key]["p10"] <= payload[key]["p50"] <= payload[key]["p90"]
    assert 0 <= payload["p_hit_target"] <= 1


def test_run_matches_the_library(tmp_path):
    from simulate.funnel import engine, summary

    s = default_scenario()
    path = tmp_path / "s.json"
    path.write_text(s.to_json())
    payload = json.loads(run_cli("run", str(path), "--trials", "3000", "--seed", "9", "--json").stdout)
    head = summary.funnel_summary(engine.run(s, trials=3000, seed=9))
    assert payload["revenue"]["p50"] == pytest.approx(head.revenue.p50)
    assert payload["p_hit_target"] == pytest.approx(head.hit.p)


@pytest.mark.parametrize(
    "content,field",
    [
        ("{not json", "file"),
        (json.dumps({**Scenario().to_dict(), "horizon_months": 99}), "horizon_months"),
        (json.dumps({**Scenario().to_dict(), "volume": {"level": -1}}), "volume.level"),
    ],
)
def test_bad_scenario_exits_2_with_one_line_naming_the_field(tmp_path, content, field):
    path = tmp_path / "bad.json"
    path.write_text(content)
    out = run_cli("run", str(path))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0]


def test_missing_file_exits_2():
    out = run_cli("run", "/no/such/file.json")
    assert out.returncode == 2 and "not found" in out.stderr
