"""Turn uploaded bytes into a table of strings: encoding, separator and file type detection.

Uploads are untrusted: nothing is evaluated, Excel is read with openpyxl (no macros), and every
cell comes back as text so that the importer decides how to parse it. Every line is accounted for:
quoted fields may hold line breaks (one row), empty lines are counted (`blank_rows`), and a row with more
values than the header is kept aside with its line number (`bad_rows`) for the importer's report.

Work is bounded before it is spent: at most MAX_BYTES of file, MAX_COLUMNS columns and MAX_CELLS cells
(counted while reading, so a huge file stops early), and for .xlsx at most MAX_XLSX_UNPACKED bytes once
unpacked (checked from the zip directory before any XML is parsed; zipfile enforces the declared sizes).
Text is cleaned where it enters: control characters are removed and undecodable bytes replaced, with a note.
This reader serves every upload (CRM exports, monthly histories): `kind` only changes the wording.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from crm.errors import CrmImportError

MAX_BYTES = 50 * 1024 * 1024  # 50 MB: far above any CRM export of opportunities
MAX_COLUMNS = 1_000  # a Salesforce "all fields" export has a few hundred; more is not an opportunity list
MAX_CELLS = 6_000_000  # rows x columns: ~750,000 opportunities of 8 fields, or 3,000,000 days of 2
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # bytes of XML inside an .xlsx
MAX_CELL_CHARS = 100_000
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_SEPARATORS = [",", ";", "\t", "|"]
_SEPARATOR_NAMES = {";": "semicolons", "\t": "tabs", "|": "pipes"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")


@dataclass(frozen=True)
class RawTable:
    """The file as read: text cells with their original headers, and how it was read.

    frame: every cell a string or missing; headers as in the file; index = file line of the row - 2
    (so line = index + 2; a quoted multi-line row carries the line it starts on).
    blank_rows: empty lines / rows skipped (counted, not data). bad_rows: (line, reason) of rows that could not
    be split into the header's columns; they are not in `frame` and the importer reports them as excluded.
    """

    frame: pd.DataFrame
    encoding: str  # "utf-8", "utf-8-sig" (BOM), "utf-16", "cp1252", "latin-1" or "xlsx"
    separator: str | None  # None for Excel
    notes: tuple[str, ...] = field(default=())
    blank_rows: int = 0
    bad_rows: tuple[tuple[int, str], ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def rows_read(self) -> int:
        """Data rows in the file (empty lines not counted): rows in `frame` plus `bad_rows`."""
        return len(self.frame) + len(self.bad_rows)


def read_bytes(source: bytes | str | Path) -> tuple[bytes, str]:
    """Bytes and a display name from bytes or a file path."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "upload"
    path = Path(source)
    if not path.is_file():
        raise CrmImportError("file", f"File not found: {path}")
    if path.stat().st_size > MAX_BYTES:
        raise CrmImportError("file", f"{path.name} is larger than 50 MB; export only the rows you need")
    return path.read_bytes(), path.name


def _replaced(text: str, data: bytes) -> int:
    return max(0, text.count("\ufffd") - data.count("\ufffd".encode()))


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: BOMs first, then UTF-8, then Windows-1252, then Latin-1 (never fails).

    Bytes that do not decode (a UTF-16 file cut mid-character, a lone surrogate) become U+FFFD; a UTF-8 file
    with a few such bytes stays UTF-8 rather than turning every accent into Windows-1252 mojibake."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8", errors="replace")
    bad = _replaced(loose, data)
    good = sum(1 for ch in loose if ord(ch) > 127 and ch != "\ufffd")
    if good > bad:
        return loose, "utf-8"
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


def _records(text: str, separator: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=separator, quotechar='"', skipinitialspace=True, strict=False)
    out = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def sniff_separator(text: str) -> str:
    """The separator that splits the first records (quotes respected) into the most consistent width > 1."""
    head = text[:65_536]
    if not head.strip():
        raise CrmImportError("file", "The file is empty: export it with a header row")
    best, best_score = ",", -1.0
    for sep in _SEPARATORS:
        rows = _records(head, sep, 50)
        if len(text) > len(head) and len(rows) > 1:
            rows = rows[:-1]  # the last record may be cut by the 64 KB window
        counts = [len(r) for r in rows] or [1]
        width = max(set(counts), key=counts.count)
        score = (width if width > 1 else 0) * counts.count(width) / len(counts) + (width > 1) * 0.5
        if score > best_score:
            best, best_score = sep, score
    return best


def _too_many_cells(kind: str, rows: int, columns: int) -> CrmImportError:
    return CrmImportError(
        "file",
        f"The file has more than {MAX_CELLS:,} cells ({rows:,}+ rows x {columns:,} columns); "
        f"at most {MAX_CELLS:,} can be read: export fewer rows or only the columns you need",
    )


def _too_many_columns(kind: str, columns: int) -> CrmImportError:
    return CrmImportError(
        "file",
        f"The file has {columns:,} columns; at most {MAX_COLUMNS:,} can be read: "
        f"export the {kind} with only the columns you need",
    )


def _header_names(cells: list[object]) -> tuple[list[str], list[str]]:
    """Cleaned, unique header names (duplicates get .1, .2 like pandas; empty ones 'Unnamed: k'), and notes."""
    names, seen, notes = [], {}, []
    for k, cell in enumerate(cells):
        name = _CONTROL.sub("", str(cell) if cell is not None else "").strip()
        name = name or f"Unnamed: {k}"
        if name in seen:
            seen[name] += 1
            renamed = f"{name}.{seen[name]}"
            notes.append(f"Column '{name}' appears more than once; the copy is named '{renamed}'.")
            name = renamed
        else:
            seen[name] = 0
        names.append(name)
    return names, notes


def read_table(source: bytes | str | Path, kind: str = "opportunities") -> RawTable:
    """Read a CSV (any common encoding and separator) or an .xlsx file into a RawTable of strings.

    kind names what the file should hold in messages ("opportunities", "monthly history")."""
    data, _ = read_bytes(source)
    if len(data) > MAX_BYTES:
        raise CrmImportError("file", f"The file is larger than 50 MB; export only the {kind} you need")
    if not data.strip():
        raise CrmImportError("file", f"The file is empty: export the {kind} with a header row")
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data, kind)
    if data.startswith(_XLS_MAGIC):
        raise CrmImportError(
            "file", "This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV and upload again"
        )
    if looks_binary(data):
        raise CrmImportError(
            "file", f"This looks like a binary file, not a CSV or Excel export: export the {kind} as CSV or .xlsx"
        )
    text, encoding = decode_text(data)
    replaced = _replaced(text, data)
    separator = sniff_separator(text)
    reader = csv.reader(io.StringIO(text), delimiter=separator, quotechar='"', skipinitialspace=True, strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    starts: list[int] = []
    bad: list[tuple[int, str]] = []
    blank = 0
    line = 0  # last physical line consumed
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(record):  # an empty line (or only separators); whitespace-only rows are dropped in _finish
                blank += 1 if header is not None else 0
                continue
            if header is None:
                if len(record) > MAX_COLUMNS:
                    raise _too_many_columns(kind, len(record))
                header = record
                width = len(header)
                continue
            if len(record) > width:
                if any(cell.strip() for cell in record[width:]):
                    bad.append((start, f"{len(record)} values but the header has {width} columns: row not read"))
                    continue
                record = record[:width]
            rows.append(record)
            starts.append(start)
            if len(rows) * width > MAX_CELLS:
                raise _too_many_cells(kind, len(rows), width)
    except csv.Error as exc:
        raise CrmImportError(
            "file",
            f"Could not split line {line + 1} into columns with separator {separator!r} ({exc}): "
            "check for an unclosed quote or a cell over 128 KB",
        ) from None
    if header is None:
        raise CrmImportError("file", f"The file is empty: export the {kind} with a header row")
    names, notes = _header_names(header)
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names, dtype=object)
    frame.index = pd.Index([s - 2 for s in starts], dtype="int64")
    notes = _text_notes(encoding, separator, replaced) + notes
    return _finish(frame, encoding, separator, notes, blank, tuple(bad), kind)


def _text_notes(encoding: str, separator: str | None, replaced: int) -> list[str]:
    notes = []
    if encoding in ("cp1252", "latin-1"):
        notes.append(f"The file is not UTF-8; it was read as {encoding} (Western European).")
    if encoding == "utf-8-sig":
        notes.append("The file starts with a byte-order mark (BOM); it was removed.")
    if replaced:
        notes.append(
            f"{replaced:,} character(s) could not be decoded as {encoding.upper()} (a file cut mid-character or "
            "a broken character) and were replaced by '\ufffd'."
        )
    if separator and separator != ",":
        notes.append(f"Columns are separated by {_SEPARATOR_NAMES.get(separator, separator)}.")
    return notes


def _xlsx_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def check_xlsx(data: bytes, kind: str = "rows", limit: int = MAX_XLSX_UNPACKED) -> None:
    """Refuse an .xlsx that is damaged, not a workbook, or unpacks to more than `limit` bytes (a zip bomb), from the
    zip directory alone: nothing is decompressed. zipfile later enforces the sizes declared there."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CrmImportError(
            "file", "Could not read this Excel file (the zip inside is damaged): save it again as .xlsx or CSV"
        ) from None
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise CrmImportError("file", f"This is a zip file, not an Excel workbook: upload the {kind} as .xlsx or CSV")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > limit or len(entries) > 10_000:
        raise CrmImportError(
            "file",
            f"This Excel file unpacks to {unpacked / 2**20:,.0f} MB, more than the {limit / 2**20:,.0f} MB "
            f"that can be read: save the sheet as CSV or export fewer rows",
        )


def _read_xlsx(data: bytes, kind: str) -> RawTable:
    check_xlsx(data, kind)
    rows: list[list[str | None]] = []
    header: list[object] | None = None
    blank = 0
    cells = 0
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # never trust the declared size of the sheet
        starts: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells += len(values)
            if header is None and len(values) > MAX_COLUMNS:
                raise _too_many_columns(kind, len(values))
            if cells > MAX_CELLS:
                raise _too_many_cells(kind, len(rows), len(header or values))
            if not any(v is not None and str(v).strip() for v in values):
                blank += 1 if header is not None else 0
                continue
            if header is None:
                header = list(values)
                while header and header[-1] is None:
                    header.pop()
                continue
            text = [_xlsx_text(v) for v in values[: len(header)]]
            text += [None] * (len(header) - len(text))
            rows.append(text)
            starts.append(number)
        book.close()
    except CrmImportError:
        raise
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise CrmImportError(
            "file", f"Could not read this Excel file ({type(exc).__name__}): save it again as .xlsx or CSV"
        ) from None
    if header is None:
        raise CrmImportError("file", f"The Excel file's first sheet is empty: put the {kind} with a header row there")
    names, notes = _header_names(header)
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names, dtype=object)
    frame.index = pd.Index([s - 2 for s in starts], dtype="int64")
    return _finish(frame, "xlsx", None, notes, blank, (), kind)


def _clean(value: object) -> tuple[object, bool]:
    if not isinstance(value, str):
        return value, False
    cleaned = _CONTROL.sub("", value).strip()
    if len(cleaned) > MAX_CELL_CHARS:
        cleaned = cleaned[:MAX_CELL_CHARS]
    return (cleaned or None), cleaned != value.strip()


def _finish(
    frame: pd.DataFrame,
    encoding: str,
    separator: str | None,
    notes: list[str],
    blank: int,
    bad: tuple[tuple[int, str], ...],
    kind: str,
) -> RawTable:
    if frame.shape[1] < 2:
        raise CrmImportError(
            "file",
            "Only one column was found: the file needs a header row and one column per field"
            + (" (id, stage, amount, dates)" if kind == "opportunities" else ""),
        )
    changed = 0
    cache: dict[str, tuple[object, bool]] = {}
    cleaned_columns = {}
    for k in range(frame.shape[1]):  # each distinct text cleaned once
        cells = frame.iloc[:, k].to_numpy(dtype=object)
        if len(cells) < 5_000:  # short columns (a wide file): a plain loop beats pandas' per-column overhead
            out: list[object] = [None] * len(cells)
            for i, value in enumerate(cells):
                if isinstance(value, str):
                    hit = cache.get(value)
                    if hit is None:
                        hit = cache[value] = _clean(value)
                    out[i] = hit[0]
                    changed += hit[1]
            cleaned_columns[k] = out
            continue
        column = pd.Series(cells, dtype=object)
        fixes = {}
        for value in pd.unique(cells):
            if isinstance(value, str):
                cleaned, dirty = _clean(value)
                if cleaned != value:
                    fixes[value] = (cleaned, dirty)
        if fixes:
            hits = column.isin(list(fixes))
            changed += int(column[hits].map({v: dirty for v, (_, dirty) in fixes.items()}).sum())
            column = column.where(~hits, column[hits].map({v: cleaned for v, (cleaned, _) in fixes.items()}))
        cleaned_columns[k] = column.where(column.notna(), None).to_numpy(dtype=object)
    frame = pd.DataFrame(cleaned_columns, index=frame.index, dtype=object).set_axis(list(frame.columns), axis=1)
    empty = frame.isna().all(axis=1)
    if empty.any():  # rows whose cells held only spaces or control characters
        blank += int(empty.sum())
        frame = frame[~empty]
    if frame.empty and not bad:
        raise CrmImportError("file", f"The file has a header row but no {kind}")
    if changed:
        notes.append(
            f"{changed:,} cell(s) held control characters (invisible codes such as tabs or bells); they were removed."
        )
    if blank:
        notes.append(f"{blank:,} empty line(s) skipped (not counted as rows).")
    return RawTable(frame, encoding, separator, tuple(notes), blank, bad)
