"""Summaries of trial arrays: what pages, the CLI and reports show (never raw draws)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from kpi.wording import chance_in_10, format_value
from simulate.funnel.engine import SimulationResult


@dataclass(frozen=True)
class Distribution:
    """Mean, spread and percentiles of one quantity across trials, with the mean's Monte Carlo error."""

    mean: float
    std: float
    p10: float
    p50: float
    p90: float
    mc_se: float  # standard error of the mean from the trials (iid formula; conservative for LHS)
    trials: int

    def to_dict(self) -> dict:
        return asdict(self)


def summarize(samples: np.ndarray) -> Distribution:
    x = np.asarray(samples, dtype=float)
    p10, p50, p90 = np.percentile(x, [10, 50, 90])
    std = float(x.std(ddof=1)) if len(x) > 1 else 0.0
    return Distribution(float(x.mean()), std, float(p10), float(p50), float(p90), std / np.sqrt(len(x)), len(x))


@dataclass(frozen=True)
class Chance:
    """Probability that a quantity reaches a threshold, with its Monte Carlo standard error."""

    p: float
    mc_se: float

    def to_dict(self) -> dict:
        return asdict(self)


def chance_at_least(samples: np.ndarray, threshold: float) -> Chance:
    x = np.asarray(samples)
    p = float(np.mean(x >= threshold))
    return Chance(p, float(np.sqrt(max(p * (1 - p), 1e-12) / len(x))))


@dataclass(frozen=True)
class FunnelSummary:
    """The headline numbers for a scenario's target period."""

    period_label: str
    won_deals: Distribution
    revenue: Distribution
    hit: Chance
    target_metric: str
    target_value: float
    sentence: str

    def to_dict(self) -> dict:
        return {
            "period": self.period_label,
            "won_deals": self.won_deals.to_dict(),
            "revenue": self.revenue.to_dict(),
            "p_hit_target": self.hit.p,
            "p_hit_target_mc_se": self.hit.mc_se,
            "target": {"metric": self.target_metric, "value": self.target_value},
            "sentence": self.sentence,
        }


def funnel_summary(result: SimulationResult) -> FunnelSummary:
    s = result.scenario
    metric = result.period_metric()
    hit = chance_at_least(metric, s.target.value)
    period = s.target_period_label()
    return FunnelSummary(
        period_label=period,
        won_deals=summarize(result.period_won()),
        revenue=summarize(result.period_revenue()),
        hit=hit,
        target_metric=s.target.metric,
        target_value=s.target.value,
        sentence=headline_sentence(metric, s.target.metric, s.target.value, period),
    )


def headline_sentence(metric: np.ndarray, metric_name: str, target: float, period: str) -> str:
    """E.g. "4 in 10 chance of reaching the $2.0M target in quarter 3 (...); 8 in 10 chance of at least $1.6M."."""
    p = float(np.mean(metric >= target))
    likely = float(np.percentile(metric, 20))  # 8 in 10 chance of at least this
    what = format_value(target, metric_name)
    return (
        f"{chance_in_10(p)} chance of reaching the {what} target in {period}; "
        f"8 in 10 chance of at least {format_value(likely, metric_name)}."
    )


def monthly_bands(values: np.ndarray, months: list[str]) -> pd.DataFrame:
    """One row per month: mean, p10, p25, p50, p75, p90 across trials (for fan charts)."""
    q = np.percentile(values, [10, 25, 50, 75, 90], axis=0)
    return pd.DataFrame(
        {
            "month": months,
            "order": np.arange(len(months)),
            "mean": values.mean(axis=0),
            "p10": q[0],
            "p25": q[1],
            "p50": q[2],
            "p75": q[3],
            "p90": q[4],
        }
    )


def histogram(samples: np.ndarray, bins: int = 40, integer: bool = False) -> pd.DataFrame:
    """Counts per bin as a small frame (bin_start, bin_end, share)."""
    x = np.asarray(samples, dtype=float)
    lo, hi = float(x.min()), float(x.max())
    if integer:
        width = max(1, int(np.ceil((hi - lo + 1) / bins)))
        edges = np.arange(np.floor(lo), hi + width + 1, width) - 0.5
    else:
        edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    counts, edges = np.histogram(x, bins=edges)
    return pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "share": counts / len(x)})


def stage_table(result: SimulationResult) -> pd.DataFrame:
    """Per stage: average monthly volume over the horizon with P10/P90 (from the stage-volume trials)."""
    sv = result.stage_volumes.mean(axis=1)  # (trials, stages) average month
    q = np.percentile(sv, [10, 50, 90], axis=0)
    names = result.scenario.stage_names
    conv = ["" if k == 0 else result.scenario.stages[k].conversion.describe() for k in range(len(names))]
    return pd.DataFrame(
        {
            "stage": names,
            "order": np.arange(len(names)),
            "mean": sv.mean(axis=0),
            "p10": q[0],
            "p50": q[1],
            "p90": q[2],
            "conversion": conv,
        }
    )
