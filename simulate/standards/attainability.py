"""Attainability and fairness of per-rep standards.

Attainability of a proposed standard, over the last `window` periods of per-rep KPI values:
- historical share: share of rep-periods (with a value) that met the standard;
- expected share: the average over reps of each rep's chance of meeting it next period, from a
  per-rep Monte Carlo (trials x reps, explicit seed):
    * proportion KPIs (win rate, conversions): the rep's rate theta ~ Beta(1 + successes, 1 + failures)
      over the window, next period's count n ~ Poisson(the rep's average count per period) and the
      observed rate Binomial(n, theta) / n (trials with n = 0 cannot be judged and are left out);
    * other KPIs: Normal(the rep's pooled value over the window, the spread of their period values)
      (the team's spread of rep-period values when a rep has fewer than 3 periods), floored at 0;
- the inverse: the standard that a chosen share (e.g. 65%) of reps can meet, historically (a quantile
  of the rep-period values) and expected (the same quantile of the pooled next-period draws).

Fairness: leads received (new opportunities) per rep per period, the spread across reps (coefficient
of variation) and a chi-square test of equal shares; reps getting under 75% or over 125% of the team
average per rep are flagged, since a rep cannot be judged fairly on conversion with fewer or worse leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kpi.catalogue import get
from simulate.scenario import Standard

MIN_PERIODS_FOR_OWN_SPREAD = 3
FAIR_LOW, FAIR_HIGH = 0.75, 1.25
UNEQUAL_P = 0.01
UNEQUAL_CV = 0.15


@dataclass(frozen=True)
class Attainability:
    """How attainable one per-rep standard is (shares are fractions 0-1, values in the KPI's unit)."""

    kpi: str
    reps: int  # reps with at least one value in the window
    rep_periods: int
    historical_share: float  # NaN when no rep has a value
    expected_share: float
    expected_share_mc_se: float
    share_goal: float
    standard_for_share_historical: float
    standard_for_share_expected: float
    per_rep: pd.DataFrame  # rep, periods, value (pooled over the window), met_share, chance_next

    @property
    def attainable(self) -> bool:
        return bool(self.expected_share >= self.share_goal)

    def to_dict(self) -> dict:
        return {
            "kpi": self.kpi,
            "reps": self.reps,
            "historical_share": _clean(self.historical_share),
            "expected_share": _clean(self.expected_share),
            "expected_share_mc_se": _clean(self.expected_share_mc_se),
            "share_goal": self.share_goal,
            "standard_for_share_historical": _clean(self.standard_for_share_historical),
            "standard_for_share_expected": _clean(self.standard_for_share_expected),
        }


def _clean(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def recent(rep_values: pd.DataFrame, window: int) -> pd.DataFrame:
    """Rows of the last `window` periods (periods sort as text: YYYY-MM, YYYYQn, YYYY-MM-DD)."""
    periods = sorted(rep_values["period"].unique())[-window:]
    return rep_values[rep_values["period"].isin(periods)]


def attainability(
    rep_values: pd.DataFrame,
    standard: Standard,
    *,
    share_goal: float = 0.65,
    window: int = 6,
    trials: int = 4_000,
    seed: int = 7,
) -> Attainability:
    """Attainability of `standard` from one KPI's per-rep rows (rep, period, value, numerator, denominator)."""
    k = get(standard.kpi)
    rows = recent(rep_values, window)
    valued = rows[np.isfinite(rows["value"].to_numpy(dtype=float))]
    values = valued["value"].to_numpy(dtype=float)
    meets = values >= standard.target if k.higher_is_better else values <= standard.target
    q_hist = (1.0 - share_goal) if k.higher_is_better else share_goal
    hist_share = float(meets.mean()) if len(values) else float("nan")
    hist_standard = float(np.quantile(values, q_hist)) if len(values) else float("nan")

    reps = sorted(valued["rep"].unique())
    grouped = rows[rows["rep"].isin(reps)].groupby("rep")
    num = grouped["numerator"].sum().reindex(reps).to_numpy(dtype=float)
    den = grouped["denominator"].sum().reindex(reps).to_numpy(dtype=float)
    periods = grouped["period"].nunique().reindex(reps).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    if not reps:
        draws = np.empty((trials, 0))
    elif k.kind == "proportion":
        theta = rng.beta(1.0 + num, 1.0 + den - num, size=(trials, len(reps)))
        n = rng.poisson(den / np.maximum(periods, 1.0), size=(trials, len(reps)))
        with np.errstate(invalid="ignore", divide="ignore"):
            draws = np.where(n > 0, rng.binomial(n, theta) / n, np.nan)
    else:
        by_rep = valued.groupby("rep")["value"]
        centre = _pooled(num, den, by_rep.mean().reindex(reps).to_numpy(dtype=float))
        own_sd = by_rep.std(ddof=1).reindex(reps).to_numpy(dtype=float)
        counts = by_rep.size().reindex(reps).to_numpy()
        team_sd = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
        sd = np.where((counts >= MIN_PERIODS_FOR_OWN_SPREAD) & np.isfinite(own_sd), own_sd, team_sd)
        draws = np.maximum(0.0, centre + sd * rng.standard_normal((trials, len(reps))))
    judged = np.isfinite(draws)
    hit = (draws >= standard.target) if k.higher_is_better else (draws <= standard.target)
    with np.errstate(invalid="ignore"):
        chance = (hit & judged).sum(axis=0) / np.maximum(judged.sum(axis=0), 1)
        n_judged = judged.sum(axis=1)
        share_per_trial = np.where(n_judged > 0, (hit & judged).sum(axis=1) / np.maximum(n_judged, 1), np.nan)
    expected = float(chance.mean()) if reps else float("nan")
    ok_trials = share_per_trial[np.isfinite(share_per_trial)]
    se = float(ok_trials.std(ddof=1) / np.sqrt(len(ok_trials))) if len(ok_trials) > 1 else float("nan")
    exp_standard = float(np.nanquantile(draws, q_hist)) if judged.any() else float("nan")
    met = valued.assign(m=meets).groupby("rep")["m"].mean().reindex(reps).to_numpy(dtype=float)
    per_rep = pd.DataFrame(
        {
            "rep": reps,
            "periods": periods.astype(int) if reps else [],
            "value": _pooled(num, den, np.full(len(reps), np.nan)) if reps else [],
            "met_share": met,
            "chance_next": chance if reps else [],
        }
    )
    return Attainability(
        kpi=standard.kpi,
        reps=len(reps),
        rep_periods=len(values),
        historical_share=hist_share,
        expected_share=expected,
        expected_share_mc_se=se,
        share_goal=share_goal,
        standard_for_share_historical=hist_standard,
        standard_for_share_expected=exp_standard,
        per_rep=per_rep,
    )


def _pooled(num: np.ndarray, den: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Rep's value over the window as a ratio of sums (num / den), or `fallback` for totals (no denominator)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = num / den
    return np.where(np.isfinite(den) & (den > 0), pooled, fallback)


@dataclass(frozen=True)
class Fairness:
    """Leads received per rep per period over the window, and whether shares look unequal."""

    per_rep: pd.DataFrame  # rep, leads, leads_per_period, share_of_average, flag[, lead_value, lead_value_of_team]
    periods: int
    mean_per_rep: float
    cv: float  # spread across reps: standard deviation / mean of their totals
    p_equal: float  # chi-square p-value of "every rep gets an equal share"
    unequal: bool
    message: str

    def to_dict(self) -> dict:
        return {
            "periods": self.periods,
            "mean_per_rep_per_period": _clean(self.mean_per_rep),
            "cv": _clean(self.cv),
            "p_equal": _clean(self.p_equal),
            "unequal": self.unequal,
            "message": self.message,
            "flagged_reps": self.per_rep.loc[self.per_rep["flag"] != "", "rep"].tolist(),
        }


def lead_value(opportunities: pd.DataFrame, rep_periods: pd.Series, periods: list[str], period_label) -> pd.Series:
    """Average expected value of the leads each rep received in `periods`: a measure of lead *quality*.

    A lead's expected value is what a closed opportunity of its product has booked on average across the
    team (won amount / closed deals of that product, all history), so a rep given cheaper or harder
    products gets a lower value. `period_label(dates)` maps created dates to period labels.
    """
    o = opportunities
    closed = o[o["status"].isin(["won", "lost"])]
    booked = closed["amount"].where(closed["status"] == "won", 0.0).fillna(0.0)
    per_product = booked.groupby(closed["product"]).sum() / closed.groupby("product").size()
    fresh = o[o["created_date"].notna()]
    fresh = fresh[period_label(fresh["created_date"]).isin(periods).to_numpy()]
    values = fresh["product"].map(per_product).astype(float)  # float even when no lead is in `periods`
    return values.groupby(fresh["owner"]).mean()


def fairness(lead_rows: pd.DataFrame, *, window: int = 6, quality: pd.Series | None = None) -> Fairness:
    """From per-rep rows of `new_opportunities` (rep, period, value); `quality`: rep -> expected value per lead."""
    rows = recent(lead_rows, window)
    periods = int(rows["period"].nunique())
    totals = rows.groupby("rep")["value"].sum(min_count=1).dropna()  # reps absent from the CRM: not judged
    leads = totals.to_numpy(dtype=float)
    mean = float(leads.mean()) if len(leads) else float("nan")
    if len(leads) < 2 or leads.sum() == 0:
        per_rep = pd.DataFrame(
            {
                "rep": totals.index,
                "leads": leads,
                "leads_per_period": leads / max(periods, 1),
                "share_of_average": np.nan,
                "flag": "",
            }
        )
        return Fairness(
            per_rep, periods, float("nan"), float("nan"), float("nan"), False, "Not enough lead data to compare reps."
        )
    ratio = leads / mean
    flag = np.where(ratio < FAIR_LOW, "fewer leads", np.where(ratio > FAIR_HIGH, "more leads", ""))
    cv = float(leads.std(ddof=1) / mean)
    p = float(stats.chisquare(leads).pvalue)
    unequal = bool(p < UNEQUAL_P and cv > UNEQUAL_CV)
    per_rep = pd.DataFrame(
        {
            "rep": totals.index,
            "leads": leads,
            "leads_per_period": leads / max(periods, 1),
            "share_of_average": ratio,
            "flag": flag,
        }
    ).sort_values("leads", ascending=False, ignore_index=True)
    n_flag = int((flag != "").sum())
    weaker = 0
    if quality is not None and len(quality.dropna()):
        value = quality.reindex(per_rep["rep"]).to_numpy(dtype=float)
        team_value = float(
            np.nansum(value * per_rep["leads"].to_numpy()) / per_rep["leads"].to_numpy()[np.isfinite(value)].sum()
        )
        per_rep["lead_value"] = value
        per_rep["lead_value_of_team"] = value / team_value
        weak = per_rep["lead_value_of_team"].to_numpy() < FAIR_LOW
        per_rep["flag"] = [
            f"{f}; weaker lead mix" if w and f else ("weaker lead mix" if w else f)
            for f, w in zip(per_rep["flag"], weak, strict=True)
        ]
        weaker = int(weak.sum())
    if unequal:
        message = (
            f"Reps get unequal shares of leads: spread {cv:.0%} of the average over the last {periods} periods "
            f"(chance of this under equal shares p = {p:.1g}); {n_flag} rep(s) get under 75% or over 125% of the average. "
            "Compare their conversion KPIs with care."
        )
    else:
        message = f"Leads are shared about equally (spread {cv:.0%} of the average over the last {periods} periods)."
    if weaker:
        message += (
            f" {weaker} rep(s) get a weaker lead mix: their leads' expected value (from each product's team "
            "average bookings per closed deal) is under 75% of the team's."
        )
    return Fairness(per_rep, periods, mean / max(periods, 1), cv, p, unequal, message)
