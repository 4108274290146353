"""Aggregates of a team simulation for the capacity page, reports and exports (never raw draws).

The simulation does not depend on the quota, the target share, the plan confidence or the commission
plan, so `simulation_key()` strips them: a page can keep one simulation while those inputs move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulate.capacity.model import TeamResult
from simulate.capacity.summary import (
    CapacitySummary,
    attainment_histogram,
    capacity_summary,
    payouts,
    quota_curve,
    rep_table,
)
from simulate.scenario import CommissionPlan, Scenario

MAX_REP_ROWS = 120  # per-rep chart rows; larger teams show an even sample of seats


def simulation_key(scenario: Scenario) -> Scenario:
    """The scenario with the inputs that do not change the simulation set to fixed values."""
    team = scenario.team.replace(quota=1.0, target_share_at_quota=0.5, plan_confidence=0.5, commission=CommissionPlan())
    return scenario.replace(team=team)


@dataclass(frozen=True)
class CapacityView:
    """Everything the capacity page draws for one scenario and quota."""

    summary: CapacitySummary
    quota_curve: pd.DataFrame  # quota, share_at_quota, p10, p90
    histogram: pd.DataFrame  # attainment bins: bin_start, bin_end, share, at_quota
    reps: pd.DataFrame  # one row per rep (seat), possibly sampled: attainment P10/P50/P90
    monthly: pd.DataFrame  # month, order, series, mean, p10, p90 (in the target's unit per month)
    team_size: pd.DataFrame  # month, order, series (Reps in seat / Ramped rep equivalents), mean, p10, p90
    payout_hist: pd.DataFrame  # bin_start, bin_end, share (commission per rep in the period)
    plan_per_month: float  # target / months of the target period
    period_months: list[str]


def monthly_frame(tr: TeamResult) -> pd.DataFrame:
    """Capacity, funnel demand and expected bookings by month (deals, or revenue at the mean deal value)."""
    scale = tr.mean_deal_value if tr.metric == "revenue" else 1.0
    rows = []
    for series, values in (
        ("Team capacity", tr.capacity_deals),
        ("Funnel demand", tr.demand_deals),
        ("Expected bookings", tr.worked_deals),
    ):
        q = np.percentile(values * scale, [10, 90], axis=0)
        for k, month in enumerate(tr.months):
            rows.append(
                {"month": month, "order": k, "series": series, "mean": float(values[:, k].mean() * scale),
                 "p10": float(q[0, k]), "p90": float(q[1, k])}
            )  # fmt: skip
    return pd.DataFrame(rows)


def team_size_frame(tr: TeamResult) -> pd.DataFrame:
    rows = []
    for series, values in (("Reps in seat", tr.headcount), ("Ramped rep equivalents", tr.ramped_equivalents)):
        q = np.percentile(values, [10, 90], axis=0)
        for k, month in enumerate(tr.months):
            rows.append(
                {"month": month, "order": k, "series": series, "mean": float(values[:, k].mean()),
                 "p10": float(q[0, k]), "p90": float(q[1, k])}
            )  # fmt: skip
    return pd.DataFrame(rows)


def payout_histogram(tr: TeamResult, quota: float, bins: int = 30) -> pd.DataFrame:
    pay = payouts(tr, quota)[tr.seat_credit > 0]
    top = float(np.percentile(pay, 99)) if pay.size else 1.0
    edges = np.linspace(0.0, max(top, 1.0), bins + 1)
    counts, _ = np.histogram(np.minimum(pay, edges[-1]), bins=edges)
    return pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "share": counts / max(pay.size, 1)})


def build_capacity_view(tr: TeamResult, quota: float | None = None) -> CapacityView:
    """Summaries for one quota (default: the team plan's) from a team simulation."""
    team = tr.team
    quota = float(quota if quota is not None else team.quota)
    summary = capacity_summary(tr, quota)
    top = max(quota, summary.recommended_quota) * 2.0
    grid = np.unique(np.concatenate([np.linspace(top / 40, top, 40), [quota, summary.recommended_quota]]))
    reps = rep_table(tr, quota)
    if len(reps) > MAX_REP_ROWS:
        reps = reps.iloc[np.linspace(0, len(reps) - 1, MAX_REP_ROWS).round().astype(int)]
    start, stop = tr.period.start, tr.period.stop
    return CapacityView(
        summary=summary,
        quota_curve=quota_curve(tr, grid),
        histogram=attainment_histogram(tr, quota),
        reps=reps.reset_index(drop=True),
        monthly=monthly_frame(tr),
        team_size=team_size_frame(tr),
        payout_hist=payout_histogram(tr, quota),
        plan_per_month=tr.scenario.target.value / max(stop - start, 1),
        period_months=tr.months[start:stop],
    )


def with_plan(tr: TeamResult, scenario: Scenario) -> TeamResult:
    """A simulation made under `simulation_key(scenario)`, relabelled with the scenario's real quota,
    target share, confidence and commission plan (the arrays are shared, not copied)."""
    import dataclasses

    if simulation_key(scenario) != simulation_key(tr.scenario):
        raise ValueError("the simulation was made for a different team or funnel")
    return dataclasses.replace(tr, scenario=scenario, team=scenario.team)
