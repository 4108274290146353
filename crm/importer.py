"""Import a CRM opportunity export into a tidy frame, with a report of every excluded or repaired row."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crm.dates import detect_date_format, parse_with
from crm.errors import MappingNeeded
from crm.mapping import CANONICAL_FIELDS, ColumnMapping, check_stage_mapping, guess_mapping, guess_stage_mapping
from crm.numbers import decimal_note, parse_numbers
from crm.reading import RawTable, read_table

NO_ACCOUNT = "(no account)"
NO_PRODUCT = "(no product)"
NO_OWNER = "(no owner)"
REPORT_COLUMNS = ["row", "opportunity_id", "action", "reason"]
EARLIEST = pd.Timestamp("1970-01-01")  # no CRM holds deals from before; earlier dates are typos (1900, 0001)
LATEST = pd.Timestamp("2100-01-01")
MAX_SPAN_YEARS = 25  # created dates used: at most this long before the newest one
MAX_AHEAD_YEARS = 10  # close dates: at most this long after the newest created date
TIDY_COLUMNS = [
    "opportunity_id",
    "owner",
    "stage",
    "status",
    "amount",
    "created_date",
    "close_date",
    "product",
    "account",
]


@dataclass(frozen=True)
class ImportResult:
    """What was imported and how.

    opportunities: one row per kept opportunity, columns TIDY_COLUMNS then any extra file columns;
        status in {open, won, lost}; amount in currency units (float, NaN if missing); dates as datetime64
        (NaT if missing); owner/product/account never missing (placeholders such as "(no account)").
    report: one row per excluded or repaired row: row (file line number, header = 1), opportunity_id,
        action ("excluded" or "repaired"), reason (what and why).
    notes: file-level remarks (encoding, separator, counts of normal gaps such as open deals without amount).
    """

    opportunities: pd.DataFrame
    report: pd.DataFrame
    mapping: ColumnMapping
    date_format: str
    stage_map: dict[str, str]
    encoding: str
    separator: str | None
    rows_read: int
    notes: tuple[str, ...] = field(default=())
    blank_rows: int = 0

    @property
    def accounting(self) -> str:
        """Every row accounted for: 'rows read = kept + excluded', with the empty lines skipped."""
        excluded = int(self.excluded["row"].nunique()) if not self.report.empty else 0
        repaired = int(self.repaired["row"].nunique()) if not self.report.empty else 0
        text = f"{self.rows_read:,} rows read = {len(self.opportunities):,} kept + {excluded:,} excluded"
        text += f"; {repaired:,} kept row(s) repaired" if repaired else ""
        return text + (f"; {self.blank_rows:,} empty line(s) skipped." if self.blank_rows else ".")

    @property
    def excluded(self) -> pd.DataFrame:
        return self.report[self.report["action"] == "excluded"]

    @property
    def repaired(self) -> pd.DataFrame:
        return self.report[self.report["action"] == "repaired"]

    def report_summary(self) -> pd.DataFrame:
        """Counts per action and reason kind (the reason without row-specific values)."""
        if self.report.empty:
            return pd.DataFrame({"action": [], "reason": [], "rows": []})
        kinds = self.report["reason"].str.replace(r"'[^']*'|\"[^\"]*\"|-?\d[\d/.,:\-]*", "…", regex=True)
        return (
            self.report.assign(reason=kinds)
            .groupby(["action", "reason"], sort=False)
            .size()
            .rename("rows")
            .reset_index()
        )


def parse_amounts(values: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """'$1,234.50' -> 1234.5; '($7,379,000)' -> -7379000; with decimal_comma '1.234,50' -> 1234.5.

    Unparseable or missing -> NaN. The shared reader (crm.numbers) does the work for every upload."""
    return parse_numbers(values, "," if decimal_comma else ".")[0]


def _plausible_dates(created: pd.Series, closed: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Rows whose dates are outside the window the models can use; (created bad, closed bad, window text).

    Dates must fall in [EARLIEST, LATEST); created dates at most MAX_SPAN_YEARS before the newest one and
    close dates at most MAX_AHEAD_YEARS after it. This bounds the months any model walks through."""
    newest = created[(created >= EARLIEST) & (created < LATEST)].max()
    if pd.isna(newest):
        newest = closed[(closed >= EARLIEST) & (closed < LATEST)].max()
    low, high = EARLIEST, LATEST
    if pd.notna(newest):
        low = max(EARLIEST, newest - pd.DateOffset(years=MAX_SPAN_YEARS))
        high = min(LATEST, newest + pd.DateOffset(years=MAX_AHEAD_YEARS))
    bad_created = created.notna() & ((created < low) | (created >= high))
    bad_closed = closed.notna() & ((closed < low) | (closed >= high))
    return bad_created, bad_closed, f"{low:%Y-%m-%d} to {high - pd.Timedelta(days=1):%Y-%m-%d}"


def product_key(name: str) -> str:
    """Spelling-insensitive key: 'GTXPro', 'GTX Pro' and 'gtx-pro' share 'gtxpro'."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def canonical_products(names: pd.Series, known: Sequence[str] | None) -> dict[str, str]:
    """Spelling variants -> one name: the known list's spelling, else the most frequent variant in the file."""
    counts = names.value_counts()
    by_key: dict[str, str] = {product_key(k): k for k in (known or [])}
    for name in counts.index:  # most frequent first
        by_key.setdefault(product_key(name), name)
    return {name: by_key[product_key(name)] for name in counts.index if by_key[product_key(name)] != name}


def load_opportunities(
    source: bytes | str | Path | RawTable,
    mapping: ColumnMapping | None = None,
    date_format: str | None = None,
    stage_map: dict[str, str] | None = None,
    products: Sequence[str] | None = None,
) -> ImportResult:
    """Import an opportunity export (CSV or .xlsx bytes or path). See crm/__init__.py for the contract.

    Raises MappingNeeded if required columns cannot be found, AmbiguousDateFormat if the dates fit both
    month-first and day-first, CrmImportError for empty, binary or unreadable files.
    """
    raw = source if isinstance(source, RawTable) else read_table(source)
    columns = raw.columns
    mapping = mapping or guess_mapping(columns)
    if mapping.missing():
        raise MappingNeeded(mapping.missing(), columns, mapping)
    mapping.check(columns)
    frame = raw.frame
    col = {
        f: (frame[getattr(mapping, f)] if getattr(mapping, f) else pd.Series(None, index=frame.index, dtype=object))
        for f in CANONICAL_FIELDS
    }
    if date_format is None:
        date_format = detect_date_format([col["created_date"], col["close_date"]])
    created = parse_with(col["created_date"], date_format)
    closed = parse_with(col["close_date"], date_format)

    stage = col["stage"]
    labels = [str(s) for s in stage.dropna().unique()]
    if stage_map is None:
        stage_map = guess_stage_mapping(labels)
    check_stage_mapping(stage_map)
    status = stage.map(lambda s: stage_map.get(s) if isinstance(s, str) else None)
    amount, amount_unreadable, decimal = parse_numbers(col["amount"], separator=raw.separator)

    report: list[tuple[int, str, str, str]] = []
    line = frame.index.to_numpy() + 2  # file line: header is line 1
    ids = col["opportunity_id"]
    generated = ids.isna()
    ids = ids.where(~generated, pd.Series([f"row-{n}" for n in line], index=frame.index))
    keep = np.ones(len(frame), dtype=bool)
    id_text = ids.astype(str).to_numpy(object)  # plain arrays: reasons are built per row

    def exclude(mask: pd.Series | np.ndarray, reason: callable) -> None:
        nonlocal keep
        hits = np.asarray(mask, dtype=bool) & keep
        for i in np.flatnonzero(hits):
            report.append((int(line[i]), id_text[i], "excluded", reason(i)))
        keep &= ~hits

    had_text = lambda s: s.map(lambda v: isinstance(v, str))  # noqa: E731
    exclude(stage.isna(), lambda i: "missing stage")
    exclude(stage.notna() & status.isna(), lambda i: f"unknown stage '{stage.iloc[i]}': map it to open, won or lost")
    dup = ids.duplicated(keep="first") & ~generated
    first_line = {v: int(line[i]) for i, v in reversed(list(enumerate(ids)))}
    exclude(dup, lambda i: f"duplicate opportunity id (first seen on line {first_line[ids.iloc[i]]})")
    exclude(
        had_text(col["created_date"]) & created.isna(),
        lambda i: f"created date '{col['created_date'].iloc[i]}' is not a {date_format} date",
    )
    exclude(
        had_text(col["close_date"]) & closed.isna(),
        lambda i: f"close date '{col['close_date'].iloc[i]}' is not a {date_format} date",
    )
    is_closed = status.isin(["won", "lost"])
    exclude(is_closed & closed.isna(), lambda i: f"{status.iloc[i]} deal without a close date")
    bad_created, bad_closed, window = _plausible_dates(created, closed)
    exclude(
        bad_created,
        lambda i: f"created date {created.iloc[i]:%Y-%m-%d} is outside the usable range {window}: check the year",
    )
    exclude(
        bad_closed,
        lambda i: f"close date {closed.iloc[i]:%Y-%m-%d} is outside the usable range {window}: check the year",
    )
    exclude(
        closed.notna() & created.notna() & (closed < created),
        lambda i: f"close date {closed.iloc[i]:%Y-%m-%d} is before created date {created.iloc[i]:%Y-%m-%d}",
    )
    exclude(amount_unreadable, lambda i: f"amount '{col['amount'].iloc[i]}' is not a number")
    exclude(amount < 0, lambda i: f"negative amount {amount.iloc[i]:,.2f}")
    exclude((status == "won") & amount.isna(), lambda i: "won deal with missing amount")

    def repair(mask: pd.Series, reason: callable) -> None:
        for i in np.flatnonzero(np.asarray(mask, dtype=bool) & keep):
            report.append((int(line[i]), id_text[i], "repaired", reason(i)))

    product = col["product"].copy()
    renames = canonical_products(product[keep].dropna(), products)
    names = product.to_numpy(object)
    repair(product.isin(list(renames)), lambda i: f"product '{names[i]}' renamed to '{renames[names[i]]}'")
    product = product.replace(renames)
    if mapping.account:
        repair(col["account"].isna(), lambda i: f"missing account: kept as '{NO_ACCOUNT}'")
    if mapping.opportunity_id:
        repair(generated, lambda i: f"missing opportunity id: named '{id_text[i]}'")

    tidy = pd.DataFrame(
        {
            "opportunity_id": ids.astype(str),
            "owner": col["owner"].fillna(NO_OWNER).astype(str),
            "stage": stage.astype(str),
            "status": status.astype(str),
            "amount": amount.astype(float),
            "created_date": created,
            "close_date": closed,
            "product": product.fillna(NO_PRODUCT).astype(str),
            "account": col["account"].fillna(NO_ACCOUNT).astype(str),
        }
    )
    used = {getattr(mapping, f) for f in CANONICAL_FIELDS}
    extras = [c for c in columns if c not in used and c not in tidy.columns]
    if extras:  # one concat: adding hundreds of columns one by one takes seconds
        tidy = pd.concat([tidy, frame[extras]], axis=1)
    tidy = tidy[keep].reset_index(drop=True)
    report.extend((line_no, "", "excluded", reason) for line_no, reason in raw.bad_rows)
    report_frame = (
        pd.DataFrame(report, columns=REPORT_COLUMNS)
        .sort_values(["row", "action"], kind="stable")
        .reset_index(drop=True)
    )
    return ImportResult(
        tidy,
        report_frame,
        mapping,
        date_format,
        dict(stage_map),
        raw.encoding,
        raw.separator,
        raw.rows_read,
        raw.notes + _number_notes(decimal, col["amount"]) + _gap_notes(tidy),
        raw.blank_rows,
    )


def _number_notes(decimal: str, amounts: pd.Series) -> tuple[str, ...]:
    notes = []
    if decimal == ",":
        notes.append(decimal_note(decimal))
    text = amounts.dropna().astype(str)
    if n := int(text.str.contains(r"^\s*\(.*\)\s*$", regex=True).sum()):
        notes.append(f"{n:,} amount(s) in accounting style, e.g. (1,234), were read as negative.")
    return tuple(notes)


def _gap_notes(tidy: pd.DataFrame) -> tuple[str, ...]:
    """Counts of gaps that are normal in CRM exports and handled by the model (not per-row repairs)."""
    notes = []
    open_ = tidy["status"] == "open"
    if n := int((open_ & tidy["amount"].isna()).sum()):
        notes.append(f"{n:,} open deals have no amount: the forecast uses the deal size of their product.")
    if n := int((open_ & tidy["created_date"].isna()).sum()):
        notes.append(f"{n:,} open deals have no created date (e.g. not yet engaged): they count as new, age unknown.")
    if n := int(((tidy["status"] == "lost") & tidy["amount"].isna()).sum()):
        notes.append(f"{n:,} lost deals have no amount (not needed for the forecast).")
    if n := int((open_ & tidy["close_date"].notna()).sum()):
        notes.append(f"{n:,} open deals carry a close date: read as the expected close date, not an outcome.")
    if not (tidy["status"] != "open").any():
        notes.append("No closed (won or lost) deals: win rates and cycle times cannot be learnt from this file.")
    return tuple(notes)
