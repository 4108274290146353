"""Unit economics: CAC, payback, LTV, ROI and spend answers checked by hand and against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from forecast.clv.bgnbd import BGNBDFit, BGNBDParams
from forecast.clv.sbg import SBGParams, discounted_expected_lifetime
from forecast.clv.value import new_customer_clv
from simulate.economics.model import (
    channel_comparison,
    channel_leads,
    marginal_cost_per_lead,
    run_economics,
    spend_for_target,
    spend_frontier,
    value_maximising_spend,
)
from simulate.scenario import Channel, EconomicsPlan, Rate, RepeatPurchaseModel, Scenario, ScenarioError, Stage

# A funnel with no uncertainty in conversion: 10% of leads become customers.
CERTAIN_FUNNEL = Scenario(stages=(Stage("Leads"), Stage("Customers", Rate.point(0.10))))
ONE_CHANNEL = (
    Channel("Search", monthly_spend=50_000.0, max_leads=1_000.0, initial_cost_per_lead=50.0, uncertainty=0.0),
)


def _plan(**changes) -> EconomicsPlan:
    base = dict(
        channels=ONE_CHANNEL,
        organic_leads=0.0,
        sales_headcount_cost=100_000.0,
        commission_cost=20_000.0,
        arpa_low=1_000.0,
        arpa_high=1_000.0,
        gross_margin=0.8,
        ltv_method="subscription",
    )
    return EconomicsPlan(**{**base, **changes})


def test_response_curve_has_diminishing_returns():
    channel = ONE_CHANNEL[0]
    # scale = max_leads x initial cpl = 50,000: at spend = scale the channel gives 1 - 1/e of its maximum.
    assert channel_leads(channel, 50_000.0) == pytest.approx(1_000.0 * (1 - math.exp(-1)))
    assert marginal_cost_per_lead(channel, 0.0) == pytest.approx(50.0)
    assert channel_leads(channel, 100_000.0) < 2 * channel_leads(channel, 50_000.0)
    cpl = [s / channel_leads(channel, s) for s in (10_000.0, 50_000.0, 100_000.0)]
    assert cpl[0] < cpl[1] < cpl[2], "cost per lead rises with spend"


def test_cac_and_payback_by_hand():
    result = run_economics(CERTAIN_FUNNEL, _plan(), trials=20_000, seed=7)
    expected_customers = 0.10 * 1_000.0 * (1 - math.exp(-1))  # 63.2 a month
    assert result.customers.mean() == pytest.approx(expected_customers, rel=0.01)
    # Per trial: blended CAC = (marketing 50k + headcount 100k + commissions 20k) / customers.
    n = result.customers
    assert result.metrics["cac_blended"] == pytest.approx(170_000.0 / n)
    # Payback = CAC / (ARPA x margin) = CAC / 800.
    assert result.metrics["payback_months"] == pytest.approx(170_000.0 / n / 800.0)
    # A month with 64 customers: CAC 2,656.25, payback 3.3 months.
    assert 170_000.0 / 64 == pytest.approx(2_656.25) and 2_656.25 / 800 == pytest.approx(3.3203125)


def test_paid_cac_adds_media_cost_of_paid_customers_to_sales_cost_per_customer():
    result = run_economics(CERTAIN_FUNNEL, _plan(organic_leads=300.0), trials=5_000, seed=3)
    n, paid = result.customers, result.paid_customers
    ok = paid > 0
    assert np.all(paid <= n)
    by_hand = 50_000.0 / paid[ok] + 120_000.0 / n[ok]
    assert result.metrics["cac_paid"][ok] == pytest.approx(by_hand)
    assert np.median(result.metrics["cac_paid"]) > np.median(result.metrics["cac_blended"])


def test_commission_from_rate_is_a_share_of_first_year_revenue():
    result = run_economics(CERTAIN_FUNNEL, _plan(commission_cost=None, commission_rate=0.1), trials=2_000, seed=1)
    # each customer: 10% x 12 x ARPA 1,000 = 1,200
    assert result.sales_cost == pytest.approx(100_000.0 + 1_200.0 * result.customers)


def test_subscription_ltv_is_arpa_times_margin_times_discounted_lifetime():
    plan = _plan(sbg_alpha=0.9, sbg_beta=18.0, annual_discount_rate=0.10)
    result = run_economics(CERTAIN_FUNNEL, plan, trials=500, seed=1)
    monthly = 1.10 ** (1 / 12) - 1
    assert result.value.ltv == pytest.approx(800.0 * discounted_expected_lifetime(SBGParams(0.9, 18.0), monthly))
    assert result.metrics["ltv_cac"] == pytest.approx(result.value.ltv / result.metrics["cac_blended"])


def test_simple_ltv_is_arpa_margin_over_churn_and_carries_a_warning():
    result = run_economics(CERTAIN_FUNNEL, _plan(ltv_method="simple", monthly_churn=0.02), trials=500, seed=1)
    assert result.value.ltv == pytest.approx(800.0 / 0.02)
    assert "overstated" in result.value.warnings[0]


def test_repeat_purchase_ltv_uses_bgnbd_and_gamma_gamma():
    repeat = RepeatPurchaseModel()
    result = run_economics(CERTAIN_FUNNEL, _plan(ltv_method="repeat", ltv_horizon_years=3.0), trials=500, seed=1)
    fit = BGNBDFit(BGNBDParams(repeat.r, repeat.alpha, repeat.a, repeat.b), float("nan"), 0)
    mean_spend = repeat.p * repeat.gamma / (repeat.q - 1)
    assert result.value.ltv == pytest.approx(new_customer_clv(fit, mean_spend, 156.0, 0.10, 0.8))


def test_marketing_roi_and_magic_number_by_formula():
    result = run_economics(CERTAIN_FUNNEL, _plan(), trials=1_000, seed=2)
    ltv = result.value.ltv
    assert result.metrics["marketing_roi"] == pytest.approx((result.paid_customers * ltv - 50_000.0) / 50_000.0)
    assert result.metrics["magic_number"] == pytest.approx(result.customers * 12_000.0 / 170_000.0)


def test_value_maximising_spend_matches_the_closed_form():
    # E[value](s) = p M (1 - exp(-s/S)) LTV - s - fixed costs  =>  s* = S ln(p LTV / initial_cpl).
    result = run_economics(CERTAIN_FUNNEL, _plan(), trials=2_000, seed=4)
    ltv = float(result.value.ltv[0])
    closed = 50_000.0 * math.log(0.10 * ltv / 50.0)
    assert value_maximising_spend(result).budget == pytest.approx(closed, rel=0.01)


def test_spend_for_target_matches_the_poisson_calculation():
    target, confidence = 50, 0.8
    mean_needed = next(m / 10 for m in range(1, 2000) if stats.poisson.sf(target - 1, m / 10) >= confidence)
    spend_needed = -50_000.0 * math.log(1 - mean_needed / 0.10 / 1_000.0)
    result = run_economics(
        CERTAIN_FUNNEL, _plan(target_customers=target, target_confidence=confidence), trials=20_000, seed=5
    )
    answer = spend_for_target(result)
    assert answer.reachable and answer.budget == pytest.approx(spend_needed, rel=0.03)


def test_unreachable_target_says_so():
    result = run_economics(CERTAIN_FUNNEL, _plan(target_customers=500), trials=1_000, seed=5)
    answer = spend_for_target(result)
    assert not answer.reachable and "not reachable" in answer.note


def test_frontier_customers_rise_and_cac_worsens_with_spend():
    frontier = spend_frontier(run_economics(Scenario(), EconomicsPlan(), trials=2_000, seed=1))
    assert np.all(np.diff(frontier["customers_p50"]) >= 0)
    tail = frontier["cac_blended_p50"].to_numpy()[len(frontier) // 2 :]
    assert tail[-1] > tail[0]


def test_channel_comparison_flags_where_clv_is_below_cac():
    table = channel_comparison(run_economics(Scenario(), EconomicsPlan(), trials=2_000, seed=1)).set_index("channel")
    assert bool(table.loc["Events", "clv_below_cac"]) and not bool(table.loc["Paid search", "clv_below_cac"])
    # marginal CAC = marginal cost per lead / P(lead -> customer) + commission per customer
    assert np.all(table["marginal_cac"] > 0)


def test_same_seed_same_numbers_and_seed_matters():
    a = run_economics(Scenario(), trials=1_000, seed=11)
    b = run_economics(Scenario(), trials=1_000, seed=11)
    c = run_economics(Scenario(), trials=1_000, seed=12)
    assert np.array_equal(a.customers, b.customers) and not np.array_equal(a.customers, c.customers)


def test_plan_round_trips_through_json_in_the_scenario():
    scenario = Scenario(economics=_plan())
    assert Scenario.from_json(scenario.to_json()) == scenario


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"gross_margin": 1.5}, "economics.gross_margin"),
        ({"arpa_low": 2_000.0, "arpa_high": 1_000.0}, "economics.arpa_high"),
        ({"ltv_method": "magic"}, "economics.ltv_method"),
        ({"channels": (Channel("A", -1.0, 10.0, 5.0),)}, "economics.channels[0].monthly_spend"),
        ({"channels": (Channel("A", 1.0, 10.0, 5.0), Channel("A", 1.0, 10.0, 5.0))}, "economics.channels[1].name"),
    ],
)
def test_invalid_plans_name_the_field(changes, field):
    with pytest.raises(ScenarioError) as error:
        _plan(**changes)
    assert error.value.field == field


def test_unknown_lead_stage_is_explained():
    with pytest.raises(ScenarioError, match="no stage 'Prospects'"):
        run_economics(Scenario(), _plan(lead_stage="Prospects"), trials=200)


def test_team_plan_commission_is_its_cost_of_sales():
    from simulate.economics.summary import team_commission_rate
    from simulate.scenario import default_team

    rate = team_commission_rate(Scenario(team=default_team()))
    assert 0.0 < rate < 0.5
    with pytest.raises(ValueError, match="no team plan"):
        team_commission_rate(Scenario())


def test_view_verdicts_speak_in_plain_words():
    from simulate.economics.summary import build_economics_view

    view = build_economics_view(Scenario(), trials=1_000, seed=1)
    assert view.verdicts[0].startswith(("Growth pays", "Growth does not pay yet"))
    assert any("months" in v for v in view.verdicts) and any("Events" in v for v in view.verdicts)
    ratio = view.metric("ltv_cac")
    assert ratio["p10"] <= ratio["p50"] <= ratio["p90"] and 0 <= ratio["p_meets_bar"] <= 1


def test_mean_customers_match_the_closed_form_with_uncertain_rates():
    # Rates, channel factors (mean 1) and Poisson counts are independent, so
    # E[customers] = E[p] x (sum of channel leads at current spend + organic leads).
    scenario, plan = Scenario(), EconomicsPlan()
    result = run_economics(scenario, plan, trials=40_000, seed=9)
    mean_p = float(np.prod([rate.mean() for rate in scenario.conversions[1:]]))  # from "Leads" to "Won"
    leads = sum(float(channel_leads(c, c.monthly_spend)) for c in plan.channels) + plan.organic_leads
    assert result.customers.mean() == pytest.approx(mean_p * leads, rel=0.02)
