"""Transaction-log importer: (customer, date, amount) rows -> the per-customer summary x, t_x, T, zbar.

The procedure reproduces the CDNOW summary of Fader, Hardie & Lee (2005): purchases by one customer on the same
day are merged into one transaction (amounts summed); the first transaction starts the customer's clock;
x = repeat transactions up to and including the calibration end, t_x = time of the last of them, T = time from
the first purchase to the calibration end, zbar = mean value of the repeat transactions; time in weeks (7 days).
Customers whose first purchase falls after the calibration end are not in the calibration cohort.

Uploads are untrusted: every row that is not used is listed with its reason in `ImportReport.excluded`, and
everything else worth knowing (duplicates, returns, merges) is a sentence in `ImportReport.notes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crm.numbers import parse_numbers
from forecast.clv.errors import ClvInputError
from forecast.clv.summary import CustomerSummary

COLUMN_ALIASES = {
    "customer": ("customer", "customer_id", "customerid", "cust_id", "client", "client_id", "account", "id"),
    "date": ("date", "order_date", "transaction_date", "purchase_date", "invoice_date", "day"),
    "amount": ("amount", "value", "revenue", "sales", "dollar_value", "spend", "total", "price"),
}
DATE_FORMATS = ("ISO8601", "%Y%m%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y")
DAYS_PER_WEEK = 7.0


@dataclass(frozen=True)
class ImportReport:
    """What happened to every row of the upload."""

    n_rows: int
    n_used_rows: int
    n_transactions: int
    n_customers: int
    excluded: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        head = (
            f"{self.n_rows:,} rows read, {self.n_used_rows:,} used, {len(self.excluded):,} excluded; "
            f"{self.n_transactions:,} transactions after merging same-day purchases; "
            f"{self.n_customers:,} customers in the calibration cohort"
        )
        reasons = [f"excluded {n:,} rows: {reason}" for reason, n in self.excluded["reason"].value_counts().items()]
        return [head, *reasons, *self.notes, *(f"warning: {w}" for w in self.warnings)]


@dataclass(frozen=True)
class TransactionSummary:
    """Per-customer summary (one row per customer of the calibration cohort) and the import report."""

    frame: pd.DataFrame
    report: ImportReport
    calibration_end: pd.Timestamp
    holdout_end: pd.Timestamp | None = None

    def customer_summary(self) -> CustomerSummary:
        return CustomerSummary.from_frame(self.frame)


def read_transactions_csv(source, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a CSV (path, bytes or file-like) into a raw frame with text columns customer, date, amount.

    `columns` maps our names to the file's headers; without it common header names are recognised.
    """
    from crm.errors import CrmImportError
    from crm.reading import read_table

    try:
        data = source if isinstance(source, (bytes, bytearray)) else _source_bytes(source)
        table = read_table(bytes(data), kind="transactions")  # any encoding/separator; bounded; rows accounted
    except CrmImportError as exc:
        raise ClvInputError(f"cannot read the transaction file: {exc.message}") from None
    except OSError as exc:
        raise ClvInputError(f"cannot read the transaction file: {exc.strerror or exc}") from None
    raw = table.frame.fillna("").reset_index(drop=True)
    return _select_columns(raw, columns or {})


def _source_bytes(source) -> bytes:
    if hasattr(source, "read"):
        return source.read()
    return Path(source).read_bytes()


def read_cdnow(source) -> pd.DataFrame:
    """Read CDNOW_master.txt (id, date, cds, dollars) or CDNOW_sample.txt (master id, sample id, date, cds, dollars)."""
    try:
        raw = pd.read_csv(source, sep=r"\s+", header=None, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ClvInputError(f"cannot read the CDNOW file: {exc}") from exc
    if raw.shape[1] == 5:
        customer, date, amount = raw[1], raw[2], raw[4]
    elif raw.shape[1] == 4:
        customer, date, amount = raw[0], raw[1], raw[3]
    else:
        raise ClvInputError(f"a CDNOW file has 4 or 5 whitespace-separated columns (got {raw.shape[1]})")
    return pd.DataFrame({"customer": customer, "date": date, "amount": amount})


def _select_columns(raw: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    lower = {str(c).strip().lower(): c for c in raw.columns}
    chosen = {}
    for ours, aliases in COLUMN_ALIASES.items():
        if ours in columns:
            if columns[ours] not in raw.columns:
                raise ClvInputError(
                    f"column {columns[ours]!r} (for {ours}) is not in the file; it has: {', '.join(map(str, raw.columns))}"
                )
            chosen[ours] = columns[ours]
            continue
        match = next((lower[a] for a in aliases if a in lower), None)
        if match is None:
            raise ClvInputError(
                f"the transaction log needs a {ours} column (e.g. {', '.join(aliases[:3])}); "
                f"the file has: {', '.join(map(str, raw.columns))}"
            )
        chosen[ours] = match
    return pd.DataFrame({ours: raw[col].astype(str).str.strip() for ours, col in chosen.items()})


def _parse_dates(text: pd.Series, date_format: str | None) -> tuple[pd.Series, str]:
    formats = (date_format,) if date_format else DATE_FORMATS
    best, best_format, best_count = None, formats[0], -1
    for fmt in formats:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        count = int(parsed.notna().sum())
        if count > best_count:
            best, best_format, best_count = parsed, fmt, count
        if count == len(text):
            break
    return best.dt.normalize(), best_format


def summarise_transactions(
    transactions: pd.DataFrame,
    calibration_end,
    holdout_end=None,
    date_format: str | None = None,
    drop_duplicates: bool = False,
    time_unit_days: float = DAYS_PER_WEEK,
) -> TransactionSummary:
    """Build x, t_x, T, zbar (and x_holdout when `holdout_end` is given) from a raw log.

    Rows with a missing customer, an unreadable date or amount, or a negative amount (a return: not a purchase)
    are excluded and listed. Exact duplicate rows are kept (the same item bought twice the same day is
    legitimate) and counted in the notes, unless `drop_duplicates`.
    """
    for col in ("customer", "date", "amount"):
        if col not in transactions.columns:
            raise ClvInputError(f"the transaction log needs columns customer, date, amount; missing {col!r}")
    raw = transactions[["customer", "date", "amount"]].astype(str).apply(lambda s: s.str.strip())
    raw = raw.reset_index(drop=True)
    if raw.empty:
        raise ClvInputError("the transaction log has no rows")
    cal_end = _parse_one_date(calibration_end, "calibration end")
    hold_end = _parse_one_date(holdout_end, "holdout end") if holdout_end is not None else None
    if hold_end is not None and hold_end <= cal_end:
        raise ClvInputError(f"holdout end {hold_end.date()} must be after the calibration end {cal_end.date()}")

    dates, used_format = _parse_dates(raw["date"], date_format)
    amounts = parse_numbers(raw["amount"])[0]  # the shared reader: $1,234.50, 1.234,50, (12.00) all exact
    reasons = pd.Series("", index=raw.index, dtype=object)
    reasons[raw["customer"].isin(["", "nan", "None"])] = "missing customer id"
    reasons[(reasons == "") & dates.isna()] = "date not understood"
    reasons[(reasons == "") & (amounts.isna() | ~np.isfinite(amounts))] = "amount is not a number"
    reasons[(reasons == "") & (amounts < 0)] = "negative amount (a return or refund): not counted as a purchase"

    notes: list[str] = [f"dates read with format {used_format}"]
    duplicated = raw.duplicated(keep="first") & (reasons == "")
    if duplicated.any():
        if drop_duplicates:
            reasons[duplicated] = "exact duplicate of an earlier row (dropped on request)"
        else:
            notes.append(
                f"{int(duplicated.sum()):,} rows are exact duplicates of an earlier row; kept as purchases "
                "(same item twice on the same day); choose to drop duplicates if they are export errors"
            )
    returns = reasons.str.startswith("negative amount")
    if returns.any():
        notes.append(
            f"{int(returns.sum()):,} returns totalling {-amounts[returns].sum():,.2f} are not subtracted from spend"
        )
    zero = (reasons == "") & (amounts == 0)
    if zero.any():
        notes.append(f"{int(zero.sum()):,} rows have amount 0 and count as purchases")

    excluded = pd.DataFrame(
        {
            "row": raw.index[reasons != ""] + 1,
            **{c: raw.loc[reasons != "", c] for c in raw.columns},
            "reason": reasons[reasons != ""],
        }
    ).reset_index(drop=True)
    valid = pd.DataFrame({"customer": raw["customer"], "date": dates, "amount": amounts})[reasons == ""]
    if valid.empty:
        raise ClvInputError(
            f"no usable rows: all {len(raw):,} rows were excluded (first reason: {excluded['reason'].iloc[0]})"
        )

    daily = valid.groupby(["customer", "date"], as_index=False, sort=True)["amount"].sum()
    merged = len(valid) - len(daily)
    if merged:
        notes.append(f"{merged:,} purchases merged into same-day transactions of the same customer")
    first = daily.groupby("customer")["date"].transform("min")
    daily = daily.assign(first=first)
    in_cohort = daily["first"] <= cal_end
    late = daily.loc[~in_cohort, "customer"].nunique()
    if late:
        notes.append(f"{late:,} customers first bought after the calibration end and are not in the cohort")
    daily = daily[in_cohort]
    if daily.empty:
        raise ClvInputError(f"no customer made a first purchase on or before the calibration end {cal_end.date()}")
    if hold_end is not None:
        beyond = int((daily["date"] > hold_end).sum())
        if beyond:
            notes.append(f"{beyond:,} transactions after the holdout end {hold_end.date()} are not used")

    unit = pd.Timedelta(days=time_unit_days)
    customers = daily.groupby("customer", sort=False)["first"].first()
    repeats = daily[(daily["date"] > daily["first"]) & (daily["date"] <= cal_end)]
    by_customer = repeats.groupby("customer", sort=False)
    frame = pd.DataFrame(index=customers.index)
    frame["first_purchase"] = customers
    frame["x"] = by_customer.size().reindex(frame.index, fill_value=0).astype(int)
    last = by_customer["date"].max().reindex(frame.index)
    frame["t_x"] = ((last - frame["first_purchase"]) / unit).fillna(0.0)
    frame["T"] = (cal_end - frame["first_purchase"]) / unit
    frame["zbar"] = by_customer["amount"].mean().reindex(frame.index).fillna(0.0)
    if hold_end is not None:
        hold = daily[(daily["date"] > cal_end) & (daily["date"] <= hold_end)]
        frame["x_holdout"] = hold.groupby("customer").size().reindex(frame.index, fill_value=0).astype(int)
    frame = _sort_customers(frame).reset_index().rename(columns={"index": "customer"})

    warnings = []
    if len(frame) == 1:
        warnings.append("only one customer: the models describe a population and cannot be fitted to one history")
    if frame["x"].sum() == 0:
        warnings.append(
            "no repeat purchases before the calibration end: purchase rates and drop-out cannot be estimated"
        )
    elif (frame["T"] == 0).any():
        warnings.append(f"{int((frame['T'] == 0).sum()):,} customers first bought on the calibration end day (age 0)")
    report = ImportReport(
        n_rows=len(raw),
        n_used_rows=len(valid),
        n_transactions=len(valid) - merged,
        n_customers=len(frame),
        excluded=excluded,
        notes=tuple(notes),
        warnings=tuple(warnings),
    )
    return TransactionSummary(frame, report, cal_end, hold_end)


def _sort_customers(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric ids in numeric order (CDNOW's 1..2357), otherwise text order."""
    numeric = pd.to_numeric(frame.index.to_series(), errors="coerce")
    if numeric.notna().all():
        return frame.iloc[np.argsort(numeric.to_numpy(), kind="stable")]
    return frame.sort_index()


def _parse_one_date(value, what: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ClvInputError(f"{what} {value!r} is not a date (use YYYY-MM-DD)") from exc
    if pd.isna(stamp):
        raise ClvInputError(f"{what} is missing (use YYYY-MM-DD)")
    return stamp.normalize()
