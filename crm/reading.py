"""Turn uploaded bytes into a table of strings: encoding, separator and file type detection.

Uploads are untrusted: nothing is evaluated, Excel is read with openpyxl (no macros), and every
cell comes back as text so that the importer decides how to parse it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crm.errors import CrmImportError

MAX_BYTES = 50 * 1024 * 1024  # 50 MB: far above any CRM export of opportunities
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_SEPARATORS = [",", ";", "\t", "|"]


@dataclass(frozen=True)
class RawTable:
    """The file as read: text cells with their original headers, and how it was read."""

    frame: pd.DataFrame  # every cell a string or missing; headers as in the file
    encoding: str  # "utf-8", "utf-8-sig" (BOM), "utf-16", "cp1252", "latin-1" or "xlsx"
    separator: str | None  # None for Excel
    notes: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def read_bytes(source: bytes | str | Path) -> tuple[bytes, str]:
    """Bytes and a display name from bytes or a file path."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "upload"
    path = Path(source)
    if not path.is_file():
        raise CrmImportError("file", f"File not found: {path}")
    if path.stat().st_size > MAX_BYTES:
        raise CrmImportError("file", f"{path.name} is larger than 50 MB; export only the opportunities you need")
    return path.read_bytes(), path.name


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: BOMs first, then strict UTF-8, then Windows-1252, then Latin-1 (never fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes or many control characters in the first 4 KB."""
    head = data[:4096]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs by design
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls > max(4, len(head) // 50)


def sniff_separator(text: str) -> str:
    """The separator that splits the first lines into the most consistent number (>1) of columns."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise CrmImportError("file", "The file is empty: export the opportunities with a header row")
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(_SEPARATORS)).delimiter
    except csv.Error:
        pass
    best, best_score = ",", -1.0
    for sep in _SEPARATORS:
        counts = [len(next(csv.reader([line], delimiter=sep))) for line in lines]
        width = max(set(counts), key=counts.count)
        score = (width if width > 1 else 0) * counts.count(width) / len(counts)
        if score > best_score:
            best, best_score = sep, score
    return best


def read_table(source: bytes | str | Path) -> RawTable:
    """Read a CSV (any common encoding and separator) or an .xlsx file into a RawTable of strings."""
    data, name = read_bytes(source)
    if len(data) > MAX_BYTES:
        raise CrmImportError("file", "The file is larger than 50 MB; export only the opportunities you need")
    if not data.strip():
        raise CrmImportError("file", "The file is empty: export the opportunities with a header row")
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_XLS_MAGIC):
        raise CrmImportError(
            "file", "This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV and upload again"
        )
    if looks_binary(data):
        raise CrmImportError(
            "file", "This looks like a binary file, not a CSV or Excel export: export the opportunities as CSV or .xlsx"
        )
    text, encoding = decode_text(data)
    separator = sniff_separator(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
            on_bad_lines="error",
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise CrmImportError(
            "file", f"Could not split the file into columns with separator {separator!r}: {exc}".splitlines()[0]
        ) from None
    except pd.errors.EmptyDataError:
        raise CrmImportError("file", "The file is empty: export the opportunities with a header row") from None
    return _finish(frame, encoding, separator)


def _read_xlsx(data: bytes) -> RawTable:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise CrmImportError(
            "file", f"Could not read this Excel file ({type(exc).__name__}): save it again as .xlsx or CSV"
        ) from None
    return _finish(frame, "xlsx", None)


def _finish(frame: pd.DataFrame, encoding: str, separator: str | None) -> RawTable:
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    if frame.shape[1] < 2:
        raise CrmImportError(
            "file",
            "Only one column was found: the file needs a header row and one column per field (id, stage, amount, dates)",
        )
    frame = frame.dropna(how="all")
    if frame.empty:
        raise CrmImportError("file", "The file has a header row but no opportunities")
    for column in frame.columns:
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
        frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
        frame[column] = frame[column].map(lambda v: None if v == "" else v)
    notes = []
    if encoding in ("cp1252", "latin-1"):
        notes.append(f"The file is not UTF-8; it was read as {encoding} (Western European).")
    if encoding == "utf-8-sig":
        notes.append("The file starts with a byte-order mark (BOM); it was removed.")
    if separator and separator != ",":
        notes.append(
            f"Columns are separated by {({';': 'semicolons', chr(9): 'tabs', '|': 'pipes'}).get(separator, separator)}."
        )
    return RawTable(frame, encoding, separator, tuple(notes))  # index = data row number (file line - 2)
