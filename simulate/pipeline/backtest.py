"""Backtest: replay the export as of earlier dates, forecast the next month or quarter, compare with what happened.

Each origin uses `as_of_snapshot` (nothing after the origin), so the scores say how far to trust today's number:
coverage of P10-P90 (the goal is about 80%) and the median absolute percentage error of P50, beside the naive
"every open deal at the overall win rate" forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulate.pipeline.bookings import forecast_pipeline
from simulate.pipeline.calibration import export_date, period_after


def default_origins(opportunities: pd.DataFrame, first_month: str | None = None) -> list[tuple[pd.Timestamp, str]]:
    """Month-ends (next month) from the first month with closed deals + 1, and quarter-ends, whose
    whole next period is inside the export; the last one ends on or before the export date."""
    last = export_date(opportunities)
    closes = opportunities.loc[opportunities["status"].isin(["won", "lost"]), "close_date"].dropna()
    if closes.empty:
        return []
    start = pd.Period(first_month, "M") if first_month else closes.min().to_period("M")
    origins = []
    for month in pd.period_range(start, last.to_period("M"), freq="M"):
        as_of = month.end_time.normalize()
        for kind in ("month", "quarter"):
            per = period_after(as_of, kind)
            is_quarter_end = as_of == as_of.to_period("Q").end_time.normalize()
            if per.end <= last and (kind == "month" or is_quarter_end):
                origins.append((as_of, kind))
    return origins


MAX_BACKTEST_MONTHS = 24  # origins in the last two years of the export: bounded work for any date span
MIN_CLOSED, MIN_WON = 5, 1  # what calibration needs before an as-of date (simulate.pipeline.calibrate)


def earliest_as_of(opp: pd.DataFrame) -> pd.Timestamp | None:
    """The first day with at least MIN_CLOSED closed deals including MIN_WON won one closed on or before it."""
    closed = opp[opp["status"].isin(["won", "lost"])].dropna(subset=["close_date"]).sort_values("close_date")
    enough = (np.arange(1, len(closed) + 1) >= MIN_CLOSED) & (
        (closed["status"] == "won").cumsum().to_numpy() >= MIN_WON
    )
    if not enough.any():
        return None
    return pd.Timestamp(closed["close_date"].to_numpy()[int(np.argmax(enough))]).normalize()


def backtest_origins(
    opp: pd.DataFrame, max_months: int = MAX_BACKTEST_MONTHS
) -> tuple[list[tuple[pd.Timestamp, str]], int]:
    """The backtest's origins that have enough closed deals before them, at most the last `max_months`
    months (bounded work for any date span); (origins, how many were skipped)."""
    origins = default_origins(opp)
    start = earliest_as_of(opp)
    usable = [o for o in origins if start is not None and o[0] >= start]
    months = sorted({as_of for as_of, _ in usable})[-max_months:]
    kept = [o for o in usable if o[0] in set(months)]
    return kept, len(origins) - len(kept)


@dataclass(frozen=True)
class BacktestResult:
    """One row per origin and the scores per period kind (month / quarter)."""

    rows: pd.DataFrame  # as_of, kind, period, actual, p10, p50, p90, inside, ape, naive, naive_ape, actual_won, won_p10/p50/p90, won_inside
    scores: pd.DataFrame  # kind, origins, coverage, mdape, won_coverage, won_mdape, naive_mdape, naive_bias, bias
    reliability: pd.DataFrame  # month origins' open deals: bin, predicted, observed, deals (see reliability_bins)

    def to_dict(self) -> dict:
        return {
            "scores": self.scores.to_dict(orient="records"),
            "rows": self.rows.assign(as_of=self.rows["as_of"].dt.strftime("%Y-%m-%d")).to_dict(orient="records"),
        }


def backtest_pipeline(
    opportunities: pd.DataFrame,
    origins: list[tuple[pd.Timestamp, str]] | None = None,
    trials: int = 2_000,
    seed: int = 0,
    segment: str = "product",
) -> BacktestResult:
    """Forecast from each origin with only what was known then and score against the actual bookings."""
    origins = default_origins(opportunities) if origins is None else origins
    won = opportunities[opportunities["status"] == "won"]
    won_on = won.set_index("opportunity_id")["close_date"]
    rows, deals = [], []
    for as_of, kind in origins:
        fc = forecast_pipeline(opportunities, as_of, kind, trials=trials, seed=seed, segment=segment)
        hit = won[won["close_date"].between(fc.period.start, fc.period.end)]
        if kind == "month":
            closed_at = fc.deals["opportunity_id"].map(won_on)
            deals.append(
                pd.DataFrame({"predicted": fc.deals["p_win"], "won": closed_at.between(fc.period.start, fc.period.end)})
            )
        actual, actual_won = float(hit["amount"].sum()), int(len(hit))
        b, w = fc.bookings, fc.won_deals
        rows.append(
            {
                "as_of": fc.as_of,
                "kind": kind,
                "period": fc.period.label,
                "actual": actual,
                "p10": b.p10,
                "p50": b.p50,
                "p90": b.p90,
                "inside": b.p10 <= actual <= b.p90,
                "ape": _ape(b.p50, actual),
                "naive": fc.naive_mean,
                "naive_ape": _ape(fc.naive_mean, actual),
                "actual_won": actual_won,
                "won_p10": w.p10,
                "won_p50": w.p50,
                "won_p90": w.p90,
                "won_inside": w.p10 <= actual_won <= w.p90,
                "won_ape": _ape(w.p50, actual_won),
            }
        )
    table = pd.DataFrame(rows)
    return BacktestResult(table, score(table), reliability_bins(pd.concat(deals, ignore_index=True) if deals else None))


def reliability_bins(data: pd.DataFrame | None, bins: int = 10) -> pd.DataFrame:
    """Predicted vs observed: deals (columns predicted chance, won True/False) in groups of similar predicted
    chance (deciles; ties merged). One row per group: bin, predicted (mean), observed (share won), deals."""
    if data is None or data.empty:
        return pd.DataFrame(columns=["bin", "predicted", "observed", "deals"])
    data = data.copy()
    edges = np.unique(np.quantile(data["predicted"], np.linspace(0, 1, bins + 1)))
    data["bin"] = np.clip(np.searchsorted(edges, data["predicted"], side="right") - 1, 0, max(len(edges) - 2, 0))
    table = data.groupby("bin").agg(predicted=("predicted", "mean"), observed=("won", "mean"), deals=("won", "size"))
    return table.reset_index()


def _ape(forecast: float, actual: float) -> float:
    return abs(forecast - actual) / actual if actual > 0 else np.nan


def score(rows: pd.DataFrame) -> pd.DataFrame:
    """Per period kind: coverage of P10-P90, median APE of P50, and the same for the naive forecast."""
    if rows.empty:
        return pd.DataFrame(
            columns=[
                "kind",
                "origins",
                "coverage",
                "mdape",
                "bias",
                "won_coverage",
                "won_mdape",
                "naive_mdape",
                "naive_bias",
            ]
        )
    out = []
    for kind, part in rows.groupby("kind", sort=False):
        out.append(
            {
                "kind": kind,
                "origins": len(part),
                "coverage": float(part["inside"].mean()),
                "mdape": float(part["ape"].median()),
                "bias": float(((part["p50"] - part["actual"]) / part["actual"]).median()),
                "won_coverage": float(part["won_inside"].mean()),
                "won_mdape": float(part["won_ape"].median()),
                "naive_mdape": float(part["naive_ape"].median()),
                "naive_bias": float(((part["naive"] - part["actual"]) / part["actual"]).median()),
            }
        )
    return pd.DataFrame(out)
