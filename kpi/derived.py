"""KPIs that combine other sums or periods: growth, quota attainment, LTV:CAC, payback, coverage.

Called by `kpi.compute` with a function giving the (per-rep, team) component sums of a builder.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kpi.catalogue import get
from kpi.periods import MONTHS_PER_PERIOD, period_of

TEAM = ""


def _frame(rep, period, value, num, den, note) -> pd.DataFrame:
    return pd.DataFrame(
        {"rep": rep, "period": period, "value": value, "numerator": num, "denominator": den, "note": note}
    )


def derived(t, key: str, period: str, grouped: Callable, ratio: Callable) -> pd.DataFrame:
    """Rows (rep, period, value, numerator, denominator, note) of one derived KPI."""
    if key == "revenue_growth":
        parts = []
        for frame in grouped("closed"):
            frame = frame.sort_values(["rep", "period"])
            prev = frame.groupby("rep")["won_amount"].shift(1).to_numpy(dtype=float)
            now = frame["won_amount"].to_numpy(dtype=float)
            change = now - prev
            value, note = ratio(change, prev, "no bookings in the previous period (division by zero)")
            first = np.isnan(prev) & ~np.isnan(now)
            note[first] = "first period: nothing to compare with"
            parts.append(_frame(frame["rep"].to_numpy(), frame["period"].to_numpy(), value, change, prev, note))
        return pd.concat(parts, ignore_index=True)

    if key in ("quota_attainment", "share_at_quota"):
        per_rep, team = grouped("closed")
        quota = float(t.quota_per_month) * MONTHS_PER_PERIOD[period]
        bookings = per_rep["won_amount"].to_numpy(dtype=float)
        attainment = bookings / quota
        if key == "quota_attainment":
            measured = per_rep.assign(n=np.isfinite(bookings).astype(float))
            reps = measured.groupby("period")["n"].sum().reindex(team["period"]).to_numpy(dtype=float)
            team_quota = quota * reps
            team_book = team["won_amount"].to_numpy(dtype=float)
            return pd.concat(
                [
                    _frame(TEAM, team["period"].to_numpy(), team_book / team_quota, team_book, team_quota, ""),
                    _frame(
                        per_rep["rep"].to_numpy(),
                        per_rep["period"].to_numpy(),
                        attainment,
                        bookings,
                        quota,
                        np.where(np.isfinite(bookings), "", "rep not in this table: no data"),
                    ),
                ],
                ignore_index=True,
            )
        at = per_rep.assign(at_quota=(attainment >= 1.0).astype(float), one=np.isfinite(attainment).astype(float))
        at = at.groupby("period")[["at_quota", "one"]].sum()
        return _frame(
            TEAM,
            at.index.to_numpy(),
            at["at_quota"].to_numpy() / at["one"].to_numpy(),
            at["at_quota"].to_numpy(),
            at["one"].to_numpy(),
            "",
        )

    if key in ("ltv_to_cac", "cac_payback_months"):
        _, team = grouped("monthly")
        gp = team["mrr_gross_profit"].to_numpy(dtype=float)
        churned = team["churned_customers"].to_numpy(dtype=float)
        start = team["customers_start"].to_numpy(dtype=float)
        spend = team["acquisition_spend"].to_numpy(dtype=float)
        new = team["new_customers"].to_numpy(dtype=float)
        cac, cac_note = ratio(spend, new, "no new customers (division by zero)")
        if key == "ltv_to_cac":
            clv, clv_note = ratio(gp, churned, "no churned customers: lifetime unbounded (division by zero)")
            value, note = ratio(clv, cac, "CAC is zero (division by zero)")
            note = np.where(cac_note != "", cac_note, np.where(clv_note != "", clv_note, note)).astype(object)
            return _frame(TEAM, team["period"].to_numpy(), value, clv, cac, note)
        margin_per_account, m_note = ratio(gp, start, "no customers at the start (division by zero)")
        value, note = ratio(cac, margin_per_account, "no gross profit per account (division by zero)")
        note = np.where(cac_note != "", cac_note, np.where(m_note != "", m_note, note)).astype(object)
        return _frame(TEAM, team["period"].to_numpy(), value, cac, margin_per_account, note)

    if key == "pipeline_coverage":
        o = t.opportunities
        open_amount = float(o.loc[o["status"] == "open", "amount"].fillna(0.0).sum())
        latest = pd.Timestamp(o[["created_date", "close_date"]].max().max())
        label = period_of(pd.Series([latest]), period).iloc[0]
        target = float(t.coverage_target)
        return _frame(
            TEAM,
            [label],
            [open_amount / target],
            [open_amount],
            [target],
            "open pipeline now vs the next period's target",
        )

    raise KeyError(f"{get(key).name} is not computed from these tables")
