"""Pure UI helpers: the URL codec and the stage table (no browser needed)."""

from __future__ import annotations

import base64
import zlib

import numpy as np
import pytest

from simulate.scenario import Scenario, ScenarioError
from ui import codec, stage_table


def test_link_round_trip_reopens_the_same_scenario():
    s = Scenario(seed=123, trials=5_000, name="Q3 push")
    assert codec.decode(codec.encode(s)) == s


def test_link_leaves_out_forecast_paths():
    s = Scenario().with_volume_paths(np.ones((24, 5)), "forecast")
    assert codec.decode(codec.encode(s)) == s.without_volume_paths()


@pytest.mark.parametrize("text", ["", "not-base64!!", base64.urlsafe_b64encode(b"junk").decode(), "A" * 30_000])
def test_garbled_links_give_a_message(text):
    with pytest.raises(ScenarioError):
        codec.decode(text)


def test_a_link_that_inflates_enormously_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 5_000_000, 9)).decode()
    with pytest.raises(ScenarioError, match="too large"):
        codec.decode(bomb)


def test_stage_table_round_trip():
    s = Scenario()
    assert stage_table.from_table(stage_table.to_table(s.stages)) == s.stages


def test_stage_table_names_the_empty_cell():
    table = stage_table.to_table(Scenario().stages)
    table.loc[2, "Low %"] = None
    with pytest.raises(ScenarioError, match=r"Conversion into 'MQL' \(Low %\) is empty"):
        stage_table.from_table(table)


def test_stage_table_rate_over_100_percent_is_refused_by_the_scenario():
    table = stage_table.to_table(Scenario().stages)
    table.loc[1, "Given as"] = "rate"
    table.loc[1, "Rate %"] = 140.0
    with pytest.raises(ScenarioError, match=r"must be between 0 and 1 \(got 1.4\)"):
        Scenario(stages=stage_table.from_table(table))
