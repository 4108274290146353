"""Unit-economics Monte Carlo: spend -> leads -> new customers -> CAC, against LTV. numpy/scipy only.

Conventions (shown on the page and in docs/unit_economics.md):
- Month = one steady-state month of the plan. New customers are the customers that month's leads eventually
  become (cohort view: spend and the customers it buys are matched, whatever the sales-cycle lag).
  With the funnel's run given (`funnel=`, what the page and the CLI do), new customers per month are taken
  from the same trials instead: trial i's won deals per calendar month over the target period (the funnel
  engine's own draws), with the trial's conversion rates; at other spends they scale with the trial's leads
  (customers x leads(spend) / leads(current spend)), keeping the trial's luck.
- Leads: each paid channel gives max_leads x (1 - exp(-spend / (max_leads x initial_cpl))) times a per-trial
  lognormal factor (its 90% range x/÷ (1 + uncertainty)); organic leads cost nothing.
- Lead -> customer: the product of the funnel's conversion rates from the plan's lead stage to the last stage,
  drawn per trial exactly as the funnel simulator draws them (simulate.funnel.sample_uniforms / draw_rates).
  Customers in the month are Poisson given that mean; the paid share is binomial by the paid share of leads.
- Sales cost = sales headcount cost + commissions (the capacity plan's monthly commission cost when given,
  else commission rate x first-year revenue of each new customer).
- Blended CAC (fully loaded) = (paid marketing + sales cost) / all new customers (organic included).
- Paid CAC = paid marketing / paid customers + sales cost / all new customers.
- LTV = lifetime gross profit per new customer, discounted (see forecast.clv.value for each method).
- LTV:CAC = LTV / blended CAC. CAC payback (months) = blended CAC / (ARPA x gross margin) (ignores churn);
  for repeat purchase ARPA x margin is the first year's expected gross profit / 12.
- Marketing ROI = (paid customers x LTV - paid marketing) / paid marketing (lifetime gross profit, not revenue).
- Magic number = new ARR added in a quarter / S&M spend of the prior quarter; in a steady month this is
  new customers x first-year revenue / monthly S&M spend (ARR is already annual, so no x4). Gross of churn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from forecast.clv.bgnbd import BGNBDFit, BGNBDParams
from forecast.clv.sbg import SBGParams, discounted_expected_lifetime
from forecast.clv.value import discount_per_step, new_customer_clv
from simulate.funnel import draw_rates, sample_uniforms
from simulate.scenario import Channel, EconomicsPlan, Scenario, ScenarioError

Z90 = float(stats.norm.ppf(0.95))
METRICS = ("cac_blended", "cac_paid", "ltv", "ltv_cac", "payback_months", "marketing_roi", "magic_number")
WEEKS_PER_MONTH = 52.0 / 12.0


def channel_leads(channel: Channel, spend) -> np.ndarray:
    """Expected leads per month at this spend (before the channel's uncertainty)."""
    spend = np.asarray(spend, dtype=float)
    return channel.max_leads * -np.expm1(-spend / channel.scale)


def marginal_cost_per_lead(channel: Channel, spend) -> np.ndarray:
    """Cost of the next lead at this spend: 1 / (d leads / d spend) = initial_cpl x exp(spend / scale)."""
    return channel.initial_cost_per_lead * np.exp(np.asarray(spend, dtype=float) / channel.scale)


def lead_stage_index(scenario: Scenario, plan: EconomicsPlan) -> int:
    names = [n.lower() for n in scenario.stage_names]
    wanted = plan.lead_stage.strip().lower()
    if wanted not in names:
        raise ScenarioError(
            "economics.lead_stage",
            f"the funnel has no stage '{plan.lead_stage}' (stages: {', '.join(scenario.stage_names)})",
        )
    index = names.index(wanted)
    if index == len(names) - 1:
        raise ScenarioError("economics.lead_stage", "leads must enter before the last stage (the won customer)")
    return index


@dataclass(frozen=True)
class CustomerValue:
    """Per-trial value of one new customer: LTV, monthly gross profit (for payback), first-year revenue (ARR)."""

    ltv: np.ndarray
    monthly_gross_profit: np.ndarray
    first_year_revenue: np.ndarray
    warnings: tuple[str, ...] = ()


def customer_value(plan: EconomicsPlan, arpa: np.ndarray) -> CustomerValue:
    """LTV per the plan's method; `arpa` per trial (currency per month) for subscription and simple."""
    m = plan.gross_margin
    d_month = discount_per_step(plan.annual_discount_rate, 12)
    if plan.ltv_method == "repeat":
        rp = plan.repeat
        fit = BGNBDFit(BGNBDParams(rp.r, rp.alpha, rp.a, rp.b), float("nan"), 0)
        mean_spend = rp.p * rp.gamma / (rp.q - 1.0)
        first = mean_spend if plan.repeat_first_purchase is None else plan.repeat_first_purchase
        ltv = new_customer_clv(
            fit, mean_spend, plan.ltv_horizon_years * 52.0, plan.annual_discount_rate, m, first_purchase_value=first
        )
        year_revenue = first + mean_spend * float(fit.expected_purchases(52.0))
        ones = np.ones_like(arpa)
        return CustomerValue(ltv * ones, m * year_revenue / 12.0 * ones, year_revenue * ones)
    sbg = SBGParams(plan.sbg_alpha, plan.sbg_beta)
    if plan.ltv_method == "subscription":
        lifetime = discounted_expected_lifetime(sbg, d_month)
        return CustomerValue(arpa * m * lifetime, arpa * m, arpa * 12.0)
    ltv = arpa * m / plan.monthly_churn
    heterogeneous = arpa * m * discounted_expected_lifetime(sbg, d_month)
    warning = simple_ltv_warning(plan, float(np.median(ltv)), float(np.median(heterogeneous)))
    return CustomerValue(ltv, arpa * m, arpa * 12.0, (warning,))


def simple_ltv_warning(plan: EconomicsPlan, simple: float, with_retention_model: float) -> str:
    text = (
        f"The simple formula ARPA x margin / churn assumes every customer churns {plan.monthly_churn:.1%} a month "
        "forever, with no discounting. If that churn rate is measured on your whole customer base, it is "
        "dominated by loyal long-time customers: new customers leave faster at first, so this LTV is overstated."
    )
    if simple > with_retention_model:
        text += (
            f" Here it is {simple / with_retention_model - 1:.0%} above the retention-model (sBG) value "
            f"of the same plan."
        )
    return text


@dataclass(frozen=True)
class EconomicsResult:
    """Per-trial arrays for one month of the plan at its current spend. Summarise before showing."""

    plan: EconomicsPlan
    trials: int
    seed: int
    p_customer: np.ndarray  # (trials,) P(lead becomes a customer)
    channel_factor: np.ndarray  # (trials, channels) lead multipliers
    leads_paid: np.ndarray  # (trials, channels)
    customers: np.ndarray  # (trials,)
    paid_customers: np.ndarray  # (trials,)
    sales_cost: np.ndarray  # (trials,)
    value: CustomerValue
    metrics: dict[str, np.ndarray] = field(repr=False)
    _uniforms: np.ndarray = field(repr=False)  # (trials, 2) common random numbers for counts
    # set when new customers come from the funnel's trials: those customers and the leads they came from
    funnel_customers: np.ndarray | None = field(default=None, repr=False)
    base_leads: np.ndarray | None = field(default=None, repr=False)

    @property
    def marketing_spend(self) -> float:
        return self.plan.paid_spend


def _lognormal_factors(rng: np.random.Generator, channels: tuple[Channel, ...], trials: int) -> np.ndarray:
    """Mean-1 lognormal lead multipliers whose 90% range is x/÷ (1 + uncertainty)."""
    sigmas = np.array([np.log1p(c.uncertainty) / Z90 for c in channels], dtype=float)
    return np.exp(rng.standard_normal((trials, len(channels))) * sigmas - sigmas**2 / 2)


def _arpa_draws(plan: EconomicsPlan, u: np.ndarray) -> np.ndarray:
    """ARPA per trial: lognormal with the plan's low/high as its 5th/95th percentiles."""
    lo, hi = np.log(plan.arpa_low), np.log(plan.arpa_high)
    return np.exp((lo + hi) / 2 + (hi - lo) / (2 * Z90) * stats.norm.ppf(u))


def _counts(p_customer, leads_paid_total, organic, u) -> tuple[np.ndarray, np.ndarray]:
    """(customers, paid customers) from common uniforms: Poisson by inverse CDF, then a binomial split."""
    total_leads = leads_paid_total + organic
    mean = p_customer * total_leads
    customers = stats.poisson.ppf(u[..., 0], mean)
    share = np.divide(leads_paid_total, total_leads, out=np.zeros_like(mean), where=total_leads > 0)
    paid = stats.binom.ppf(u[..., 1], customers, share)
    return customers, np.nan_to_num(paid)


def _metrics(plan, marketing, customers, paid_customers, value: CustomerValue) -> tuple[np.ndarray, dict]:
    if plan.commission_cost is not None:
        commissions = np.full_like(customers, plan.commission_cost, dtype=float)
    else:
        commissions = plan.commission_rate * value.first_year_revenue * customers
    sales_cost = plan.sales_headcount_cost + commissions
    total = marketing + sales_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        cac = np.where(customers > 0, total / customers, np.inf)
        sales_per_customer = np.where(customers > 0, sales_cost / customers, np.inf)
        marketing = np.asarray(marketing, dtype=float)
        cac_paid = np.where(paid_customers > 0, marketing / paid_customers + sales_per_customer, np.inf)
        roi = np.where(marketing > 0, (paid_customers * value.ltv - marketing) / marketing, np.nan)
        metrics = {
            "cac_blended": cac,
            "cac_paid": cac_paid,
            "ltv": value.ltv,
            "ltv_cac": value.ltv / cac,
            "payback_months": cac / value.monthly_gross_profit,
            "marketing_roi": roi,
            "magic_number": customers * value.first_year_revenue / total,
        }
    return sales_cost, metrics


def run_economics(
    scenario: Scenario,
    plan: EconomicsPlan | None = None,
    trials: int = 4_000,
    seed: int | None = None,
    funnel=None,
) -> EconomicsResult:
    """Simulate one month of the plan at its current spend. Same inputs and seed -> identical arrays.

    `funnel`: the scenario's simulate.funnel run (SimulationResult); when given, new customers per month are
    the funnel's won deals per month in the same trials (over the target period) and the conversion rates
    are the funnel's draws, so this page and the funnel page show one future per trial.
    """
    plan = plan or scenario.economics or EconomicsPlan()
    seed = int(scenario.seed if seed is None else seed)
    if not 100 <= trials <= 1_000_000:
        raise ScenarioError("trials", f"trials must be between 100 and 1,000,000 (got {trials})")
    start = lead_stage_index(scenario, plan)
    rate_seq, noise_seq, count_seq, arpa_seq = np.random.SeedSequence(seed).spawn(4)
    uniforms = sample_uniforms(np.random.default_rng(rate_seq), trials, len(scenario.stages) - 1, scenario.sampling)
    p_customer = draw_rates(scenario, uniforms)[:, start:].prod(axis=1)
    factors = _lognormal_factors(np.random.default_rng(noise_seq), plan.channels, trials)
    count_u = np.random.default_rng(count_seq).random((trials, 2))
    arpa = _arpa_draws(plan, np.random.default_rng(arpa_seq).random(trials))
    spends = np.array([c.monthly_spend for c in plan.channels], dtype=float)
    leads_paid = factors * np.array(
        [channel_leads(c, s) for c, s in zip(plan.channels, spends, strict=False)], dtype=float
    )
    funnel_customers = base_leads = None
    if funnel is None:
        customers, paid = _counts(p_customer, leads_paid.sum(axis=1), plan.organic_leads, count_u)
    else:
        if funnel.trials < trials:
            raise ValueError(f"the funnel run has {funnel.trials:,} trials; the economics run needs {trials:,}")
        p_customer = np.asarray(funnel.rates[:trials, start:]).prod(axis=1)
        funnel_customers = np.asarray(funnel.won[:trials, funnel.period_slice()], dtype=float).mean(axis=1)
        base_leads = leads_paid.sum(axis=1) + plan.organic_leads
        customers = funnel_customers
        share = np.divide(leads_paid.sum(axis=1), base_leads, out=np.zeros(trials), where=base_leads > 0)
        paid = customers * share
    value = customer_value(plan, arpa)
    sales_cost, metrics = _metrics(plan, plan.paid_spend, customers, paid, value)
    return EconomicsResult(
        plan,
        trials,
        seed,
        p_customer,
        factors,
        leads_paid,
        customers,
        paid,
        sales_cost,
        value,
        metrics,
        count_u,
        funnel_customers,
        base_leads,
    )


def _scaled(result: EconomicsResult, leads_paid_total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(customers, paid customers) at other paid leads: the funnel's customers scaled by the trial's leads."""
    organic = result.plan.organic_leads
    total = leads_paid_total + organic
    factor = np.divide(total, result.base_leads, out=np.zeros_like(total), where=result.base_leads > 0)
    customers = result.funnel_customers * factor
    share = np.divide(leads_paid_total, total, out=np.zeros_like(total), where=total > 0)
    return customers, customers * share


# --- trade-offs: the same trials at other spend levels (common random numbers keep curves smooth) -------------


def _mix(plan: EconomicsPlan) -> np.ndarray:
    spends = np.array([c.monthly_spend for c in plan.channels], dtype=float)
    if spends.sum() > 0:
        return spends / spends.sum()
    scales = np.array([c.scale for c in plan.channels], dtype=float)
    return scales / scales.sum() if len(scales) else scales


def max_useful_budget(plan: EconomicsPlan) -> float:
    """Five times the channels' combined scale: beyond it every channel is >99% saturated."""
    return 5.0 * float(sum(c.scale for c in plan.channels))


def _paid_leads(result: EconomicsResult, spends) -> np.ndarray:
    """Paid leads per trial with each channel at `spends[..., channel]`: shape (..., trials)."""
    spends = np.asarray(spends, dtype=float)
    expected = np.stack([channel_leads(c, spends[..., k]) for k, c in enumerate(result.plan.channels)], axis=-1)
    return (expected[..., None, :] * result.channel_factor).sum(axis=-1)


def _expected_value(result: EconomicsResult, spends) -> np.ndarray:
    """Per trial: expected customers x LTV - all S&M spend, i.e. customers x (LTV - CAC), at these spends."""
    plan = result.plan
    spends = np.asarray(spends, dtype=float)
    if result.funnel_customers is not None:
        mean_customers = _scaled(result, _paid_leads(result, spends))[0]
    else:
        mean_customers = result.p_customer * (_paid_leads(result, spends) + plan.organic_leads)
    variable_sales = (
        plan.commission_rate * result.value.first_year_revenue * mean_customers
        if plan.commission_cost is None
        else plan.commission_cost
    )
    marketing = spends.sum(axis=-1)[..., None]
    return mean_customers * result.value.ltv - marketing - plan.sales_headcount_cost - variable_sales


def _customers_at(result: EconomicsResult, spends) -> np.ndarray:
    """Simulated new customers per trial at these spends (same random numbers as the base run)."""
    if result.funnel_customers is not None:
        return _scaled(result, _paid_leads(result, spends))[0]
    mean = result.p_customer * (_paid_leads(result, spends) + result.plan.organic_leads)
    return stats.poisson.ppf(result._uniforms[:, 0], mean)


def _at_spend(result: EconomicsResult, spends: np.ndarray) -> dict[str, np.ndarray]:
    """Customers, expected value and every metric per trial at these spends (any leading batch shape)."""
    plan = result.plan
    spends = np.asarray(spends, dtype=float)
    leads = _paid_leads(result, spends)
    if result.funnel_customers is not None:
        customers, paid = _scaled(result, leads)
    else:
        customers, paid = _counts(result.p_customer, leads, plan.organic_leads, result._uniforms)
    marketing = spends.sum(axis=-1)[..., None]
    _, metrics = _metrics(plan, marketing, customers, paid, result.value)
    return {"customers": customers, "value": _expected_value(result, spends), **metrics}


def spend_frontier(result: EconomicsResult, budgets=None, points: int = 41) -> pd.DataFrame:
    """Paid budget (current channel mix) vs new customers, LTV:CAC, CAC and monthly value, as P10/P50/P90."""
    plan = result.plan
    if budgets is None:
        top = max(3.0 * plan.paid_spend, 0.5 * max_useful_budget(plan))
        budgets = np.linspace(0.0, top, points)
    budgets = np.asarray(budgets, dtype=float)
    spends = budgets[:, None] * _mix(plan)
    customers = _customers_at(result, spends)
    # The paid/organic split is not needed here (it only feeds paid CAC and ROI), so it is not drawn.
    _, metrics = _metrics(plan, budgets[:, None], customers, customers, result.value)
    state = {"customers": customers, "value": _expected_value(result, spends), **metrics}
    rows = {"budget": budgets}
    for name in ("customers", "ltv_cac", "cac_blended", "payback_months", "value"):
        q = _quantiles(state[name], axis=-1)
        for label, values in zip(("p10", "p50", "p90"), q, strict=False):
            rows[f"{name}_{label}"] = values
    rows["value_mean"] = state["value"].mean(axis=-1)
    rows["p_ltv_cac_above_bar"] = np.mean(state["ltv_cac"] >= plan.ltv_cac_bar, axis=-1)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SpendAnswer:
    """A paid budget (currency per month), its split by channel and what it buys."""

    budget: float
    channel_spend: dict[str, float]
    customers_p10: float
    customers_p50: float
    customers_p90: float
    ltv_cac_p50: float
    value_mean: float
    reachable: bool = True
    note: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _answer(result: EconomicsResult, budget: float, reachable: bool = True, note: str = "") -> SpendAnswer:
    mix = _mix(result.plan)
    state = _at_spend(result, budget * mix)
    c10, c50, c90 = _quantiles(state["customers"])
    return SpendAnswer(
        float(budget),
        {c.name: float(budget * w) for c, w in zip(result.plan.channels, mix, strict=False)},
        float(c10),
        float(c50),
        float(c90),
        float(_quantiles(state["ltv_cac"])[1]),
        float(state["value"].mean()),
        reachable,
        note,
    )


def value_maximising_spend(result: EconomicsResult) -> SpendAnswer:
    """The paid budget (current mix) that maximises expected customers x (LTV - CAC) per month.

    customers x (LTV - CAC) = customers x LTV - all S&M spend; its expectation is concave in the budget.
    """
    if not result.plan.channels:
        return _answer(result, 0.0, note="no paid channels")
    mix = _mix(result.plan)
    top = max_useful_budget(result.plan)
    best = optimize.minimize_scalar(
        lambda b: -float(_expected_value(result, b * mix).mean()),
        bounds=(0.0, top),
        method="bounded",
        options={"xatol": max(1.0, top * 1e-6)},
    )
    return _answer(result, float(best.x))


def spend_for_target(
    result: EconomicsResult, target: float | None = None, confidence: float | None = None
) -> SpendAnswer:
    """Smallest paid budget (current mix) with P(new customers in the month >= target) >= confidence."""
    plan = result.plan
    target = plan.target_customers if target is None else target
    confidence = plan.target_confidence if confidence is None else confidence
    mix = _mix(plan)

    def chance(budget: float) -> float:
        return float(np.mean(_customers_at(result, budget * mix) >= target))

    if chance(0.0) >= confidence:
        return _answer(
            result, 0.0, note=f"organic leads alone reach {target:g} customers with {confidence:.0%} confidence"
        )
    top = max_useful_budget(plan)
    if not plan.channels or chance(top) < confidence:
        ceiling = _quantiles(_customers_at(result, top * mix), q=(1 - confidence,))[0] if plan.channels else 0
        return _answer(
            result,
            top,
            reachable=False,
            note=(
                f"not reachable with these channels: even at saturation they give {ceiling:,.0f} customers a month "
                f"with {confidence:.0%} confidence; add a channel or improve conversion"
            ),
        )
    lo, hi = 0.0, top
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if chance(mid) >= confidence else (mid, hi)
        if hi - lo <= max(1.0, 1e-3 * hi):
            break
    return _answer(result, hi)


def _per_lead(result: EconomicsResult) -> np.ndarray:
    """Per trial, new customers per lead: the conversion product, or with the funnel's trials their customers
    over the plan's leads."""
    if result.funnel_customers is None:
        return result.p_customer
    return np.divide(
        result.funnel_customers, result.base_leads, out=np.zeros_like(result.base_leads), where=result.base_leads > 0
    )


def channel_comparison(result: EconomicsResult) -> pd.DataFrame:
    """Per channel at current spend: leads, customers, average and marginal CAC (fully loaded) against LTV."""
    plan = result.plan
    per_lead = _per_lead(result)
    p_mean = float(per_lead.mean())
    mean_customers = float(result.customers.mean())
    sales_per_customer = float(result.sales_cost.mean()) / mean_customers if mean_customers > 0 else np.inf
    ltv = float(np.median(result.value.ltv))
    commission = (
        plan.commission_rate * float(result.value.first_year_revenue.mean()) if plan.commission_cost is None else 0.0
    )
    net_value = float(np.mean(per_lead * (result.value.ltv - commission)))
    rows = []
    for k, c in enumerate(plan.channels):
        leads = float(result.leads_paid[:, k].mean())
        customers = p_mean * leads
        avg_cac = c.monthly_spend / customers + sales_per_customer if customers > 0 else np.inf
        marginal_cac = float(marginal_cost_per_lead(c, c.monthly_spend)) / p_mean + commission
        best = c.scale * np.log(net_value / c.initial_cost_per_lead) if net_value > c.initial_cost_per_lead else 0.0
        if marginal_cac > ltv and avg_cac > ltv:
            verdict = "loses money: each customer costs more than they are worth"
        elif marginal_cac > ltv:
            verdict = "past its best: the next customer costs more than they are worth"
        elif avg_cac > ltv:
            verdict = "costs more than the customers are worth on average"
        else:
            verdict = "worth more than it costs"
        rows.append(
            {
                "channel": c.name,
                "spend": c.monthly_spend,
                "leads": leads,
                "customers": customers,
                "cost_per_lead": c.monthly_spend / leads if leads > 0 else np.nan,
                "average_cac": avg_cac,
                "marginal_cac": marginal_cac,
                "ltv": ltv,
                "clv_below_cac": bool(avg_cac > ltv or marginal_cac > ltv),
                "value_maximising_spend": float(best),
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def _quantiles(values: np.ndarray, axis: int = -1, q=(0.1, 0.5, 0.9)) -> np.ndarray:
    """Percentiles that tolerate infinite CAC (months with no customer): no interpolation across inf."""
    return np.quantile(np.asarray(values, dtype=float), q, axis=axis, method="inverted_cdf")
