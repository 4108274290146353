"""Reporting periods of the KPI tables: names, pandas frequencies, months per period, and period labels."""

from __future__ import annotations

import pandas as pd

PERIODS = ("day", "week", "month", "quarter")
FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}
MONTHS_PER_PERIOD = {"day": 12 / 260, "week": 12 / 52, "month": 1.0, "quarter": 3.0}


def period_of(dates: pd.Series, period: str) -> pd.Series:
    """Period label of each date: "2017-03-06" (day), "2017-03-06" (week, its Monday), "2017-03", "2017Q1"."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)} (got {period!r})")
    p = pd.to_datetime(dates).dt.to_period(FREQ[period])
    if period == "week":
        return p.dt.start_time.dt.strftime("%Y-%m-%d")
    return p.astype(str)


def period_range(first: pd.Timestamp, last: pd.Timestamp, period: str) -> list[str]:
    """All period labels from the one holding `first` to the one holding `last` (none when either is missing)."""
    if pd.isna(first) or pd.isna(last):
        return []
    rng = pd.period_range(first, last, freq=FREQ[period])
    if period == "week":
        return [str(p.start_time.date()) for p in rng]
    return [str(p) for p in rng]
