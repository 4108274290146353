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
    from kpi.tables import read_activities, read_monthly

    notes = []
    opportunities = activity_log = monthly_table = None
    if crm_export is not None:
        imported = crm.load_opportunities(crm_export, date_format=date_format)
        opportunities = imported.opportunities
        notes.append(f"CRM export: {imported.accounting}")
        if opportunities["close_date"].isna().all():
            notes.append("No deal in the CRM export has a close date: win rates and bookings cannot be measured yet.")
    if activities is not None:
        read = read_activities(activities)
        activity_log = read.frame
        notes.append(f"Activity log: {len(read.frame):,} rows; {read.excluded} excluded.")
    if monthly is not None:
        read = read_monthly(monthly)
        monthly_table = read.frame
        notes.append(f"Monthly table: {len(read.frame)} months; {read.excluded} excluded.")
    tables = Tables(
        opportunities=opportunities,
        activities=activity_log,
        monthly=monthly_table,
        quota_per_month=quota_per_month or None,
    )
    return tables, notes
