"""What a team simulation means for quota and pay: attainment, share at quota, the recommended
quota, over-assignment, the chance the team makes the plan, and commission cost.

Conventions (shown on the page):
- A rep is a seat (a current rep or a planned hire). Its quota for the target period is the quota per
  rep x its quota credit: the share of the period the seat was filled (times the ramp when
  `ramped_quota` is on). Attainment = bookings in the period / that quota. Seats never filled in the
  period carry no quota and are left out of attainment statistics.
- Share of reps at quota in a trial = reps at or above 100% / reps carrying quota. Its expectation over
  trials is what the recommended quota is set for.
- Quota over-assignment = expected sum of rep quotas / company target; attainment factor = expected team
  bookings / expected sum of rep quotas.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from kpi.wording import format_value, percent
from simulate.capacity.model import TeamResult
from simulate.funnel import Chance, Distribution, chance_at_least, summarize


def full_period_bookings(tr: TeamResult) -> np.ndarray:
    """(trials, seats) bookings / quota credit: the quota at which the seat would be exactly at 100%.

    NaN where the seat carries no quota in the period.
    """
    credit = tr.seat_credit
    out = np.full(credit.shape, np.nan, dtype=np.float32)
    return np.divide(tr.seat_bookings, credit, out=out, where=credit > 0)


def attainment(tr: TeamResult, quota: float | None = None) -> np.ndarray:
    """(trials, seats) attainment (1.0 = 100% of quota); NaN for seats without quota."""
    return full_period_bookings(tr) / float(quota if quota is not None else tr.team.quota)


def share_at_quota(tr: TeamResult, quota: float | None = None) -> np.ndarray:
    """(trials,) share of reps carrying quota who reach it (NaN in a trial with nobody on quota)."""
    a = attainment(tr, quota)
    on_quota = np.isfinite(a)
    made = (a >= 1.0) & on_quota
    n = on_quota.sum(axis=1)
    return np.divide(made.sum(axis=1), n, out=np.full(len(n), np.nan), where=n > 0)


def expected_share_at_quota(tr: TeamResult, quota: float) -> Chance:
    """Expected share of reps at quota, with its Monte Carlo standard error across trials."""
    share = share_at_quota(tr, quota)
    share = share[np.isfinite(share)]
    return Chance(float(share.mean()), float(share.std(ddof=1) / np.sqrt(len(share))))


def recommended_quota(tr: TeamResult, share: float | None = None) -> float:
    """Quota per rep at which the expected share of reps at quota is `share` (default: the plan's).

    E[share(Q)] = mean over trials of (reps with full-period bookings >= Q) / (reps carrying quota):
    non-increasing in Q. Bisection finds the largest Q that still reaches `share`, then snaps it to
    the smallest simulated booking at or above it (where the share is the same), without sorting
    the whole trials x reps sample (memory stays one pass over it).
    """
    share = float(share if share is not None else tr.team.target_share_at_quota)
    x = full_period_bookings(tr)
    on = np.isfinite(x)
    n = on.sum(axis=1)
    keep = n > 0
    x, n = x[keep], n[keep]

    def expected_share(quota: float) -> float:
        return float(np.mean(np.count_nonzero(x >= quota, axis=1) / n))

    lo, hi = 0.0, float(np.nanmax(x)) if x.size else 0.0
    if hi <= 0 or expected_share(hi) >= share:
        return hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if expected_share(mid) >= share:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-9 * max(hi, 1.0):
            break
    at_or_above = x[x >= lo]
    return float(at_or_above.min()) if at_or_above.size else lo


def quota_curve(tr: TeamResult, quotas: np.ndarray) -> pd.DataFrame:
    """Expected share of reps at quota for each candidate quota (for the trade-off chart)."""
    x = full_period_bookings(tr)
    on = np.isfinite(x)
    n = np.maximum(on.sum(axis=1), 1)
    rows = []
    for q in np.asarray(quotas, dtype=float):
        share = ((x >= q) & on).sum(axis=1) / n
        rows.append(
            {
                "quota": q,
                "share_at_quota": float(share.mean()),
                "p10": float(np.percentile(share, 10)),
                "p90": float(np.percentile(share, 90)),
            }
        )
    return pd.DataFrame(rows)


def attainment_histogram(
    tr: TeamResult, quota: float | None = None, width: float = 0.1, top: float = 3.0
) -> pd.DataFrame:
    """Share of reps by attainment bin (pooled over trials, each trial weighted equally); the last
    bin collects everything at or above `top`."""
    a = attainment(tr, quota)
    on = np.isfinite(a)
    n = np.maximum(on.sum(axis=1), 1)
    weights = np.where(on, 1.0 / n[:, None], 0.0) / len(a)
    edges = np.append(np.arange(0.0, top + 1e-9, width), np.inf)
    counts, _ = np.histogram(np.minimum(a[on], top), bins=edges, weights=weights[on])
    return pd.DataFrame(
        {
            "bin_start": edges[:-1],
            "bin_end": np.append(edges[1:-1], top + width),
            "share": counts,
            "at_quota": edges[:-1] >= 1.0 - 1e-9,
        }
    )


def rep_table(tr: TeamResult, quota: float | None = None) -> pd.DataFrame:
    """One row per rep (seat): attainment P10/P50/P90, chance of making quota, months filled."""
    a = attainment(tr, quota)
    on = np.isfinite(a)
    safe = np.where(on, a, np.nan)
    with np.errstate(all="ignore"):
        q = np.nanpercentile(safe, [10, 50, 90], axis=0) if on.any() else np.full((3, a.shape[1]), np.nan)
        p_quota = np.where(on.sum(axis=0) > 0, ((a >= 1) & on).sum(axis=0) / np.maximum(on.sum(axis=0), 1), np.nan)
    return pd.DataFrame(
        {
            "rep": tr.seat_labels,
            "order": np.arange(a.shape[1]),
            "p10": q[0],
            "p50": q[1],
            "p90": q[2],
            "chance_at_quota": p_quota,
            "share_of_trials_on_quota": on.mean(axis=0),
            "mean_credit": tr.seat_credit.mean(axis=0, dtype=float),
        }
    )


def payouts(tr: TeamResult, quota: float | None = None) -> np.ndarray:
    """(trials, seats) commission per rep for the period (currency); 0 for seats without quota."""
    quota = float(quota if quota is not None else tr.team.quota)
    out = np.empty(tr.seat_revenue.shape, dtype=np.float32)
    step = max(1, 250_000 // max(out.shape[1], 1))  # trials per block: keeps temporaries small
    bookings = tr.seat_bookings
    for lo in range(0, out.shape[0], step):
        block = slice(lo, lo + step)
        credit = tr.seat_credit[block]
        a = np.divide(bookings[block], credit * quota, out=np.zeros(credit.shape, np.float32), where=credit > 0)
        out[block] = tr.team.commission.payout(tr.seat_revenue[block], a)
    return out


def cost_of_sales_share(tr: TeamResult, quota: float | None = None) -> np.ndarray:
    """(trials,) commission paid / revenue booked by the team in the target period."""
    revenue = tr.team_revenue()
    total = payouts(tr, quota).sum(axis=1, dtype=float)
    return np.divide(total, revenue, out=np.zeros_like(total), where=revenue > 0)


def commission_cost_per_month(tr: TeamResult, quota: float | None = None) -> np.ndarray:
    """(trials, months) commission cost by month (currency), for CAC.

    Each trial's cost-of-sales share in the target period applied to the team's expected bookings in
    every month of the horizon (worked deals x mean deal value).
    """
    return cost_of_sales_share(tr, quota)[:, None] * tr.worked_deals * tr.mean_deal_value


@dataclass(frozen=True)
class CapacitySummary:
    """Headline numbers for the page, the CLI and reports (units: the target's, currency for pay)."""

    quota: float
    share_at_quota: Distribution  # across trials
    expected_share_at_quota: Chance
    target_share: float
    recommended_quota: float
    team_bookings: Distribution
    hit_plan: Chance
    over_assignment: float
    attainment_factor: float
    commission_cost: Distribution  # total commission in the period, currency
    payout_per_rep: Distribution  # pooled over reps carrying quota, currency
    cost_of_sales: float  # expected commission / expected revenue
    sentence: str

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("share_at_quota", "team_bookings", "commission_cost", "payout_per_rep"):
            data[key] = {k: data[key][k] for k in ("mean", "p10", "p50", "p90")}
        return data


def capacity_summary(tr: TeamResult, quota: float | None = None, target_share: float | None = None) -> CapacitySummary:
    quota = float(quota if quota is not None else tr.team.quota)
    target_share = float(target_share if target_share is not None else tr.team.target_share_at_quota)
    target = tr.scenario.target.value
    share = share_at_quota(tr, quota)
    expected = expected_share_at_quota(tr, quota)
    recommended = recommended_quota(tr, target_share)
    bookings = tr.team_bookings()
    quota_sum = (tr.seat_credit.astype(float) * quota).sum(axis=1).mean()
    pay = payouts(tr, quota)
    on = tr.seat_credit > 0
    revenue = tr.team_revenue()
    return CapacitySummary(
        quota=quota,
        share_at_quota=summarize(share[np.isfinite(share)]),
        expected_share_at_quota=expected,
        target_share=target_share,
        recommended_quota=recommended,
        team_bookings=summarize(bookings),
        hit_plan=chance_at_least(bookings, target),
        over_assignment=float(quota_sum / target),
        attainment_factor=float(bookings.mean() / quota_sum) if quota_sum > 0 else float("nan"),
        commission_cost=summarize(pay.sum(axis=1, dtype=float)),
        payout_per_rep=_pooled(pay[on]) if on.any() else summarize(np.zeros(1)),
        cost_of_sales=float(pay.sum(axis=1, dtype=float).mean() / revenue.mean()) if revenue.mean() > 0 else 0.0,
        sentence=quota_sentence(recommended, target_share, quota, expected.p, tr.metric),
    )


def _pooled(values: np.ndarray, limit: int = 2_000_000) -> Distribution:
    """Summary of a pooled (trials x reps) sample; above `limit` values, of an even stride through it
    (percentiles of 2 million draws are plenty, and memory stays bounded for 2,000-rep teams)."""
    step = max(1, -(-len(values) // limit))
    return summarize(values[::step])


def quota_sentence(recommended: float, target_share: float, quota: float, share_at_current: float, metric: str) -> str:
    """E.g. "A quota of $41k gives 65% of reps a chance to make it; at $50k (the current quota) it is 42%."."""
    first = f"A quota of {format_value(recommended, metric)} gives {percent(target_share)} of reps a chance to make it"
    if abs(quota - recommended) <= 0.005 * recommended:
        return first + "."
    return f"{first}; at {format_value(quota, metric)} (the current quota) it is {percent(share_at_current)}."
