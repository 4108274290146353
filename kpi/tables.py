"""Read untrusted activity logs and monthly KPI tables (CSV bytes or a path) with explicit schemas.

Every excluded row is reported with its file line and reason; nothing is dropped silently, nothing
is evaluated. Returns `TableRead(frame, report)` where report has columns row, action, reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "data" / "activities"
BUNDLED_ACTIVITIES = BUNDLED_DIR / "activities_synthetic.csv"
BUNDLED_MONTHLY = BUNDLED_DIR / "monthly_kpis_synthetic.csv"
MAX_BYTES = 50_000_000

ACTIVITY_COLUMNS = ("rep", "date", "type")  # required
ACTIVITY_OPTIONAL = ("response_minutes", "prospect")
MONTHLY_NUMERIC = (
    "visitors",
    "bounced_visits",
    "leads",
    "mqls",
    "sqls",
    "opportunities",
    "new_customers",
    "marketing_spend",
    "sales_spend",
    "marketing_sourced_revenue",
    "mrr",
    "gross_margin",
    "customers_start",
    "churned_customers",
)


class TableError(ValueError):
    """A file that cannot be read at all; the message says what to fix."""


@dataclass
class TableRead:
    frame: pd.DataFrame
    report: pd.DataFrame  # row (file line, header = 1), action, reason

    @property
    def excluded(self) -> int:
        return int((self.report["action"] == "excluded").sum()) if len(self.report) else 0


def _read_csv(source: bytes | str | Path, what: str) -> pd.DataFrame:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise TableError(f"{what} file not found: {source}")
        source = path.read_bytes()
    if len(source) > MAX_BYTES:
        raise TableError(f"{what} is {len(source) / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB")
    if b"\x00" in source[:4096]:
        raise TableError(f"{what} looks like a binary file; upload a CSV (comma separated, header row)")
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = source.decode("latin-1")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TableError(f"{what} is not a readable CSV: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    return frame


def _report(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["row", "action", "reason"])


def read_activities(source: bytes | str | Path) -> TableRead:
    """Activity log: rep, date (YYYY-MM-DD), type; optional response_minutes (>= 0) and prospect."""
    raw = _read_csv(source, "The activity log")
    missing = [c for c in ACTIVITY_COLUMNS if c not in raw.columns]
    if missing:
        raise TableError(
            f"The activity log has no column(s) {', '.join(missing)}; it needs rep, date, type "
            f"(optional response_minutes, prospect). Columns found: {', '.join(raw.columns[:12])}"
        )
    line = pd.Series(range(2, len(raw) + 2), index=raw.index)
    dates = pd.to_datetime(raw["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    reasons = pd.Series("", index=raw.index, dtype=object)
    reasons[raw["rep"].isna() | (raw["rep"].fillna("").str.strip() == "")] = "no rep"
    reasons[(reasons == "") & dates.isna()] = "date missing or not YYYY-MM-DD"
    minutes = pd.Series(float("nan"), index=raw.index)
    repaired = []
    if "response_minutes" in raw:
        minutes = pd.to_numeric(raw["response_minutes"], errors="coerce")
        bad = raw["response_minutes"].notna() & (minutes.isna() | (minutes < 0) | (minutes > 60 * 24 * 60))
        for i in raw.index[bad & (reasons == "")]:
            repaired.append(
                (
                    int(line[i]),
                    "repaired",
                    f"response_minutes {raw.at[i, 'response_minutes']!r} is not 0-86400 minutes: left blank",
                )
            )
        minutes = minutes.where(~bad)
    keep = reasons == ""
    report = [(int(line[i]), "excluded", reasons[i]) for i in raw.index[~keep]] + repaired
    frame = pd.DataFrame(
        {
            "rep": raw["rep"].str.strip(),
            "date": dates,
            "type": raw["type"].fillna("").str.strip().str.lower(),
            "response_minutes": minutes,
            "prospect": raw["prospect"].str.strip()
            if "prospect" in raw
            else pd.Series(pd.NA, index=raw.index, dtype=object),
        }
    )[keep].reset_index(drop=True)
    if frame.empty:
        raise TableError("The activity log has no usable rows (every row lacked a rep or a YYYY-MM-DD date)")
    return TableRead(frame, _report(sorted(report)))


def read_monthly(source: bytes | str | Path) -> TableRead:
    """Monthly KPI table: month (YYYY-MM) plus any of MONTHLY_NUMERIC (team totals, >= 0; gross_margin 0-1)."""
    raw = _read_csv(source, "The monthly KPI table")
    if "month" not in raw.columns:
        raise TableError(
            "The monthly KPI table needs a 'month' column (YYYY-MM) and team totals such as leads, mqls, sqls"
        )
    known = [c for c in MONTHLY_NUMERIC if c in raw.columns]
    if not known:
        raise TableError(f"The monthly KPI table has none of the columns {', '.join(MONTHLY_NUMERIC)}")
    line = pd.Series(range(2, len(raw) + 2), index=raw.index)
    months = pd.to_datetime(raw["month"].str.strip(), format="%Y-%m", errors="coerce")
    report = [(int(line[i]), "excluded", "month missing or not YYYY-MM") for i in raw.index[months.isna()]]
    dupes = months.duplicated(keep="first") & months.notna()
    report += [
        (int(line[i]), "excluded", f"month {raw.at[i, 'month']} appears twice; first row kept")
        for i in raw.index[dupes]
    ]
    keep = months.notna() & ~dupes
    frame = pd.DataFrame({"month": months.dt.strftime("%Y-%m")})
    for column in known:
        values = pd.to_numeric(raw[column].str.replace(",", "", regex=False), errors="coerce")
        high = 1.0 if column == "gross_margin" else float("inf")
        bad = raw[column].notna() & (values.isna() | (values < 0) | (values > high))
        for i in raw.index[bad & keep]:
            allowed = "0-1" if column == "gross_margin" else "a number >= 0"
            report.append((int(line[i]), "repaired", f"{column} {raw.at[i, column]!r} is not {allowed}: left blank"))
        frame[column] = values.where(~bad)
    frame = frame[keep].sort_values("month").reset_index(drop=True)
    if frame.empty:
        raise TableError("The monthly KPI table has no usable rows (month must look like 2017-03)")
    return TableRead(frame, _report(sorted(report)))


def bundled_activities() -> TableRead:
    """The SYNTHETIC activity log bundled for the demo (see data/activities/README.md)."""
    return read_activities(BUNDLED_ACTIVITIES)


def bundled_monthly() -> TableRead:
    """The SYNTHETIC monthly marketing table bundled for the demo."""
    return read_monthly(BUNDLED_MONTHLY)
