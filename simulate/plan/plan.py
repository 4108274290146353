"""One plan, month by month: the open pipeline as of the date plus new deals created after it, per trial.

    result = run_plan(cal, months=12, trials=10_000, seed=7)
    result.monthly(), result.quarters(), result.chance(), result.to_dict()

Per trial (vectorised across trials, chunked):
- existing pipeline: every open deal with a created date (simulate.pipeline's snapshot) is won in plan month k
  with chance p_k = P(won between its age at the start and end of month k | open now) from the censored
  close curves, times its product's win-rate factor and the quarter rhythm of month k; one per-trial common
  multiplier M (lognormal, mean 1, the pipeline model's month-to-month log-sd) scales all chances. One
  uniform per deal and trial picks the month: won by month k iff u < min(1, M * (p_1 + ... + p_k)), so a deal
  is won at most once. Won deals are sized from their amount or their product's lognormal.
- new pipeline: the funnel engine (simulate.funnel.run) on the calibrated scenario, started cold: volume paths
  whose month before the plan is 0, so no cohort from before the as-of date is in flight (those deals are
  the existing pipeline: nothing is counted twice). Deals created in the first plan month are scaled by the
  share of that month after the as-of date.
- totals: bookings = already booked in the first month (mid-month as-of) + existing + new, in the same trial.
Overrides (what-ifs) change the scenario; a win-rate override also scales the existing deals' chances by
override / calibrated, and a deal-size override scales their sizes by the ratio of medians.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from simulate.funnel import Chance, Distribution, chance_at_least, run, summarize
from simulate.plan.calibrate import MAX_PLAN_MONTHS, PlanCalibration
from simulate.plan.sources import PlanInputError
from simulate.scenario import MAX_REPS, CycleLength, DealSize, Rate, RepGroup, Scenario, ScenarioError, Stage, Target

CHUNK_CELLS = 400_000  # trials x deals cells per chunk of the existing-pipeline draw
PATHS = 1_000  # volume paths handed to the funnel engine (each trial picks one)
EXISTING_STREAM = 1013  # spawn key keeping the existing pipeline's random numbers apart from the engine's
OVERRIDE_KEYS = {
    "win_rate": "Win rate (Opportunity -> Won)",
    "cycle_median": "Sales cycle median (days)",
    "cycle_p90": "Sales cycle P90 (days)",
    "deal_median": "Deal size median",
    "deal_p90": "Deal size P90",
    "volume_level": "Volume per month (level)",
    "volume_growth": "Growth per month",
    "volume_noise": "Month-to-month noise",
    "target": "Target",
}


@dataclass(frozen=True)
class PlanResult:
    """Trials x months of bookings and won deals, existing and new pipeline apart."""

    calibration: PlanCalibration
    scenario: Scenario
    months: list[str]  # "YYYY-MM"
    trials: int
    seed: int
    existing_bookings: np.ndarray = field(repr=False)  # (trials, months), incl. already booked in month 1
    existing_won: np.ndarray = field(repr=False)
    new_bookings: np.ndarray = field(repr=False)
    new_won: np.ndarray = field(repr=False)
    per_rep: pd.DataFrame | None = None
    rep_existing: np.ndarray | None = field(default=None, repr=False)  # (trials, owners) open-deal bookings

    def per_rep_table(self) -> pd.DataFrame | None:
        """Per rep: `per_rep` when run with it, else computed now from the same trials (None without owners)."""
        if self.per_rep is not None or self.rep_existing is None:
            return self.per_rep
        rep_new = new_deals_per_rep(self.calibration, self.scenario, len(self.months), self.trials, self.seed)
        return _per_rep_table(self.calibration, self.rep_existing, self.new_bookings, rep_new)

    @property
    def bookings(self) -> np.ndarray:
        return self.existing_bookings + self.new_bookings

    @property
    def won(self) -> np.ndarray:
        return self.existing_won + self.new_won

    @property
    def target(self) -> Target:
        return self.scenario.target

    def target_months(self) -> tuple[int, int]:
        """The target period as [start, stop) plan-month offsets (clipped to the plan)."""
        t, h = self.target, len(self.months)
        if t.period == "month":
            start, stop = t.index - 1, t.index
        elif t.period == "quarter":
            start, stop = 3 * (t.index - 1), 3 * t.index
        else:
            start, stop = 0, h
        return min(start, h), min(stop, h)

    def target_label(self) -> str:
        start, stop = self.target_months()
        if stop <= start:
            return "(outside the plan)"
        names = [_month_name(m) for m in self.months]
        return names[start] if stop - start == 1 else f"{names[start]} - {names[stop - 1]}"

    def period_total(self, metric: str = "revenue") -> np.ndarray:
        start, stop = self.target_months()
        data = self.bookings if metric == "revenue" else self.won.astype(float)
        return data[:, start:stop].sum(axis=1)

    def chance(self) -> Chance:
        """Chance of reaching the target (its metric, over its period)."""
        return chance_at_least(self.period_total(self.target.metric), self.target.value)

    def monthly(self) -> pd.DataFrame:
        """One row per month: bookings and won deals (mean, p10, p50, p90), existing / new means, cumulative."""
        b, w = self.bookings, self.won
        cum = np.cumsum(b, axis=1)
        rows = []
        for k, month in enumerate(self.months):
            qb = np.percentile(b[:, k], [10, 50, 90])
            qw = np.percentile(w[:, k], [10, 50, 90])
            qc = np.percentile(cum[:, k], [10, 50, 90])
            rows.append(
                {
                    "month": month,
                    "bookings_mean": float(b[:, k].mean()),
                    "bookings_p10": qb[0],
                    "bookings_p50": qb[1],
                    "bookings_p90": qb[2],
                    "won_mean": float(w[:, k].mean()),
                    "won_p10": qw[0],
                    "won_p50": qw[1],
                    "won_p90": qw[2],
                    "existing_mean": float(self.existing_bookings[:, k].mean()),
                    "new_mean": float(self.new_bookings[:, k].mean()),
                    "existing_won_mean": float(self.existing_won[:, k].mean()),
                    "new_won_mean": float(self.new_won[:, k].mean()),
                    "cumulative_p10": qc[0],
                    "cumulative_p50": qc[1],
                    "cumulative_p90": qc[2],
                }
            )
        return pd.DataFrame(rows)

    def quarters(self) -> pd.DataFrame:
        """Calendar quarters touched by the plan: bookings and won deals (mean, p10, p50, p90); `months` in plan."""
        periods = pd.PeriodIndex(self.months, freq="M")
        rows = []
        for q in periods.asfreq("Q").unique():
            cols = np.flatnonzero(periods.asfreq("Q") == q)
            b = self.bookings[:, cols].sum(axis=1)
            w = self.won[:, cols].sum(axis=1)
            rows.append(
                {
                    "quarter": f"Q{q.quarter} {q.year}",
                    "months": len(cols),
                    **{f"bookings_{k}": v for k, v in summarize(b).to_dict().items() if k in _KEEP},
                    **{f"won_{k}": v for k, v in summarize(w).to_dict().items() if k in _KEEP},
                    "existing_mean": float(self.existing_bookings[:, cols].sum(axis=1).mean()),
                    "new_mean": float(self.new_bookings[:, cols].sum(axis=1).mean()),
                }
            )
        return pd.DataFrame(rows)

    def total(self) -> Distribution:
        return summarize(self.bookings.sum(axis=1))

    def to_dict(self) -> dict:
        """The CLI's `plan --json`: months (bookings, won_deals, existing, new), quarters, target chance."""
        table = self.monthly()
        months = []
        for _, r in table.iterrows():
            months.append(
                {
                    "month": r["month"],
                    "bookings": {k: float(r[f"bookings_{k}"]) for k in ("mean", "p10", "p50", "p90")},
                    "won_deals": {k: float(r[f"won_{k}"]) for k in ("mean", "p10", "p50", "p90")},
                    "existing": float(r["existing_mean"]),
                    "new": float(r["new_mean"]),
                    "cumulative": {k: float(r[f"cumulative_{k}"]) for k in ("p10", "p50", "p90")},
                }
            )
        chance = self.chance()
        out = {
            "as_of": f"{self.calibration.as_of:%Y-%m-%d}",
            "trials": self.trials,
            "seed": self.seed,
            "months": months,
            "quarters": self.quarters().to_dict(orient="records"),
            "total": self.total().to_dict(),
            "target": {
                "metric": self.target.metric,
                "value": self.target.value,
                "period": self.target.period,
                "index": self.target.index,
                "months": self.target_label(),
                "chance": chance.p,
                "chance_mc_se": chance.mc_se,
            },
            "booked_so_far": self.calibration.booked_so_far,
            "open_deals": int(self.calibration.snapshot.open["age_known"].sum()),
            "messages": list(self.calibration.messages),
        }
        if self.per_rep is not None:
            out["per_rep"] = self.per_rep.to_dict(orient="records")
        return out


_KEEP = ("mean", "p10", "p50", "p90")


def _month_name(month: str) -> str:
    return pd.Period(month, "M").strftime("%b %Y")


# --- overrides -----------------------------------------------------------------------------------------
def apply_overrides(cal: PlanCalibration, overrides: dict[str, float] | None) -> Scenario:
    """The calibrated scenario with what-if values (keys of OVERRIDE_KEYS, or rate_<column> for monthly rates)."""
    s = cal.scenario
    if not overrides:
        return s
    o = dict(overrides)
    unknown = [k for k in o if k not in OVERRIDE_KEYS and not k.startswith("rate_")]
    if unknown:
        raise PlanInputError("overrides", f"unknown input(s) {', '.join(unknown)}; allowed: {', '.join(OVERRIDE_KEYS)}")
    stages = list(s.stages)
    for k, stage in enumerate(stages):
        key = "win_rate" if k == len(stages) - 1 else f"rate_{_column_of(stage.name)}"
        if k > 0 and key in o:
            stages[k] = Stage(stage.name, Rate.point(_fraction(key, o[key])))
    cycle, size = s.cycle, s.deal_size  # a what-if is a point: it drops the data's range on that median
    if "cycle_median" in o or "cycle_p90" in o:
        cycle = CycleLength(o.get("cycle_median", s.cycle.median_days), o.get("cycle_p90", s.cycle.p90_days))
    if "deal_median" in o or "deal_p90" in o:
        size = DealSize(o.get("deal_median", s.deal_size.median), o.get("deal_p90", s.deal_size.p90))
    volume = s.volume
    if any(k in o for k in ("volume_level", "volume_growth", "volume_noise")):
        volume = replace(
            volume,
            level=o.get("volume_level", volume.level),
            growth=o.get("volume_growth", volume.growth),
            overdispersion=o.get("volume_noise", volume.overdispersion),
            forecast_paths=None,
            forecast_label="",
        )
    target = replace(s.target, value=o.get("target", s.target.value))
    try:
        return s.replace(
            name=f"{s.name} (what-if)", stages=tuple(stages), cycle=cycle, deal_size=size, volume=volume, target=target
        )
    except ScenarioError as exc:
        raise PlanInputError(exc.field, exc.message) from None


def overrides_between(cal: PlanCalibration, scenario: Scenario) -> dict[str, float]:
    """The what-ifs a saved scenario holds against a fresh calibration (inverse of apply_overrides)."""
    base, out = cal.scenario, {}
    for k, (a, b) in enumerate(zip(base.stages, scenario.stages, strict=False)):
        if k > 0 and a.conversion != b.conversion and b.conversion is not None:
            key = "win_rate" if k == len(base.stages) - 1 else f"rate_{_column_of(b.name)}"
            out[key] = b.conversion.mean()
    pairs = {
        "cycle_median": (base.cycle.median_days, scenario.cycle.median_days),
        "cycle_p90": (base.cycle.p90_days, scenario.cycle.p90_days),
        "deal_median": (base.deal_size.median, scenario.deal_size.median),
        "deal_p90": (base.deal_size.p90, scenario.deal_size.p90),
        "volume_level": (base.volume.level, scenario.volume.level),
        "volume_growth": (base.volume.growth, scenario.volume.growth),
        "volume_noise": (base.volume.overdispersion, scenario.volume.overdispersion),
        "target": (base.target.value, scenario.target.value),
    }
    for key, (a, b) in pairs.items():
        if not np.isclose(a, b, rtol=1e-9, atol=1e-12):
            out[key] = float(b)
    return out


def _column_of(stage: str) -> str:
    return {"Leads": "leads", "MQL": "mqls", "SQL": "sqls", "Opportunity": "opportunities"}.get(stage, stage.lower())


def _fraction(key: str, value: float) -> float:
    v = float(value)
    if not 0.0 < v <= 1.0:
        raise PlanInputError(key, f"{OVERRIDE_KEYS.get(key, key)} must be a share between 0 and 1 (got {value})")
    return v


# --- the run -------------------------------------------------------------------------------------------
def run_plan(
    cal: PlanCalibration,
    months: int = 12,
    trials: int = 10_000,
    seed: int = 0,
    overrides: dict[str, float] | None = None,
    target: Target | None = None,
    per_rep: bool = True,
) -> PlanResult:
    """Simulate the plan's next `months` months (1-24) in `trials` futures: existing + new pipeline per trial."""
    if not 1 <= int(months) <= MAX_PLAN_MONTHS:
        raise PlanInputError("months", f"the plan covers 1-{MAX_PLAN_MONTHS} months (got {months})")
    if not 100 <= int(trials) <= 1_000_000:
        raise PlanInputError("trials", f"trials must be between 100 and 1,000,000 (got {trials})")
    if not 0 <= int(seed) < 2**32:
        raise PlanInputError("seed", f"seed must be between 0 and 4294967295 (got {seed})")
    months, trials, seed = int(months), int(trials), int(seed)
    scenario = apply_overrides(cal, overrides)
    if target is not None:
        scenario = scenario.replace(target=target)
    plan_months = pd.period_range(cal.first_month, periods=months, freq="M")
    base_rate = cal.scenario.stages[-1].conversion.mean()
    win_scale = scenario.stages[-1].conversion.mean() / base_rate if base_rate > 0 else 1.0
    size_scale = scenario.deal_size.median / cal.scenario.deal_size.median
    ex = existing_pipeline(cal, plan_months, trials, seed, win_scale=win_scale, size_scale=size_scale)
    new_b, new_w = new_pipeline(cal, scenario, months, trials, seed)
    ex_b, ex_w, rep_b = ex
    ex_b[:, 0] += cal.booked_so_far
    ex_w[:, 0] += cal.won_so_far
    reps = None
    if per_rep and rep_b is not None:
        rep_new = new_deals_per_rep(cal, scenario, months, trials, seed)
        reps = _per_rep_table(cal, rep_b, new_b, rep_new)
    return PlanResult(
        calibration=cal,
        scenario=scenario,
        months=[str(p) for p in plan_months],
        trials=trials,
        seed=seed,
        existing_bookings=ex_b,
        existing_won=ex_w,
        new_bookings=new_b,
        new_won=new_w,
        per_rep=reps,
        rep_existing=rep_b,
    )


def month_win_chances(cal: PlanCalibration, plan_months: pd.PeriodIndex, win_scale: float = 1.0) -> pd.DataFrame:
    """Open deals with a created date and their chance to be won in each plan month (columns p_0 .. p_{H-1})."""
    snap, pipe = cal.snapshot, cal.pipeline
    deals = snap.open[snap.open["age_known"]].reset_index(drop=True)
    age = deals["days"].to_numpy(float)
    ends = np.array([(p.end_time.normalize() - cal.as_of).days for p in plan_months], dtype=float)
    starts = np.concatenate([[0.0], ends[:-1]])
    factor = pipe.win_factor(deals[pipe.segment].astype(str)) * win_scale
    effects = np.array([pipe.month_effects[(p.month - 1) % 3] for p in plan_months])
    p = np.empty((len(deals), len(plan_months)))
    for k in range(len(plan_months)):
        p[:, k] = pipe.curves.won_between(age, age + starts[k], age + ends[k]) * factor * effects[k]
    cum = np.minimum(np.cumsum(p, axis=1), 1.0)
    p = np.diff(np.concatenate([np.zeros((len(deals), 1)), cum], axis=1), axis=1)
    columns = {f"p_{k}": p[:, k] for k in range(len(plan_months))}
    return deals.assign(**columns)


def existing_pipeline(
    cal: PlanCalibration,
    plan_months: pd.PeriodIndex,
    trials: int,
    seed: int,
    win_scale: float = 1.0,
    size_scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(bookings, won) trials x months from the deals open at as_of, and bookings per trial x owner (horizon)."""
    h = len(plan_months)
    table = month_win_chances(cal, plan_months, win_scale)
    p = table[[f"p_{k}" for k in range(h)]].to_numpy(float)
    keep = p.sum(axis=1) > 0
    table, p = table[keep].reset_index(drop=True), p[keep]
    bookings = np.zeros((trials, h))
    won = np.zeros((trials, h), dtype=np.int64)
    owners = sorted(cal.reps["owner"]) if cal.reps is not None else None
    rep_b = np.zeros((trials, len(owners))) if owners is not None else None
    if len(table) == 0:
        return bookings, won, rep_b
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(EXISTING_STREAM,)))
    sigma = cal.pipeline.volatility
    mult = np.exp(sigma * rng.standard_normal(trials) - sigma**2 / 2) if sigma > 0 else np.ones(trials)
    cum = np.cumsum(p, axis=1).astype(np.float32)  # (deals, h), <= 1
    last = int(np.max(np.flatnonzero(p.max(axis=0) > 0))) + 1  # months where any deal can still be won
    cum = cum[:, :last]
    mu, sd = cal.pipeline.size_params(table["product"])
    mu = mu + np.log(size_scale)
    amount = table["amount"].to_numpy(float) * size_scale
    known = np.isfinite(amount)
    owner_idx = (
        table["owner"].map({o: i for i, o in enumerate(owners)}).fillna(-1).to_numpy(int)
        if owners is not None
        else None
    )
    d = len(table)
    rows = max(1, CHUNK_CELLS // d)
    for lo in range(0, trials, rows):
        hi = min(trials, lo + rows)
        n = hi - lo
        u = rng.random((n, d), dtype=np.float32) / mult[lo:hi, None].astype(np.float32)
        month = np.zeros((n, d), dtype=np.int8)
        for k in range(last):
            month += u >= cum[None, :, k]
        r, c = np.nonzero(month < last)
        m = month[r, c].astype(np.int64)
        size = np.where(known[c], amount[c], np.exp(mu[c] + sd[c] * rng.standard_normal(len(c))))
        flat = r * h + m
        bookings[lo:hi] += np.bincount(flat, weights=size, minlength=n * h).reshape(n, h)
        won[lo:hi] += np.bincount(flat, minlength=n * h).reshape(n, h)
        if rep_b is not None:
            o = owner_idx[c]
            ok = o >= 0
            rep_b[lo:hi] += np.bincount(
                r[ok] * len(owners) + o[ok], weights=size[ok], minlength=n * len(owners)
            ).reshape(n, len(owners))
    return bookings, won, rep_b


def volume_paths(cal: PlanCalibration, scenario: Scenario, months: int, seed: int) -> tuple[np.ndarray, str]:
    """(months + 1) x PATHS expected volume at the top: row 0 (the month before the plan) is 0 (a cold start),
    row 1 is scaled by the share of the first month after as_of. Forecast paths when calibrated with them and
    the volume was not overridden; else level x growth x seasonality x gamma noise (the engine's own law)."""
    v = scenario.volume
    if cal.volume_paths is not None and v == cal.scenario.volume:
        paths = np.asarray(cal.volume_paths, dtype=float)[:months]
        take = np.random.default_rng(seed).integers(0, paths.shape[1], PATHS)
        paths, label = paths[:, take], "forecast of the volume"
    else:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(EXISTING_STREAM + 1,)))
        season = np.asarray(v.seasonality, dtype=float)
        season = season / season.mean()
        cal_months = (cal.first_month.month - 1 + np.arange(months)) % 12
        mean = v.level * (1.0 + v.growth) ** np.arange(months) * season[cal_months]
        if v.overdispersion > 0:
            shape = 1.0 / v.overdispersion**2
            noise = rng.gamma(shape, 1.0 / shape, (months, PATHS))
        else:
            noise = np.ones((months, PATHS))
        paths, label = mean[:, None] * noise, "calibrated level, growth and seasonality"
    paths = paths.copy()
    paths[0] *= cal.first_fraction
    return np.vstack([np.zeros((1, paths.shape[1])), paths]), label


def engine_scenario(cal: PlanCalibration, scenario: Scenario, months: int, seed: int) -> Scenario:
    """The scenario the funnel engine runs for the new pipeline: from the month before the plan (volume 0 there:
    a cold start) for months + 1 months, volume from `volume_paths`, the target over the whole run."""
    paths, label = volume_paths(cal, scenario, months, seed)
    engine = scenario.without_volume_paths().replace(
        start_month=str(cal.first_month - 1), horizon_months=months + 1, target=Target("revenue", 1.0, "horizon", 1)
    )
    return engine.with_volume_paths(paths, label)


def new_pipeline(cal: PlanCalibration, scenario: Scenario, months: int, trials: int, seed: int):
    """(bookings, won) trials x months from deals created after as_of: the funnel engine, cold start."""
    result = run(engine_scenario(cal, scenario, months, seed), trials, seed, stage_trials=0)
    return np.asarray(result.revenue[:, 1:], dtype=float), np.asarray(result.won[:, 1:], dtype=np.int64)


def new_deals_per_rep(
    cal: PlanCalibration, scenario: Scenario, months: int, trials: int, seed: int
) -> np.ndarray | None:
    """(trials, reps) bookings from new deals per rep (reps in cal.reps' owner order, sorted), through capacity:
    simulate.capacity.simulate_team splits each trial's new won deals among the reps (one seat per owner, with
    their tenure, ramp and productivity spread; capacity-limited), on the same engine trials as the plan."""
    from simulate.capacity import simulate_team

    if cal.reps is None or scenario.team is None or len(cal.reps) > MAX_REPS:
        return None
    tenure = cal.reps.set_index("owner")["tenure_months"]
    team = replace(scenario.team, current_reps=tuple(RepGroup(1, int(tenure[o])) for o in sorted(tenure.index)))
    engine = engine_scenario(cal, scenario, months, seed).replace(team=team)
    result = run(engine, trials, seed, stage_trials=0)
    return np.asarray(simulate_team(engine, result).seat_revenue, dtype=float)[:, : len(tenure)]


def _per_rep_table(
    cal: PlanCalibration, rep_existing: np.ndarray, new_bookings: np.ndarray, rep_new: np.ndarray | None
) -> pd.DataFrame:
    """Per rep over the plan: their own open deals (per trial) + new deals routed to them through capacity (per
    trial, same trials; without a team, their share of deals created in the window); mean and P10/P50/P90."""
    reps = cal.reps.set_index("owner").sort_index()
    if rep_new is None:
        rep_new = np.outer(new_bookings.sum(axis=1), reps["created_share"].to_numpy(float))
    rows = []
    for i, owner in enumerate(reps.index):
        total = rep_existing[:, i] + rep_new[:, i]
        q = np.percentile(total, [10, 50, 90])
        rows.append(
            {
                "owner": owner,
                "existing_mean": float(rep_existing[:, i].mean()),
                "new_mean": float(rep_new[:, i].mean()),
                "bookings_mean": float(total.mean()),
                "bookings_p10": q[0],
                "bookings_p50": q[1],
                "bookings_p90": q[2],
            }
        )
    return pd.DataFrame(rows).sort_values("bookings_mean", ascending=False).reset_index(drop=True)
