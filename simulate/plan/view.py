"""What the plan page (and reports) show: forecast-call words for the bands, fan-chart rows, the inputs table and
one sentence. No streamlit; pure functions of a PlanResult / PlanCalibration.

Band words (configurable): Commit = the amount reached in 9 of 10 futures (the 10th percentile), Most likely = the
median, Best case = the amount exceeded in 1 of 10 futures (the 90th percentile).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.wording import chance_in_10, money
from simulate.plan.calibrate import PlanCalibration
from simulate.plan.plan import PlanResult

COMMIT_CHOICES = (0.7, 0.8, 0.9, 0.95)  # chance of at least the Commit figure


@dataclass(frozen=True)
class BandWords:
    """Forecast-call labels and the chances behind them. commit_chance: share of futures at or above Commit;
    best_chance: share of futures above Best case."""

    commit: str = "Commit"
    likely: str = "Most likely"
    best: str = "Best case"
    commit_chance: float = 0.9
    best_chance: float = 0.1

    def __post_init__(self) -> None:
        if not 0.5 < self.commit_chance < 1.0:
            raise ValueError(f"the Commit chance must be between 50% and 100% (got {self.commit_chance})")
        if not 0.0 < self.best_chance < 0.5:
            raise ValueError(f"the Best case chance must be between 0% and 50% (got {self.best_chance})")

    @property
    def quantiles(self) -> tuple[float, float, float]:
        """Percentiles (0-100) for Commit, Most likely, Best case."""
        return 100 * (1 - self.commit_chance), 50.0, 100 * (1 - self.best_chance)

    def mapping(self) -> str:
        """The mapping stated on screen."""
        c, b = self.commit_chance, self.best_chance
        return (
            f"{self.commit}: we book at least this in {_in10(c)} futures (P{round(100 * (1 - c))}). "
            f"{self.likely}: as likely above as below (P50). "
            f"{self.best}: {_in10(b)} futures book more (P{round(100 * (1 - b))})."
        )


def _in10(p: float) -> str:
    return f"{p * 10:g} in 10" if abs(p * 10 - round(p * 10)) < 1e-9 else f"{p:.0%} of"


def fan_rows(result: PlanResult, words: BandWords = BandWords()) -> pd.DataFrame:
    """One row per month for the fan chart: month (label), commit, likely, best, mean, existing, new, target share."""
    q = words.quantiles
    b = result.bookings
    bands = np.percentile(b, q, axis=0)
    cum = np.percentile(np.cumsum(b, axis=1), q, axis=0)
    return pd.DataFrame(
        {
            "month": [pd.Period(m, "M").strftime("%b %Y") for m in result.months],
            "order": np.arange(len(result.months)),
            "commit": bands[0],
            "likely": bands[1],
            "best": bands[2],
            "mean": b.mean(axis=0),
            "existing": result.existing_bookings.mean(axis=0),
            "new": result.new_bookings.mean(axis=0),
            "cumulative_commit": cum[0],
            "cumulative_likely": cum[1],
            "cumulative_best": cum[2],
        }
    )


def quarter_rows(result: PlanResult, words: BandWords = BandWords()) -> pd.DataFrame:
    """Calendar quarters: Commit / Most likely / Best case, existing and new means."""
    q = words.quantiles
    periods = pd.PeriodIndex(result.months, freq="M").asfreq("Q")
    rows = []
    for quarter in periods.unique():
        cols = np.flatnonzero(periods == quarter)
        total = result.bookings[:, cols].sum(axis=1)
        c, m, b = np.percentile(total, q)
        part = "" if len(cols) == 3 else f" ({len(cols)} of 3 months)"
        rows.append(
            {
                "quarter": f"Q{quarter.quarter} {quarter.year}{part}",
                words.commit: money(c),
                words.likely: money(m),
                words.best: money(b),
                "from open deals": money(float(result.existing_bookings[:, cols].sum(axis=1).mean())),
                "from new deals": money(float(result.new_bookings[:, cols].sum(axis=1).mean())),
            }
        )
    return pd.DataFrame(rows)


def inputs_rows(cal: PlanCalibration, overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """The calibrated-inputs table: input, calibrated value, what-if (if overridden), source."""
    overrides = overrides or {}
    rows = []
    for item in cal.inputs:
        what_if = overrides.get(item.key)
        rows.append(
            {
                "input": item.label,
                "from your data": item.text,
                "what-if": "" if what_if is None else _format_override(item.key, what_if),
                "source": item.source.describe(),
            }
        )
    return pd.DataFrame(rows)


def _format_override(key: str, value: float) -> str:
    if key == "win_rate" or key.startswith("rate_") or key in ("volume_noise",):
        return f"{value:.1%}"
    if key == "volume_growth":
        return f"{value:+.1%}"
    if key.startswith("cycle"):
        return f"{value:.0f} days"
    return f"{value:,.0f}"


def plan_sentence(result: PlanResult, words: BandWords = BandWords()) -> str:
    """One sentence: the plan's total, Commit / Most likely / Best case, how much is already in the pipeline,
    and the chance of the target."""
    total = result.bookings.sum(axis=1)
    c, m, b = np.percentile(total, words.quantiles)
    names = [pd.Period(x, "M").strftime("%b %Y") for x in result.months]
    span = names[0] if len(names) == 1 else f"{names[0]} - {names[-1]}"
    existing = float(result.existing_bookings.sum(axis=1).mean())
    share = existing / max(float(total.mean()), 1e-9)
    chance = result.chance()
    t = result.target
    goal = money(t.value) if t.metric == "revenue" else f"{t.value:,.0f} won deals"
    return (
        f"{span}: {words.likely.lower()} {money(m)} booked ({words.commit.lower()} {money(c)}, "
        f"{words.best.lower()} {money(b)}); {share:.0%} of it from deals already open. "
        f"Chance of reaching {goal} in {result.target_label()}: {chance_in_10(chance.p)}."
    )
