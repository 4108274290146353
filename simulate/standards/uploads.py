"""A manager's own files as scorecard tables: a CRM export, an activity log and a monthly KPI table.

    tables, notes = uploaded_tables(crm_bytes, None, monthly_bytes, quota_per_month=45_000)

Every file is optional; each one read adds a note saying how many rows were used and how many excluded.
Files are parsed with explicit schemas (crm.load_opportunities, kpi.tables); a file that cannot be used
raises ValueError (CrmImportError, TableError) with a message for the user.
"""

from __future__ import annotations

from kpi.compute import Tables


def uploaded_tables(
    crm_export: bytes | None,
    activities: bytes | None,
    monthly: bytes | None,
    quota_per_month: float | None,
    date_format: str | None = None,
) -> tuple[Tables, list[str]]:
    """Tables from the uploaded files (None = not given) and one note per file; quota 0 or None = no quota.

    date_format: the CRM export's date format (a key of crm.DATE_FORMATS) when detection finds it ambiguous."""
    import crm
    from kpi.tables import MONTHLY_NUMERIC, read_activities, read_monthly

    notes = []
    opportunities = activity_log = monthly_table = None
    if crm_export is not None:
        imported = crm.load_opportunities(crm_export, date_format=date_format)
        opportunities = imported.opportunities
        notes.append(f"CRM export: {imported.accounting}")
        if opportunities["close_date"].isna().all():
            notes.append("No deal in the CRM export has a close date: win rates and bookings cannot be measured yet.")
    if activities is not None:
        read = read_activities(normalised_csv(activities, "activity log", ("response_minutes",)))
        activity_log = read.frame
        notes.append(f"Activity log: {len(read.frame):,} rows; {read.excluded} excluded.")
    if monthly is not None:
        read = read_monthly(normalised_csv(monthly, "monthly KPI table", MONTHLY_NUMERIC))
        monthly_table = read.frame
        notes.append(f"Monthly table: {len(read.frame)} months; {read.excluded} excluded.")
    tables = Tables(
        opportunities=opportunities,
        activities=activity_log,
        monthly=monthly_table,
        quota_per_month=quota_per_month or None,
    )
    return tables, notes


def normalised_csv(data: bytes, kind: str, numeric: tuple[str, ...]) -> bytes:
    """The upload as a plain UTF-8 CSV for kpi.tables: read by the shared bounded reader (any encoding, separator,
    .xlsx; control characters removed) and numbers in the named columns rewritten by the shared number reader, so
    "1.234,50" is 1234.5 and "(500)" is -500 rather than 1.2345 or unreadable. Text that is not a number is left as
    it was, for kpi.tables to report. Blank lines are dropped (they are not rows)."""
    import math

    import pandas as pd

    from crm.numbers import parse_numbers
    from crm.reading import read_table

    raw = read_table(data, kind=kind)
    frame = raw.frame.copy()
    for column in frame.columns:
        if str(column).strip().lower().replace(" ", "_") in numeric:
            values, unreadable, _ = parse_numbers(frame[column], separator=raw.separator)
            text = [
                original if bad or not isinstance(original, str) else (None if math.isnan(v) else repr(v))
                for original, v, bad in zip(frame[column], values, unreadable, strict=True)
            ]
            frame[column] = pd.Series(text, index=frame.index, dtype=object)
    return frame.to_csv(index=False).encode("utf-8")
