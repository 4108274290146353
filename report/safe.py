"""Text that leaves the app in a file (CSV, XLSX): nothing in it can act as a formula or break the writer.

    neutralise("=HYPERLINK(\"http://evil\")")  -> "'=HYPERLINK(\"http://evil\")"
    clean_text("Rep\x07 name\udc80")          -> "Rep name\ufffd"   (openpyxl refuses control characters)
    to_csv(frame) -> bytes (UTF-8; every text cell and column name neutralised)

Formula starts follow OWASP's CSV-injection advice (=, +, -, @, tab, carriage return), also after leading spaces
and in their full-width forms, which some spreadsheets fold to ASCII. Numbers stay numbers. Every CSV and XLSX the
app writes goes through `safe_frame` / `safe_cell`, including the import reports of excluded rows.
"""

from __future__ import annotations

import math
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # openpyxl's IllegalCharacterError set (+ DEL)
_SURROGATES = re.compile(r"[\ud800-\udfff]")
EXCEL_MAX_CELL_CHARS = 32_767


def clean_text(value: str) -> str:
    """Control characters removed and lone surrogates replaced by U+FFFD, so any writer (UTF-8, openpyxl) accepts it."""
    return _SURROGATES.sub("\ufffd", _ILLEGAL.sub("", value))


def neutralise(value: object) -> object:
    """Text that starts like a formula gets a leading apostrophe (after cleaning); other values unchanged."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS) or text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_cell(value: object) -> object:
    """One cell for openpyxl: neutralised text cut to Excel's 32,767 characters; NaN/inf and None as empty."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    value = neutralise(value)
    if isinstance(value, str) and len(value) > EXCEL_MAX_CELL_CHARS:
        return value[: EXCEL_MAX_CELL_CHARS - 1] + "\u2026"
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell, column name and index label neutralised."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(lambda v: neutralise(str(v)))
    for k in range(out.shape[1]):
        column = out.iloc[:, k]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            out.isetitem(k, column.map(neutralise).astype(object))
    return out


def to_csv(frame: pd.DataFrame, index: bool = False) -> bytes:
    """UTF-8 CSV of a frame, safe to open in a spreadsheet."""
    return safe_frame(frame).to_csv(index=index).encode("utf-8")
