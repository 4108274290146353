"""Import monthly history from a user's CSV or Excel file, reporting every problem found.

    >>> frame, issues = read_history(open("history.csv", "rb").read(), filename="history.csv")
    >>> series, more = prepare_series(frame, "leads")     # gaps filled, ready for forecast.fit

Row numbers in issues are those a spreadsheet shows: the header is row 1, the first data row is 2.
Nothing is dropped without an issue saying which row and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crm.numbers import decimal_note, parse_numbers
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
MAX_ROW_ISSUES = 200  # row-level issues listed per kind and column; the rest are counted in one line
MAX_HISTORY_MONTHS = 600  # 50 years of months: enough for any business history, bounded work for the models
MIN_MONTHS = 9  # 6 months to fit on and 3 to check a forecast against; fewer cannot show a trend
MAX_FILE_BYTES = 50 * 1024 * 1024
EARLIEST, LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-01-01")


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


def _read_table(source, filename: str | None) -> tuple[pd.DataFrame, list[ImportIssue]]:
    """The file as text cells (crm.reading: any encoding/separator or .xlsx, bounded), with file-level notes.

    The frame's index + 2 is the spreadsheet row (header = row 1)."""
    from crm.errors import CrmImportError
    from crm.reading import read_table

    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(path)
        data = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else b"x" * (MAX_FILE_BYTES + 1)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = source.read()
    if not data.strip():
        raise HistoryError("The file is empty")
    try:
        raw = read_table(data, kind="monthly history")
    except CrmImportError as exc:
        if exc.message.startswith("Only one column"):
            raise HistoryError("Need a date column and at least one metric column (found 1 column)") from None
        raise HistoryError(exc.message) from None
    issues = [ImportIssue("info", note) for note in raw.notes]
    for line, reason in raw.bad_rows[:MAX_ROW_ISSUES]:
        issues.append(ImportIssue("error", reason, line))
    if len(raw.bad_rows) > MAX_ROW_ISSUES:
        issues.append(
            ImportIssue("error", f"{len(raw.bad_rows) - MAX_ROW_ISSUES:,} more rows not read (too many values)")
        )
    table = raw.frame
    if table.empty:
        raise HistoryError("The file has a header row but no data rows")
    return table, issues, raw


def _capped(issues: list[ImportIssue], found: list[ImportIssue], total: int, what: str) -> None:
    """Append row issues of one kind (`found`: the first ones of `total`), at most MAX_ROW_ISSUES of them and then
    one line counting the rest, so a million bad rows cost one line, not a million."""
    issues.extend(found[:MAX_ROW_ISSUES])
    if total > MAX_ROW_ISSUES and found:
        first = found[0]
        issues.append(
            ImportIssue(first.severity, f"... and {total - MAX_ROW_ISSUES:,} more rows: {what}", column=first.column)
        )


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
        if _parse_dates(table[col].head(2000))[0].notna().mean() > 0.8:
            return col
    raise HistoryError("No date column found: name one 'date' or 'month' (dates like 2024-01 or 1/31/2024)")


def _parse_dates(raw: pd.Series) -> tuple[pd.Series, str, list[int]]:
    """Parse a date column; returns (timestamps, format used, positions read with another format).

    Each distinct text is parsed once; the format is chosen on up to 5,000 distinct values."""
    text = raw.map(lambda v: v.strip() if isinstance(v, str) else ("" if v is None else str(v)))
    uniques = pd.Series(pd.unique(text.to_numpy(dtype=object)), dtype=object)
    sample = uniques.head(5000)
    best_fmt, best_count = DATE_FORMATS[0], -1
    for fmt in DATE_FORMATS:
        count = int(_parse_with(sample, fmt).notna().sum())
        if count > best_count:
            best_fmt, best_count = fmt, count
    parsed = _parse_with(uniques, best_fmt)
    other = pd.Series(False, index=uniques.index)
    for fmt in UNAMBIGUOUS:
        missing = parsed.isna()
        if not missing.any():
            break
        again = _parse_with(uniques[missing], fmt)
        parsed[missing] = again
        other[missing] = again.notna()
    lookup = dict(zip(uniques, parsed, strict=True))
    others = set(uniques[other])
    dates = pd.to_datetime(text.map(lookup))
    positions = np.flatnonzero(text.isin(others).to_numpy()).tolist() if others else []
    return pd.Series(dates.to_numpy(), index=raw.index), best_fmt, positions


def _parse_number(cell) -> float | None:
    """A number from a cell ("1,234", "$5", "(7)", " 7 "); None when it is not one; nan when empty."""
    from crm.numbers import is_missing, parse_number

    if is_missing(cell):
        return np.nan
    return parse_number(cell)


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
    table, issues, raw = _read_table(source, filename)
    date_col = _find_date_column(table, date_column)
    dates, fmt, other_format = _parse_dates(table[date_col])
    rows = pd.Series(table.index.to_numpy() + 2, index=table.index)  # spreadsheet row numbers
    issues.append(ImportIssue("info", f"Dates read as {_pretty(fmt)} in column '{date_col}'"))
    if fmt in ("%m/%d/%Y", "%m/%d/%y"):
        swapped = _parse_with(
            pd.Series(pd.unique(table[date_col].dropna().to_numpy(dtype=object))), fmt.replace("%m/%d", "%d/%m")
        )
        if swapped.notna().all():
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
    _capped(
        issues,
        [
            ImportIssue(
                "error",
                f"date '{table[date_col].iloc[pos]}' not understood; row excluded",
                int(rows.iloc[pos]),
                date_col,
            )
            for pos in np.flatnonzero(~keep.to_numpy())[: MAX_ROW_ISSUES + 1]
        ],
        int((~keep).sum()),
        "dates not understood; rows excluded",
    )
    outside = keep & ((dates < EARLIEST) | (dates >= LATEST))
    _capped(
        issues,
        [
            ImportIssue(
                "error",
                f"date {dates.iloc[pos]:%Y-%m-%d} is outside {EARLIEST:%Y} to {LATEST.year - 1}; row excluded (check the year)",
                int(rows.iloc[pos]),
                date_col,
            )
            for pos in np.flatnonzero(outside.to_numpy())[: MAX_ROW_ISSUES + 1]
        ],
        int(outside.sum()),
        f"dates outside {EARLIEST:%Y} to {LATEST.year - 1}; rows excluded",
    )
    keep &= ~outside
    if not keep.any():
        raise HistoryError(f"No readable date in column '{date_col}' (e.g. 2024-01-31 or 1/31/2024)")
    first, last = dates[keep].min().to_period("M"), dates[keep].max().to_period("M")
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span > MAX_HISTORY_MONTHS:
        raise HistoryError(
            f"The dates run from {first} to {last} ({span:,} months); at most {MAX_HISTORY_MONTHS} months "
            f"({MAX_HISTORY_MONTHS // 12} years) can be forecast from: check the dates, or keep only recent years"
        )

    metrics: dict[str, pd.Series] = {}
    for col in table.columns:
        if col == date_col:
            continue
        values, unreadable, decimal = parse_numbers(table[col], separator=raw.separator)
        if not values[keep].notna().any():
            issues.append(ImportIssue("warning", "no numeric values; column ignored", column=col))
            continue
        if decimal == ",":
            issues.append(ImportIssue("info", decimal_note(decimal, "Numbers"), column=col))
        bad = np.flatnonzero((unreadable & keep).to_numpy())
        _capped(
            issues,
            [
                ImportIssue(
                    "error", f"'{table[col].iloc[pos]}' is not a number; treated as missing", int(rows.iloc[pos]), col
                )
                for pos in bad[: MAX_ROW_ISSUES + 1]
            ],
            len(bad),
            "not numbers; treated as missing",
        )
        negative = np.flatnonzero((values < 0).to_numpy() & keep.to_numpy())
        _capped(
            issues,
            [
                ImportIssue(
                    "warning",
                    f"negative value {values.iloc[pos]:g} kept; counts and "
                    "money are usually never negative, so check it (forecasts for this "
                    "metric will not be clipped at zero)",
                    int(rows.iloc[pos]),
                    col,
                )
                for pos in negative[: MAX_ROW_ISSUES + 1]
            ],
            len(negative),
            "negative values kept",
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
    excluded = len(table) - len(data) + len(raw.bad_rows)
    issues.append(
        ImportIssue(
            "info",
            f"{raw.rows_read:,} rows read = {len(data):,} used + {excluded:,} excluded"
            + (f"; {raw.blank_rows:,} empty line(s) skipped" if raw.blank_rows else ""),
        )
    )
    return _fill_calendar(frame, issues), issues


def _monthly(data: pd.DataFrame, cols: list[str], issues: list[ImportIssue]) -> pd.DataFrame:
    dup = data["_month"].duplicated(keep="first")
    first_row = data[~dup].set_index("_month")["_row"]
    _capped(
        issues,
        [
            ImportIssue(
                "error",
                f"duplicate month {month} (already in row {first_row[month]}); this row excluded",
                int(row),
            )
            for month, row in zip(data.loc[dup, "_month"][: MAX_ROW_ISSUES + 1], data.loc[dup, "_row"], strict=False)
        ],
        int(dup.sum()),
        "duplicate months; rows excluded",
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
    if n < MIN_MONTHS:
        raise HistoryError(
            f"'{metric}' has {n} month{'s' if n != 1 else ''} of history, too short to forecast: at least "
            f"{MIN_MONTHS} months are needed (upload a longer history)"
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
