"""Import monthly history from a user's CSV or Excel file, reporting every problem found.

    >>> frame, issues = read_history(open("history.csv", "rb").read(), filename="history.csv")
    >>> series, more = prepare_series(frame, "leads")     # gaps filled, ready for forecast.fit

Row numbers in issues are those a spreadsheet shows: the header is row 1, the first data row is 2.
Nothing is dropped without an issue saying which row and why.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.auto import MIN_HISTORY
from forecast.models import SEASON

DATE_NAMES = ("date", "month", "period", "ds", "week", "day", "time", "datum", "fecha")
DATE_FORMATS = (  # tried in this order; the format that reads the most rows wins
    "%Y-%m-%d",
    "%Y-%m",
    "%Y/%m/%d",
    "%Y/%m",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%m/%Y",
    "%b %Y",
    "%B %Y",
    "%b-%y",
    "%b-%Y",
    "%Y%m",
    "%m/%d/%y",
    "%d/%m/%y",
    "%Y-%m-%d %H:%M:%S",
)
UNAMBIGUOUS = ("%Y-%m-%d", "%Y-%m", "%Y/%m/%d", "%Y/%m", "%b %Y", "%B %Y", "%b-%y", "%b-%Y", "%Y-%m-%d %H:%M:%S")
_NUMBER_JUNK = re.compile(r"[\s,$€£¥]|^\ufeff")


class HistoryError(ValueError):
    """The file cannot be used at all; the message says why."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in the file. row: spreadsheet row (header = 1) or None for the whole file."""

    severity: str  # "error": data excluded or unusable; "warning": data changed or suspect; "info"
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            p for p in (f"row {self.row}" if self.row else "", f"column '{self.column}'" if self.column else "") if p
        )
        return f"{self.severity}: {where + ': ' if where else ''}{self.message}"


def _read_table(source, filename: str | None) -> pd.DataFrame:
    if isinstance(source, (str, Path)):
        filename = filename or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        data = source.read()
    if not data.strip():
        raise HistoryError("The file is empty")
    name = (filename or "").lower()
    is_excel = name.endswith((".xlsx", ".xlsm", ".xls")) or data[:2] == b"PK"
    try:
        if is_excel:
            table = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object)
        else:
            text = data.decode("utf-8-sig", errors="replace")
            sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
            table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes one message
        raise HistoryError(f"Could not read the file as {'Excel' if is_excel else 'CSV'}: {exc}") from exc
    table.columns = [str(c).strip() for c in table.columns]
    if table.shape[1] < 2:
        raise HistoryError(
            "Need a date column and at least one metric column (found "
            f"{table.shape[1]} column{'s' if table.shape[1] != 1 else ''})"
        )
    if table.empty:
        raise HistoryError("The file has a header but no data rows")
    return table


def _pretty(fmt: str) -> str:
    return (
        fmt.replace("%Y", "YYYY")
        .replace("%y", "YY")
        .replace("%m", "MM")
        .replace("%d", "DD")
        .replace("%b", "Mon")
        .replace("%B", "Month")
        .replace(" %H:%M:%S", " hh:mm:ss")
    )


def _parse_with(values: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(values, format=fmt, errors="coerce")


def _find_date_column(table: pd.DataFrame, date_column: str | None) -> str:
    if date_column:
        if date_column not in table.columns:
            raise HistoryError(f"No column named '{date_column}' (columns: {', '.join(table.columns)})")
        return date_column
    for col in table.columns:
        if col.lower() in DATE_NAMES or any(col.lower().startswith(n) for n in DATE_NAMES):
            return col
    for col in table.columns:  # otherwise the first column that reads as dates
        if _parse_dates(table[col])[0].notna().mean() > 0.8:
            return col
    raise HistoryError("No date column found: name one 'date' or 'month' (dates like 2024-01 or 1/31/2024)")


def _parse_dates(raw: pd.Series) -> tuple[pd.Series, str, list[int]]:
    """Parse a date column; returns (timestamps, format used, positions read with another format)."""
    if raw.map(lambda v: isinstance(v, (datetime, date, pd.Timestamp))).all():
        return pd.to_datetime(raw, errors="coerce"), "Excel dates", []
    text = raw.map(lambda v: v.strftime("%Y-%m-%d") if isinstance(v, (datetime, date)) else str(v).strip())
    best_fmt, best = None, None
    for fmt in DATE_FORMATS:
        parsed = _parse_with(text, fmt)
        if best is None or parsed.notna().sum() > best.notna().sum():
            best_fmt, best = fmt, parsed
    other = []
    for pos in np.flatnonzero(best.isna().to_numpy()):
        for fmt in UNAMBIGUOUS:
            ts = _parse_with(text.iloc[[pos]], fmt).iloc[0]
            if pd.notna(ts):
                best.iloc[pos] = ts
                other.append(int(pos))
                break
    return best, best_fmt, other


def _parse_number(cell) -> float | None:
    """A number from a cell ("1,234", "$5", " 7 "); None when it is not one; nan when empty."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return np.nan
    if isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool):
        return float(cell)
    text = _NUMBER_JUNK.sub("", str(cell))
    if text == "" or text.lower() in ("na", "n/a", "nan", "null", "none", "-"):
        return np.nan
    if text.startswith("(") and text.endswith(")"):  # accounting negative
        text = "-" + text[1:-1]
    try:
        return float(text)
    except ValueError:
        return None


def _detect_frequency(dates: pd.Series) -> str:
    unique = pd.DatetimeIndex(dates.dropna().unique()).sort_values()
    if len(unique) < 2:
        return "monthly"
    stamps = unique.to_numpy().astype("datetime64[s]").astype(np.int64)
    gap_days = float(np.median(np.diff(stamps))) / 86_400
    if gap_days < 3:
        return "daily"
    if gap_days < 20:
        return "weekly"
    return "monthly"


def read_history(
    source, filename: str | None = None, date_column: str | None = None
) -> tuple[pd.DataFrame, list[ImportIssue]]:
    """Read monthly history: a frame indexed by month (PeriodIndex), one float column per metric,
    NaN where a value is missing or unreadable, and the list of issues found.

    source: a path, bytes, or a binary file object. Daily or weekly files are summed to months.
    Raises HistoryError when nothing usable remains."""
    table = _read_table(source, filename)
    issues: list[ImportIssue] = []
    date_col = _find_date_column(table, date_column)
    dates, fmt, other_format = _parse_dates(table[date_col])
    rows = pd.Series(np.arange(len(table)) + 2, index=table.index)  # spreadsheet row numbers
    if fmt not in ("Excel dates", None):
        issues.append(ImportIssue("info", f"Dates read as {_pretty(fmt)} in column '{date_col}'"))
        if (
            fmt in ("%m/%d/%Y", "%m/%d/%y")
            and _parse_with(table[date_col].astype(str).str.strip(), fmt.replace("%m/%d", "%d/%m")).notna().all()
        ):
            issues.append(
                ImportIssue(
                    "warning",
                    "day and month could be either way round in every date; read as month/day (US style)",
                    column=date_col,
                )
            )
    if other_format:
        issues.append(
            ImportIssue(
                "warning",
                f"{len(other_format)} date(s) in a different format from the rest, read anyway "
                f"(rows {', '.join(str(rows.iloc[p]) for p in other_format[:10])})",
                column=date_col,
            )
        )
    keep = dates.notna()
    for pos in np.flatnonzero(~keep.to_numpy()):
        value = table[date_col].iloc[pos]
        issues.append(
            ImportIssue("error", f"date '{value}' not understood; row excluded", int(rows.iloc[pos]), date_col)
        )
    if not keep.any():
        raise HistoryError(f"No readable date in column '{date_col}' (e.g. 2024-01-31 or 1/31/2024)")

    metrics: dict[str, pd.Series] = {}
    for col in table.columns:
        if col == date_col:
            continue
        parsed = [_parse_number(cell) for cell in table[col].tolist()]
        unreadable = pd.Series([p is None for p in parsed], index=table.index)
        values = pd.Series([np.nan if p is None else p for p in parsed], index=table.index, dtype=float)
        if not values[keep].notna().any():
            issues.append(ImportIssue("warning", "no numeric values; column ignored", column=col))
            continue
        for pos in np.flatnonzero((unreadable & keep).to_numpy()):
            issues.append(
                ImportIssue(
                    "error", f"'{table[col].iloc[pos]}' is not a number; treated as missing", int(rows.iloc[pos]), col
                )
            )
        for pos in np.flatnonzero((values < 0).to_numpy() & keep.to_numpy()):
            issues.append(
                ImportIssue(
                    "warning",
                    f"negative value {values.iloc[pos]:g} kept; counts and "
                    "money are usually never negative, so check it (forecasts for this "
                    "metric will not be clipped at zero)",
                    int(rows.iloc[pos]),
                    col,
                )
            )
        metrics[col] = values
    if not metrics:
        raise HistoryError("No metric column with numbers found")

    data = pd.DataFrame(metrics)[keep.to_numpy()]
    data.insert(0, "_date", dates[keep].to_numpy())
    data.insert(1, "_row", rows[keep].to_numpy())
    data["_month"] = pd.DatetimeIndex(data["_date"]).to_period("M")
    frequency = _detect_frequency(data["_date"])
    if frequency == "monthly":
        frame = _monthly(data, list(metrics), issues)
    else:
        frame = _aggregate(data, list(metrics), frequency, issues)
    return _fill_calendar(frame, issues), issues


def _monthly(data: pd.DataFrame, cols: list[str], issues: list[ImportIssue]) -> pd.DataFrame:
    dup = data["_month"].duplicated(keep="first")
    for _, row in data[dup].iterrows():
        first = data.loc[(data["_month"] == row["_month"]) & ~dup, "_row"].iloc[0]
        issues.append(
            ImportIssue(
                "error",
                f"duplicate month {row['_month']} (already in row {first}); this row excluded",
                int(row["_row"]),
            )
        )
    kept = data[~dup].set_index("_month").sort_index()
    return kept[cols]


def _aggregate(data: pd.DataFrame, cols: list[str], frequency: str, issues: list[ImportIssue]) -> pd.DataFrame:
    months = data.groupby("_month")
    frame = months[cols].sum(min_count=1)
    issues.append(
        ImportIssue(
            "info",
            f"{frequency.capitalize()} data: {len(data)} rows summed into {len(frame)} months"
            + (" (each week counted in the month of its date)" if frequency == "weekly" else ""),
        )
    )
    dup_dates = data["_date"].duplicated(keep=False)
    if dup_dates.any():
        issues.append(
            ImportIssue(
                "warning", f"{int(dup_dates.sum())} rows share a date with another row; all were added into their month"
            )
        )
    # a month the file only partly covers would look like a collapse: exclude it, saying so
    slack = 1 if frequency == "daily" else 7
    first, last = data["_date"].min(), data["_date"].max()
    partial = []
    if (first - first.to_period("M").start_time).days >= slack:
        partial.append(first.to_period("M"))
    if (last.to_period("M").end_time.normalize() - last).days >= slack:
        partial.append(last.to_period("M"))
    for month in dict.fromkeys(partial):
        rows = data.loc[data["_month"] == month, "_row"]
        issues.append(
            ImportIssue(
                "warning",
                f"month {month} is only partly covered by the file (rows {rows.min()}-{rows.max()}); "
                "excluded so it does not look like a drop",
            )
        )
        frame = frame.drop(index=month)
    if frame.empty:
        raise HistoryError("The file covers no complete month")
    return frame


def _fill_calendar(frame: pd.DataFrame, issues: list[ImportIssue]) -> pd.DataFrame:
    full = pd.period_range(frame.index.min(), frame.index.max(), freq="M", name="month")
    missing = full.difference(frame.index)
    if len(missing):
        shown = ", ".join(str(m) for m in missing[:12]) + (" ..." if len(missing) > 12 else "")
        issues.append(
            ImportIssue(
                "warning",
                f"{len(missing)} missing month(s): {shown}; left empty (filled by interpolation when forecasting)",
            )
        )
    out = frame.reindex(full)
    out.index.name = "month"
    return out


def prepare_series(frame: pd.DataFrame, metric: str) -> tuple[pd.Series, list[ImportIssue]]:
    """One metric ready for forecasting: leading/trailing empty months trimmed and inner gaps
    filled by linear interpolation, each reported. Raises HistoryError if too little remains."""
    if metric not in frame.columns:
        raise HistoryError(f"No metric '{metric}' in the history (metrics: {', '.join(frame.columns)})")
    series = frame[metric].astype(float)
    issues: list[ImportIssue] = []
    present = series.notna()
    if not present.any():
        raise HistoryError(f"Metric '{metric}' has no values")
    first, last = present.idxmax(), present[::-1].idxmax()
    trimmed = series.loc[first:last]
    if len(trimmed) < len(series):
        issues.append(
            ImportIssue(
                "info",
                f"'{metric}' starts {first} and ends {last}; empty months outside that span not used",
                column=metric,
            )
        )
    gaps = trimmed.index[trimmed.isna().to_numpy()]
    if len(gaps):
        trimmed = trimmed.interpolate(method="linear")
        issues.append(
            ImportIssue(
                "warning",
                f"{len(gaps)} empty month(s) filled by straight-line "
                f"interpolation: {', '.join(str(g) for g in gaps[:12])}",
                column=metric,
            )
        )
    n = len(trimmed)
    if n < MIN_HISTORY:
        raise HistoryError(
            f"'{metric}' has {n} month{'s' if n != 1 else ''} of history; at least {MIN_HISTORY} are needed to forecast"
        )
    if n < 2 * SEASON:
        issues.append(
            ImportIssue(
                "warning",
                f"'{metric}' has {n} months, fewer than two years: seasonal "
                "models skipped, the forecast has no seasonality",
                column=metric,
            )
        )
    if (trimmed == 0).all():
        issues.append(
            ImportIssue("warning", f"'{metric}' is zero in every month: the forecast is flat at zero", column=metric)
        )
    trimmed.name = metric
    return trimmed, issues
