"""The economics section of `python -m simulate run --json`: JSON-serialisable, present only with a plan."""

from __future__ import annotations

import json

from simulate.cli.run_economics import economics_run_extension
from simulate.scenario import EconomicsPlan, Scenario


def test_no_plan_adds_nothing():
    assert economics_run_extension(Scenario()) == {}


def test_plan_adds_metrics_and_spend_answers_as_json():
    payload = economics_run_extension(Scenario(economics=EconomicsPlan(), trials=1_000))
    text = json.dumps(payload)
    data = json.loads(text)["economics"]
    assert data["trials"] == 1_000 and data["seed"] == 2026
    assert data["metrics"]["ltv_cac"]["bar"] == 3.0
    assert data["metrics"]["ltv_cac"]["p10"] <= data["metrics"]["ltv_cac"]["p50"] <= data["metrics"]["ltv_cac"]["p90"]
    assert data["value_maximising_spend"]["budget"] > 0 and data["channels"][0]["channel"] == "Paid search"
