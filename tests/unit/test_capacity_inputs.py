"""Text forms of the team's list inputs: strict parsing with messages naming the field."""

from __future__ import annotations

import pytest

from simulate.capacity.inputs import (
    format_accelerators,
    format_hires,
    format_ramp,
    parse_accelerators,
    parse_hires,
    parse_ramp,
)
from simulate.scenario import DEFAULT_RAMP, Accelerator, ScenarioError


def test_ramp_text_is_percent_by_month_and_round_trips():
    assert parse_ramp("10, 25;45 65%  85") == (0.10, 0.25, 0.45, 0.65, 0.85)
    assert parse_ramp(format_ramp(DEFAULT_RAMP)) == DEFAULT_RAMP


def test_bad_ramp_text_names_the_piece_and_gives_an_example():
    with pytest.raises(ScenarioError) as info:
        parse_ramp("10, 2O, 45")
    assert info.value.field == "team.ramp_curve" and "'2O'" in info.value.message and "e.g." in info.value.message
    with pytest.raises(ScenarioError):
        parse_ramp("  ")


def test_hires_keep_negative_and_fractional_values_for_the_team_to_refuse():
    assert parse_hires("2, 0, 2") == (2, 0, 2)
    assert parse_hires("") == ()
    assert parse_hires("-1, 1.5") == (-1, 1.5)
    assert parse_hires(format_hires((3, 0, 1))) == (3, 0, 1)


def test_accelerator_text_is_attainment_colon_rate():
    tiers = parse_accelerators("100: 15, 150%: 20%")
    assert tiers == (Accelerator(1.0, 0.15), Accelerator(1.5, 0.2))
    assert parse_accelerators(format_accelerators(tiers)) == tiers
    with pytest.raises(ScenarioError) as info:
        parse_accelerators("100: 15, 150")
    assert info.value.field == "team.commission.accelerators[1]"
