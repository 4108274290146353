"""Monthly history derived from the bundled CRM export (data/crm/sales_pipeline.csv).

    >>> frame, issues = crm_monthly_history()
    >>> frame.columns  # opportunities_created, won_deals, lost_deals, bookings

opportunities_created counts deals by the month of engage_date (Prospecting deals have none and are
not counted, which is reported); won_deals, lost_deals and bookings (sum of close_value of won deals,
currency) are by the month of close_date. Months between the first and last date with no event count 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from crm.numbers import parse_numbers
from forecast.history import HistoryError, ImportIssue

CRM_PIPELINE = Path(__file__).resolve().parents[1] / "data" / "crm" / "sales_pipeline.csv"
REQUIRED = ("deal_stage", "engage_date", "close_date", "close_value")


def crm_monthly_history(path: str | Path = CRM_PIPELINE) -> tuple[pd.DataFrame, list[ImportIssue]]:
    """Monthly counts and bookings from a CRM opportunities export; (frame by month, issues)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise HistoryError(f"CRM file lacks column(s) {', '.join(missing)}")
    issues: list[ImportIssue] = []
    rows = pd.Series(np.arange(len(table)) + 2, index=table.index)
    engage = pd.to_datetime(table["engage_date"].str.strip(), format="%m/%d/%Y", errors="coerce")
    close = pd.to_datetime(table["close_date"].str.strip(), format="%m/%d/%Y", errors="coerce")
    value = parse_numbers(table["close_value"])[0]  # the shared reader every upload uses
    stage = table["deal_stage"].str.strip()

    no_engage = engage.isna()
    if no_engage.any():
        stages = stage[no_engage].value_counts().to_dict()
        issues.append(
            ImportIssue(
                "info",
                f"{int(no_engage.sum())} deals have no engage date "
                f"({', '.join(f'{k}: {v}' for k, v in stages.items())}); not counted "
                "in opportunities_created",
            )
        )
    bad = (table["engage_date"].str.strip() != "") & no_engage
    for pos in np.flatnonzero(bad.to_numpy()):
        issues.append(
            ImportIssue(
                "error",
                f"engage date '{table['engage_date'].iloc[pos]}' not understood",
                int(rows.iloc[pos]),
                "engage_date",
            )
        )
    closed = stage.isin(["Won", "Lost"])
    no_close = closed & close.isna()
    for pos in np.flatnonzero(no_close.to_numpy()):
        issues.append(
            ImportIssue(
                "error", "closed deal without a readable close date; not counted", int(rows.iloc[pos]), "close_date"
            )
        )
    won = (stage == "Won") & close.notna()
    no_value = won & value.isna()
    for pos in np.flatnonzero(no_value.to_numpy()):
        issues.append(
            ImportIssue(
                "warning",
                "won deal without a close value; counted as a win, adds 0 to bookings",
                int(rows.iloc[pos]),
                "close_value",
            )
        )

    created = engage.dropna().dt.to_period("M").value_counts()
    won_month = close[won].dt.to_period("M")
    frame = pd.DataFrame(
        {
            "opportunities_created": created,
            "won_deals": won_month.value_counts(),
            "lost_deals": close[(stage == "Lost") & close.notna()].dt.to_period("M").value_counts(),
            "bookings": value[won].fillna(0).groupby(won_month).sum(),
        }
    )
    months = pd.period_range(frame.index.min(), frame.index.max(), freq="M", name="month")
    frame = frame.reindex(months).astype(float)
    # before the first close (or after the last engage) a column has no data, not zero activity
    for col, dates in (
        ("opportunities_created", engage),
        ("won_deals", close),
        ("lost_deals", close),
        ("bookings", close),
    ):
        span = dates.dropna().dt.to_period("M")
        inside = (months >= span.min()) & (months <= span.max())
        frame.loc[inside, col] = frame.loc[inside, col].fillna(0.0)
    issues.append(
        ImportIssue(
            "info",
            f"CRM history covers {months[0]} to {months[-1]} ({len(months)} months); "
            "closes start in " + str(close.dropna().dt.to_period("M").min()),
        )
    )
    return frame, issues
