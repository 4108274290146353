"""Date format detection for CRM exports: ISO, month-first (US) or day-first, asking when it cannot tell."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from crm.errors import AmbiguousDateFormat, CrmImportError

# Labels users choose from, with the strptime pattern (time of day is stripped before parsing).
DATE_FORMATS: dict[str, str] = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "M/D/YYYY": "%m/%d/%Y",
    "D/M/YYYY": "%d/%m/%Y",
    "D.M.YYYY": "%d.%m.%Y",
    "D-M-YYYY": "%d-%m-%Y",
    "YYYY/MM/DD": "%Y/%m/%d",
    "M/D/YY": "%m/%d/%y",
    "D/M/YY": "%d/%m/%y",
}
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?$")


def strip_time(value: str) -> str:
    """'3/1/2017 10:15 AM' -> '3/1/2017'; '2017-03-01T00:00:00' -> '2017-03-01'."""
    return _TIME_SUFFIX.sub("", value.strip())


def parse_with(values: pd.Series, label: str) -> pd.Series:
    """Parse text dates with one of DATE_FORMATS; unparseable or missing values become NaT."""
    if label not in DATE_FORMATS:
        raise CrmImportError("date_format", f"Unknown date format {label!r}; choose one of {', '.join(DATE_FORMATS)}")
    text = values.map(lambda v: strip_time(v) if isinstance(v, str) else None)
    return pd.to_datetime(text, format=DATE_FORMATS[label], errors="coerce")


def detect_date_format(columns: Iterable[pd.Series]) -> str:
    """The one format that parses every non-empty date in the given columns.

    Raises AmbiguousDateFormat when several fit (all days <= 12), CrmImportError when no format fits at least half of them.
    """
    values = (
        pd.concat([c.dropna() for c in columns if c is not None], ignore_index=True)
        if columns
        else pd.Series([], dtype=object)
    )
    values = values[values.map(lambda v: isinstance(v, str) and v.strip() != "")]
    if values.empty:
        raise CrmImportError("dates", "No dates were found in the date columns: check the column mapping")
    sample = values.drop_duplicates().head(5000)
    share = {label: float(parse_with(sample, label).notna().mean()) for label in DATE_FORMATS}
    best = max(share.values())
    if best < 0.5:  # most dates must fit; the rest are reported row by row
        examples = ", ".join(sample.head(3))
        raise CrmImportError(
            "dates",
            f"The dates ({examples}) do not match a known format (ISO YYYY-MM-DD, M/D/YYYY or D/M/YYYY); choose the date columns again or re-export them",
        )
    fits = [label for label, s in share.items() if s == best]
    # prefer four-digit years when a two-digit pattern fits equally well
    four = [f for f in fits if "YYYY" in f]
    fits = four or fits
    if len(fits) > 1:
        raise AmbiguousDateFormat(fits, list(sample.head(5)))
    return fits[0]
