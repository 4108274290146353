"""Import CRM opportunity exports (CSV or Excel) into one tidy frame, with a report of what was changed.

API (stable; the pipeline forecast and the KPI scorecard both use it):

    import crm
    result = crm.load_opportunities(source, mapping=None, date_format=None, stage_map=None, products=None)
    result = crm.bundled_example()            # the bundled Maven CRM data set (data/crm/)

`source` is the file's bytes (an upload) or a path; or a `crm.RawTable` from `crm.read_table(source)` when a
page wants the columns first (to show a mapping step). Returns `crm.ImportResult`:

- `.opportunities`: DataFrame, one row per kept opportunity, columns
  opportunity_id (str), owner (str), stage (str, the CRM label), status ("open" | "won" | "lost"),
  amount (float, currency units; NaN when missing, e.g. open deals), created_date, close_date (datetime64;
  NaT when missing; for open deals close_date is the CRM's expected close date, if any), product, account
  (str; "(no product)" / "(no account)" / "(no owner)" when missing), then any other file columns as text.
- `.report`: DataFrame row (file line, header = 1), opportunity_id, action ("excluded" | "repaired"), reason;
  `.report_summary()` counts per reason; `.excluded` / `.repaired` filter it.
- `.mapping` (ColumnMapping: canonical field -> file column), `.date_format` (a key of DATE_FORMATS),
  `.stage_map` (label -> open/won/lost), `.encoding`, `.separator`, `.rows_read`, `.notes` (file-level remarks).

Guessing: `guess_mapping(columns)`, `guess_stage_mapping(labels)`, `detect_date_format([series, ...])`.
Errors (all `CrmImportError` with `.field` and a user-facing `.message`): `MappingNeeded` (`.missing`,
`.columns`, `.guess`) when required columns (stage, amount, created date, close date) are not found;
`AmbiguousDateFormat` (`.candidates`, e.g. ["M/D/YYYY", "D/M/YYYY"]) when every date fits both; plain
`CrmImportError` for empty, binary or unreadable files. Never imports streamlit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crm.dates import DATE_FORMATS, detect_date_format
from crm.errors import AmbiguousDateFormat, CrmImportError, MappingNeeded
from crm.importer import TIDY_COLUMNS, ImportResult, load_opportunities
from crm.mapping import (
    CANONICAL_FIELDS,
    FIELD_LABELS,
    REQUIRED_FIELDS,
    ColumnMapping,
    guess_mapping,
    guess_stage_mapping,
)
from crm.reading import RawTable, read_table

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "crm"
BUNDLED_PIPELINE = DATA_DIR / "sales_pipeline.csv"
BUNDLED_AS_OF = pd.Timestamp("2017-12-31")  # the export date of the bundled data (last close date)


def bundled_table(name: str) -> pd.DataFrame:
    """One of the bundled side tables as text: "sales_teams", "accounts" or "products"."""
    if name not in ("sales_teams", "accounts", "products"):
        raise CrmImportError("name", f"No bundled table {name!r}; choose sales_teams, accounts or products")
    return pd.read_csv(DATA_DIR / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])


def bundled_example() -> ImportResult:
    """The bundled CRM export imported with its product list (so 'GTXPro' becomes 'GTX Pro')."""
    products = bundled_table("products")["product"].tolist()
    return load_opportunities(BUNDLED_PIPELINE, products=products)


__all__ = [
    "AmbiguousDateFormat",
    "BUNDLED_AS_OF",
    "BUNDLED_PIPELINE",
    "CANONICAL_FIELDS",
    "ColumnMapping",
    "CrmImportError",
    "DATE_FORMATS",
    "FIELD_LABELS",
    "ImportResult",
    "MappingNeeded",
    "REQUIRED_FIELDS",
    "RawTable",
    "TIDY_COLUMNS",
    "bundled_example",
    "bundled_table",
    "detect_date_format",
    "guess_mapping",
    "guess_stage_mapping",
    "load_opportunities",
    "read_table",
]
