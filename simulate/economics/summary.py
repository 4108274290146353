"""What the unit-economics page, exports and tests show: P10/P50/P90 tables, histograms, verdicts in words.

Never raw trials: everything here is a small frame or a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.wording import chance_in_10, count, money
from simulate.economics.model import (
    EconomicsResult,
    SpendAnswer,
    _quantiles,
    channel_comparison,
    run_economics,
    spend_for_target,
    spend_frontier,
    value_maximising_spend,
)
from simulate.scenario import EconomicsPlan, Scenario

# name -> (label, unit, direction: "higher" is better or "lower")
METRIC_INFO = {
    "ltv_cac": ("LTV:CAC", "x", "higher"),
    "payback_months": ("CAC payback (months)", "months", "lower"),
    "cac_blended": ("Blended CAC", "$", "lower"),
    "cac_paid": ("Paid CAC", "$", "lower"),
    "ltv": ("LTV (lifetime gross profit)", "$", "higher"),
    "marketing_roi": ("Marketing ROI", "x", "higher"),
    "magic_number": ("Magic number", "x", "higher"),
}


@dataclass(frozen=True)
class EconomicsView:
    plan: EconomicsPlan
    trials: int
    seed: int
    metrics: pd.DataFrame  # one row per metric: metric, label, unit, p10, p50, p90, bar, p_meets_bar
    ltv_cac_hist: pd.DataFrame
    payback_hist: pd.DataFrame
    customers: dict  # p10, p50, p90, mean per month
    frontier: pd.DataFrame
    best: SpendAnswer
    target: SpendAnswer
    channels: pd.DataFrame
    verdicts: tuple[str, ...]
    warnings: tuple[str, ...]

    def metric(self, name: str) -> pd.Series:
        return self.metrics.set_index("metric").loc[name]


def _hist(values: np.ndarray, clip_quantile: float = 0.99, bins: int = 40) -> pd.DataFrame:
    x = np.asarray(values, dtype=float)
    finite = x[np.isfinite(x)]
    if len(finite) == 0:
        return pd.DataFrame({"bin_start": [], "bin_end": [], "share": []})
    hi = float(np.quantile(finite, clip_quantile))
    lo = float(finite.min())
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    counts, _ = np.histogram(np.clip(finite, lo, hi), bins=edges)
    return pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "share": counts / len(x)})


def metrics_table(result: EconomicsResult) -> pd.DataFrame:
    plan = result.plan
    bars = {"ltv_cac": plan.ltv_cac_bar, "payback_months": plan.payback_bar_months}
    rows = []
    for name, (label, unit, direction) in METRIC_INFO.items():
        values = result.metrics[name]
        p10, p50, p90 = _quantiles(values)
        bar = bars.get(name)
        meets = None
        if bar is not None:
            meets = float(np.mean(values >= bar)) if direction == "higher" else float(np.mean(values <= bar))
        rows.append(
            {
                "metric": name,
                "label": label,
                "unit": unit,
                "direction": direction,
                "p10": float(p10),
                "p50": float(p50),
                "p90": float(p90),
                "bar": bar,
                "p_meets_bar": meets,
            }
        )
    return pd.DataFrame(rows)


def verdicts(
    result: EconomicsResult, table: pd.DataFrame, best: SpendAnswer, target: SpendAnswer, channels: pd.DataFrame
) -> tuple[str, ...]:
    plan = result.plan
    row = table.set_index("metric")
    ratio, payback = row.loc["ltv_cac"], row.loc["payback_months"]
    out = []
    healthy = ratio["p_meets_bar"] >= 0.5
    out.append(
        f"{'Growth pays' if healthy else 'Growth does not pay yet'}: a new customer is worth {ratio['p50']:.1f}x what "
        f"it costs to win (P50; P10-P90 {ratio['p10']:.1f}x-{ratio['p90']:.1f}x). "
        f"{chance_in_10(ratio['p_meets_bar']).capitalize()} chance LTV:CAC clears {plan.ltv_cac_bar:g}:1."
    )
    out.append(
        f"The acquisition cost is earned back in {payback['p50']:.0f} months (P50; P10-P90 "
        f"{payback['p10']:.0f}-{payback['p90']:.0f}); {chance_in_10(payback['p_meets_bar'])} chance within "
        f"{plan.payback_bar_months:g} months."
    )
    current = plan.paid_spend
    if best.budget > 1.1 * current:
        out.append(
            f"Spending more pays: value peaks at about {money(best.budget)} a month of paid marketing "
            f"(now {money(current)}), buying about {count(best.customers_p50)} customers a month."
        )
    elif best.budget < 0.9 * current:
        out.append(
            f"You are past the point of best value: about {money(best.budget)} a month of paid marketing "
            f"(now {money(current)}) would leave more profit, because the last dollars buy customers worth less than they cost."
        )
    else:
        out.append(
            f"Paid spend of {money(current)} a month is close to the value-maximising level ({money(best.budget)})."
        )
    confidence = f"{plan.target_confidence:.0%}"
    if target.reachable:
        out.append(
            f"For {count(plan.target_customers)} new customers a month with {confidence} confidence you need about "
            f"{money(target.budget)} a month of paid marketing in the current mix."
        )
    else:
        out.append(f"{count(plan.target_customers)} new customers a month with {confidence} confidence: {target.note}.")
    losing = channels[channels["clv_below_cac"]]
    for item in losing.itertuples():
        out.append(
            f"{item.channel}: {item.verdict} (average CAC {money(item.average_cac)}, next customer "
            f"{money(item.marginal_cac)}, LTV {money(item.ltv)})."
        )
    return tuple(out)


def build_economics_view(
    scenario: Scenario, trials: int | None = None, seed: int | None = None, funnel=None
) -> EconomicsView:
    """Run the plan (scenario.economics or the default) and summarise it for display.

    New customers per month come from the funnel's own trials (one future per trial across the app): the
    scenario's funnel run with the same seed, given as `funnel` or run here."""
    from simulate.funnel import run as run_funnel

    plan = scenario.economics or EconomicsPlan()
    trials = max(int(min(trials or scenario.trials, 20_000)), 500)
    if funnel is None or funnel.trials < trials:
        funnel = run_funnel(scenario, trials=trials, seed=seed, stage_trials=0)
    result = run_economics(scenario, plan, trials=trials, seed=funnel.seed, funnel=funnel)
    table = metrics_table(result)
    best = value_maximising_spend(result)
    target = spend_for_target(result)
    channels = channel_comparison(result)
    c10, c50, c90 = _quantiles(result.customers)
    return EconomicsView(
        plan=plan,
        trials=result.trials,
        seed=result.seed,
        metrics=table,
        ltv_cac_hist=_hist(result.metrics["ltv_cac"]),
        payback_hist=_hist(result.metrics["payback_months"]),
        customers={"p10": float(c10), "p50": float(c50), "p90": float(c90), "mean": float(result.customers.mean())},
        frontier=spend_frontier(result),
        best=best,
        target=target,
        channels=channels,
        verdicts=verdicts(result, table, best, target, channels),
        warnings=result.value.warnings,
    )


def team_commission_rate(scenario: Scenario, trials: int = 2_000) -> float:
    """The capacity plan's cost of sales (expected commission / expected bookings), as a commission rate.

    Uses the scenario's team plan (simulate.capacity) on the same funnel: the commission plan's accelerators
    and the attainment spread are in it. Raises ValueError when the scenario has no team plan.
    """
    from simulate.capacity import capacity_summary, simulate_team
    from simulate.funnel import run as run_funnel

    if scenario.team is None:
        raise ValueError("the scenario has no team plan (set one on the capacity page)")
    funnel = run_funnel(scenario, trials=trials)
    team = simulate_team(scenario, funnel)
    return float(capacity_summary(team).cost_of_sales)
