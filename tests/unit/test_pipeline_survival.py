"""Time to close with open deals censored: checked against a Kaplan-Meier / Aalen-Johansen table done by hand."""

from __future__ import annotations

import numpy as np
import pytest

from simulate.pipeline.survival import LOST, OPEN, WON, fit_close_curves

# Six deals: won at day 2, open at day 3, lost at day 3, won at 5, open at 7, won at 8.
DAYS = np.array([2, 3, 3, 5, 7, 8])
OUTCOME = np.array([WON, OPEN, LOST, WON, OPEN, WON])


def test_kaplan_meier_matches_the_hand_computed_table():
    # t=2: 6 at risk, 1 closes -> 5/6. t=3: 5 at risk (the deal censored at 3 still counts), 1 closes -> 5/6*4/5.
    # t=5: 3 at risk (5, 7, 8), 1 closes -> *2/3. t=8: 1 at risk, 1 closes -> 0.
    curves = fit_close_curves(DAYS, OUTCOME)
    assert list(curves.times) == [2, 3, 5, 8]
    assert list(curves.at_risk) == [6, 5, 3, 1]
    assert curves.survival == pytest.approx([5 / 6, 2 / 3, 4 / 9, 0.0])
    assert curves.survival_at([0, 1.9, 2, 4, 7.5, 100]) == pytest.approx([1, 1, 5 / 6, 2 / 3, 4 / 9, 0])


def test_won_and_lost_incidence_match_the_hand_computed_table():
    # Aalen-Johansen: F_won jumps by S(t-) * won(t) / at_risk(t): 1*1/6 at 2, (2/3)*(1/3) at 5, (4/9)*1 at 8.
    curves = fit_close_curves(DAYS, OUTCOME)
    assert curves.won == pytest.approx([1 / 6, 1 / 6, 1 / 6 + 2 / 9, 1 / 6 + 2 / 9 + 4 / 9])
    assert curves.lost == pytest.approx([0, 5 / 6 * 1 / 5, 1 / 6, 1 / 6])
    assert curves.survival + curves.won + curves.lost == pytest.approx(np.ones(4))


def test_without_open_deals_the_curves_are_the_plain_shares():
    days = np.array([1, 4, 4, 9, 12])
    outcome = np.array([WON, LOST, WON, WON, LOST])
    curves = fit_close_curves(days, outcome)
    assert curves.won_by([0, 1, 4, 9, 12]) == pytest.approx([0, 1 / 5, 2 / 5, 3 / 5, 3 / 5])
    assert curves.lost_by(12) == pytest.approx(2 / 5)


def test_chance_of_winning_later_is_conditional_on_still_being_open():
    curves = fit_close_curves(DAYS, OUTCOME)
    # open at age 3 (S = 2/3): won between 3 and 6 only at day 5 -> (2/9) / (2/3) = 1/3
    assert curves.won_between(np.array([3.0]), 3.0, 6.0) == pytest.approx([1 / 3])
    assert curves.closed_between(np.array([3.0]), 3.0, 6.0) == pytest.approx([1 / 3])


def test_a_deal_older_than_any_closed_deal_is_worth_nothing():
    days = np.array([10, 20, 30, 200, 300])  # two deals open far longer than any deal took to close
    outcome = np.array([WON, WON, LOST, OPEN, OPEN])
    curves = fit_close_curves(days, outcome)
    assert curves.max_observed_days == 30
    assert curves.won_between(np.array([200.0, 5.0]), np.array([200.0, 5.0]), np.array([290.0, 95.0])) == pytest.approx(
        [0.0, 2 / 5]
    )


def test_no_closed_deals_gives_empty_curves_and_no_chance():
    curves = fit_close_curves(np.array([3.0, 4.0]), np.array([OPEN, OPEN]))
    assert len(curves.times) == 0
    assert curves.won_by(10) == 0 and curves.survival_at(10) == 1
