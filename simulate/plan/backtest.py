"""Backtest the plan on a CRM export: replay month-end origins with only what was known then, forecast the next
3 and 6 months, and score against what was booked. Beside it, two references scored the same way:

- pipeline only: the deals open at the origin (the plan's existing-pipeline part), no new deals;
- funnel at its typed defaults: simulate.scenario.default_scenario() started at the first plan month.

Scores per model and horizon, for monthly bookings (every origin x month pair) and cumulative bookings (the sum
over the horizon, one per origin): coverage of P10-P90 (goal about 80%), median absolute error of P50 (currency)
and the mean CRPS (continuous ranked probability score, currency; lower is better; it rewards sharp and
calibrated distributions at once). An origin whose horizon runs past the export's last full month is skipped for
that horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulate.funnel import run
from simulate.plan.calibrate import calibrate_plan
from simulate.plan.plan import run_plan
from simulate.scenario import Target, default_scenario

MODELS = ("plan", "pipeline only", "funnel defaults")


def default_plan_origins() -> list[pd.Timestamp]:
    """The month-ends 2017-03 .. 2017-09 (the bundled export's origins)."""
    return [p.end_time.normalize() for p in pd.period_range("2017-03", "2017-09", freq="M")]


def crps_from_samples(samples: np.ndarray, actual: float) -> float:
    """CRPS of the empirical distribution of `samples` at `actual`: E|X - y| - E|X - X'| / 2 (sorted-sample form)."""
    x = np.sort(np.asarray(samples, dtype=float))
    n = len(x)
    first = float(np.mean(np.abs(x - actual)))
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    pair = 2.0 * float(np.sum(weights * x)) / (n * n)  # E|X - X'| for the empirical distribution
    return first - 0.5 * pair


@dataclass(frozen=True)
class BacktestTable:
    """rows: one per model x origin x horizon x kind ("monthly" month k, or "cumulative"); scores: per model,
    horizon and kind: cases, coverage, mdae, crps, bias (median P50 - actual)."""

    rows: pd.DataFrame
    scores: pd.DataFrame

    def markdown(self, origins_note: str = "") -> str:
        """The scores as a Markdown table (docs/plan.md and the closing note)."""
        lines = [
            "| horizon | bookings | model | cases | P10-P90 coverage | median abs. error of P50 | mean CRPS |",
            "|---|---|---|---|---|---|---|",
        ]
        for _, r in self.scores.iterrows():
            lines.append(
                f"| {r['horizon']} months | {r['kind']} | {r['model']} | {r['cases']} | {r['coverage']:.0%} | "
                f"{r['mdae']:,.0f} | {r['crps']:,.0f} |"
            )
        if origins_note:
            lines.append("")
            lines.append(origins_note)
        return "\n".join(lines)


def actual_bookings(opportunities: pd.DataFrame) -> pd.Series:
    """Won amounts by close month (Period index)."""
    won = opportunities[opportunities["status"] == "won"]
    return won.groupby(won["close_date"].dt.to_period("M"))["amount"].sum()


def backtest_plan(
    opportunities: pd.DataFrame,
    origins: list[pd.Timestamp] | None = None,
    horizons: tuple[int, ...] = (3, 6),
    trials: int = 2_000,
    seed: int = 0,
    monthly: pd.DataFrame | None = None,
) -> BacktestTable:
    """Forecast from each origin with what was known then; score plan, pipeline only and funnel defaults."""
    origins = default_plan_origins() if origins is None else [pd.Timestamp(o) for o in origins]
    actual = actual_bookings(opportunities)
    last_full = _last_full_month(opportunities)
    rows = []
    for origin in origins:
        first = (origin + pd.Timedelta(days=1)).to_period("M")
        usable = [h for h in horizons if first + h - 1 <= last_full]
        if not usable:
            continue
        h_max = max(usable)
        cal = calibrate_plan(opportunities, origin, monthly=monthly, seed=seed)
        plan = run_plan(cal, h_max, trials, seed, per_rep=False)
        defaults = _funnel_defaults(first, h_max, trials, seed)
        samples = {"plan": plan.bookings, "pipeline only": plan.existing_bookings, "funnel defaults": defaults}
        truth = np.array([float(actual.get(first + k, 0.0)) for k in range(h_max)])
        for h in usable:
            for model, draws in samples.items():
                for k in range(h):
                    rows.append(_row(model, origin, h, "monthly", k + 1, draws[:, k], truth[k]))
                rows.append(_row(model, origin, h, "cumulative", h, draws[:, :h].sum(axis=1), truth[:h].sum()))
    table = pd.DataFrame(rows)
    return BacktestTable(table, score_rows(table))


def _last_full_month(opportunities: pd.DataFrame) -> pd.Period:
    dates = pd.concat([opportunities["created_date"], opportunities["close_date"]]).dropna()
    last = pd.Timestamp(dates.max())
    month = last.to_period("M")
    return month if last.normalize() == month.end_time.normalize() else month - 1


def _funnel_defaults(first: pd.Period, months: int, trials: int, seed: int) -> np.ndarray:
    scenario = default_scenario().replace(
        start_month=str(first), horizon_months=months, target=Target("revenue", 1.0, "horizon", 1), team=None
    )
    return np.asarray(run(scenario, trials, seed, stage_trials=0).revenue, dtype=float)


def _row(model, origin, horizon, kind, step, draws, truth) -> dict:
    p10, p50, p90 = np.percentile(draws, [10, 50, 90])
    return {
        "model": model,
        "origin": origin,
        "horizon": horizon,
        "kind": kind,
        "step": step,
        "actual": truth,
        "p10": p10,
        "p50": p50,
        "p90": p90,
        "inside": bool(p10 <= truth <= p90),
        "abs_error": abs(p50 - truth),
        "crps": crps_from_samples(draws, truth),
    }


def score_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Per horizon, kind and model: cases, coverage, median absolute error of P50, mean CRPS, median bias."""
    if rows.empty:
        return pd.DataFrame(columns=["horizon", "kind", "model", "cases", "coverage", "mdae", "crps", "bias"])
    out = []
    order = {m: i for i, m in enumerate(MODELS)}
    for (h, kind, model), part in rows.groupby(["horizon", "kind", "model"], sort=False):
        out.append(
            {
                "horizon": int(h),
                "kind": kind,
                "model": model,
                "cases": len(part),
                "coverage": float(part["inside"].mean()),
                "mdae": float(part["abs_error"].median()),
                "crps": float(part["crps"].mean()),
                "bias": float((part["p50"] - part["actual"]).median()),
            }
        )
    table = pd.DataFrame(out)
    table["_o"] = table["model"].map(order)
    table = table.sort_values(["horizon", "kind", "_o"], ascending=[True, False, True]).drop(columns="_o")
    return table.reset_index(drop=True)
