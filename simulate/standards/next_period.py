"""The simulated chance of meeting a team standard next period, from the Monte Carlo of the current scenario.

"Next period" is the first month (or the first quarter) of the scenario's horizon. KPIs the funnel
simulates:
- bookings, won_deals, avg_deal_size: from the trials' revenue and won deals by close month;
- leads: entries of the stage named like "lead" in the first period's cohorts;
- conversions (traffic_to_lead, lead_to_mql, mql_to_sql, sql_to_opportunity, win_rate): the observed
  conversion of the first period's cohorts between the matching stages (stage-volume trials), which
  carries both the rate's uncertainty and the period's binomial noise.
Other KPIs (costs, activities, response time, ...) are not in the funnel model: the answer says so.
The chance comes with its Monte Carlo standard error sqrt(p (1 - p) / trials).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpi.catalogue import get
from simulate.funnel import SimulationResult
from simulate.scenario import Standard

# KPI -> (from-stage words, to-stage words): matched against the scenario's stage names, lower case.
CONVERSIONS = {
    "traffic_to_lead": (("visit", "traffic"), ("lead",)),
    "lead_to_mql": (("lead",), ("mql", "marketing")),
    "mql_to_sql": (("mql", "marketing"), ("sql", "sales")),
    "sql_to_opportunity": (("sql", "sales"), ("opportunit",)),
    "win_rate": (("opportunit",), ("won", "customer", "win", "closed")),
}


@dataclass(frozen=True)
class NextPeriodChance:
    """Chance (0-1) of meeting the standard next period, or why there is none."""

    kpi: str
    p: float | None
    mc_se: float | None
    period_label: str
    reason: str = ""

    def to_dict(self) -> dict:
        return {"kpi": self.kpi, "p": self.p, "mc_se": self.mc_se, "period": self.period_label, "reason": self.reason}


def _stage_index(names: list[str], words: tuple[str, ...], start: int = 0) -> int | None:
    for k in range(start, len(names)):
        if any(w in names[k].lower() for w in words):
            return k
    return None


def _months(standard: Standard) -> int | None:
    return {"month": 1, "quarter": 3}.get(standard.period)


def chance_next_period(result: SimulationResult, standard: Standard) -> NextPeriodChance:
    """P(the team meets `standard` in the scenario's first month or quarter), by Monte Carlo."""
    months = _months(standard)
    name = get(standard.kpi).name
    if standard.scope != "team":
        return NextPeriodChance(
            standard.kpi, None, None, "", "the funnel simulates the team; per rep see 'expected to meet'"
        )
    if months is None:
        return NextPeriodChance(
            standard.kpi, None, None, "", "the simulation runs by month; set the standard per month or quarter"
        )
    if months > result.won.shape[1]:
        return NextPeriodChance(
            standard.kpi, None, None, "", "the scenario's horizon is shorter than the standard's period"
        )
    label = result.months[0] if months == 1 else f"{result.months[0]} - {result.months[months - 1]}"
    key = standard.kpi
    if key in ("bookings", "won_deals", "avg_deal_size"):
        won = result.won[:, :months].sum(axis=1).astype(float)
        revenue = result.revenue[:, :months].sum(axis=1)
        if key == "bookings":
            values = revenue
        elif key == "won_deals":
            values = won
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                values = np.where(won > 0, revenue / won, np.nan)
        return _chance(standard, values, label)
    names = result.scenario.stage_names
    volumes = result.stage_volumes[:, :months, :].sum(axis=1).astype(float)  # (stage_trials, stages)
    if key == "leads":
        k = _stage_index(names, ("lead",))
        if k is None:
            return NextPeriodChance(key, None, None, label, "the scenario has no stage named like 'Leads'")
        return _chance(standard, volumes[:, k], label)
    if key in CONVERSIONS:
        src_words, dst_words = CONVERSIONS[key]
        dst = _stage_index(names, dst_words, 1)
        if key == "win_rate" and dst is not None:
            src = dst - 1
        else:
            src = _stage_index(names, src_words)
            dst = dst if src is None or dst is None or dst > src else _stage_index(names, dst_words, src + 1)
        if src is None or dst is None or dst != src + 1:
            return NextPeriodChance(key, None, None, label, f"no consecutive scenario stages match {name}")
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(volumes[:, src] > 0, volumes[:, dst] / volumes[:, src], np.nan)
        return _chance(standard, values, label)
    return NextPeriodChance(key, None, None, label, f"{name} is not part of the funnel simulation")


def _chance(standard: Standard, values: np.ndarray, label: str) -> NextPeriodChance:
    ok = values[np.isfinite(values)]
    if len(ok) == 0:
        return NextPeriodChance(standard.kpi, None, None, label, "no simulated period had any deals")
    hit = ok >= standard.target if get(standard.kpi).higher_is_better else ok <= standard.target
    p = float(hit.mean())
    return NextPeriodChance(standard.kpi, p, float(np.sqrt(max(p * (1 - p), 1e-12) / len(ok))), label)
