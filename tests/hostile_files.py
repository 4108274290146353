"""A hostile-file corpus generated at test time (nothing large is committed): CRM exports, monthly histories and
CLV summaries, ordinary and hostile, as bytes. Used by tests/unit/test_hostile_files.py and tests/app/test_uploads_*.

Every generator is deterministic (fixed seed) and small unless its point is size (the zip bomb, a million rows).
"""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pandas as pd

CRM_HEADER = ["Opportunity ID", "Owner", "Stage", "Amount", "Created Date", "Close Date", "Product", "Account"]
REPS = ["Ana Silva", "Ben Okafor", "Chen Wei", "Dana Kim", "Eli Cohen"]
PRODUCTS = ["Core", "Pro", "Enterprise"]


def crm_rows(n: int = 200, seed: int = 1, start: str = "2023-01-01", end: str = "2024-12-31") -> list[list[str]]:
    """An ordinary export: n deals created between start and end, about 60% closed (won 40% of those), amounts in
    US style, dates M/D/YYYY; the first month has a single closed deal (as most real exports start)."""
    rng = np.random.default_rng(seed)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    created = list(
        pd.DatetimeIndex(np.sort(t0 + pd.to_timedelta(rng.uniform(0, (t1 - t0).days - 40, n), unit="D"))).normalize()
    )
    rows = []
    for k, c in enumerate(created):
        cycle = int(rng.integers(20, 120))
        close = c + pd.Timedelta(days=cycle)
        closed = close <= t1 and rng.random() < 0.75
        if k == 0:  # the first month: one quick close
            closed, close = True, c + pd.Timedelta(days=5)
        stage = ("Closed Won" if rng.random() < 0.4 or k == 0 else "Closed Lost") if closed else "Negotiation"
        amount = f"{float(rng.lognormal(9, 0.6)):,.2f}" if stage != "Closed Lost" or rng.random() < 0.5 else ""
        rows.append(
            [
                f"OPP-{k + 1:04d}",
                REPS[k % len(REPS)],
                stage,
                amount,
                f"{c.month}/{c.day}/{c.year}",
                f"{close.month}/{close.day}/{close.year}" if closed or rng.random() < 0.5 else "",
                PRODUCTS[k % len(PRODUCTS)],
                f"Account {k % 40}",
            ]
        )
    return rows


def to_csv(rows: list[list[str]], header: list[str] = CRM_HEADER, sep: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def small_export() -> bytes:
    """200 deals over 2023-2024; fewer than 5 closed deals in the first month."""
    return to_csv(crm_rows())


def messy_export() -> bytes:
    """The small export plus rows the importer must exclude: negative amounts, unknown stages, close before created."""
    rows = crm_rows()
    for k in range(0, 30, 3):
        rows[k][3] = "-1,000.00"
    for k in range(1, 30, 3):
        rows[k][2] = "Mystery"
    for k in range(2, 30, 3):
        rows[k][5] = "1/1/2022"
    return to_csv(rows)


def open_only_export() -> bytes:
    rows = [r[:2] + ["Negotiation"] + r[3:5] + [""] + r[6:] for r in crm_rows()]
    return to_csv(rows)


def accounting_export() -> bytes:
    """Amounts in accounting style; row 3 (file line 4) holds ($7,379,000)."""
    rows = crm_rows(40)
    rows[2][2], rows[2][3] = "Closed Won", "($7,379,000)"
    return to_csv(rows)


def european_export() -> bytes:
    """Semicolon-separated, decimal commas: 1.234,50."""
    rows = crm_rows(60)
    for r in rows:
        if r[3]:
            value = float(r[3].replace(",", ""))
            r[3] = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return to_csv(rows, sep=";")


def formula_multiline_export() -> bytes:
    """200 deals whose names hold formula text and line breaks inside quoted fields: 200 rows, not more."""
    rows = crm_rows()
    for k, r in enumerate(rows):
        if k % 2 == 0:
            r[7] = f'=HYPERLINK("http://evil.example/{k}","click")\nsecond line'
        if k % 5 == 0:
            r[0] = f"=cmd|'/C calc'!A{k}"
            r[1] = f"{r[1]}\r\nhas a break"
    return to_csv(rows)


def blank_lines_export() -> bytes:
    """203 data lines: 200 rows and 3 completely empty lines."""
    lines = small_export().decode().split("\n")
    for at in (50, 100, 150):
        lines.insert(at, "")
    return "\n".join(lines).encode()


def control_char_export() -> bytes:
    rows = crm_rows(60)
    for k, r in enumerate(rows):
        r[1] = f"Rep\x07{k % 4}\x1b[31m" if k % 2 else r[1]
    return to_csv(rows)


def utf16_cut() -> bytes:
    """UTF-16 with a BOM, cut in the middle of a character."""
    data = "\ufeff".encode("utf-16-le") + small_export().decode().replace("Ana", "Añá").encode("utf-16-le")
    return data[:-1]


def utf16_lone_surrogate() -> bytes:
    text = small_export().decode()
    cut = text.index("Ana Silva")
    body = text[:cut].encode("utf-16-le") + b"\x00\xd8" + text[cut:].encode("utf-16-le")
    return b"\xff\xfe" + body


def utf8_lone_surrogate() -> bytes:
    data = small_export().replace(b"Ben Okafor", b"Ben \xed\xa0\x80Okafor", 1)
    return data.replace(b"Chen Wei", "Chén Wéi".encode(), 3)


def date_span_export(first: str, last: str, n: int = 200) -> bytes:
    """An export whose created/close dates run from `first` to `last` (YYYY-MM-DD), e.g. 1900 to 2100 or 0001 to
    9999: most rows are ordinary, the first and last carry the extreme years."""
    rows = crm_rows(n)
    y0, y1 = first.split("-"), last.split("-")
    rows[1][4] = f"{int(y0[1])}/{int(y0[2])}/{y0[0]}"
    rows[2][5] = f"{int(y1[1])}/{int(y1[2])}/{y1[0]}"
    rows[3][4], rows[3][5] = f"1/1/{y0[0]}", f"12/31/{y1[0]}"
    return to_csv(rows)


def uniform_span_export(first_year: int, last_year: int, n: int = 200) -> bytes:
    """Every created date drawn uniformly over the years (a file of random years), closes 30 days later."""
    rng = np.random.default_rng(5)
    rows = []
    for k in range(n):
        year, month, day = (
            int(rng.integers(first_year, last_year + 1)),
            int(rng.integers(1, 13)),
            int(rng.integers(1, 28)),
        )
        stage = ["Closed Won", "Closed Lost", "Negotiation"][k % 3]
        close = f"{month}/{day + 1}/{year}"
        rows.append([f"U-{k}", REPS[k % 5], stage, "1,000.00", f"{month}/{day}/{year}", close, "Core", "Acme"])
    return to_csv(rows)


def wide_export(columns: int = 1000) -> bytes:
    rows = crm_rows(200)
    header = CRM_HEADER + [f"Custom field {k}" for k in range(columns - len(CRM_HEADER))]
    return to_csv([r + [str(k % 7)] * (columns - len(CRM_HEADER)) for k, r in enumerate(rows)], header)


def xlsx_export(rows: list[list[str]] | None = None) -> bytes:
    frame = pd.DataFrame(rows or crm_rows(60), columns=CRM_HEADER)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def xlsx_bomb(unpacked_mb: int = 400) -> bytes:
    """A valid-looking .xlsx whose sheet XML unpacks to `unpacked_mb` MB but compresses to well under 1 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        row = '<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>' * 1000
        chunk = row.encode()
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for _ in range(unpacked_mb * 1024 * 1024 // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


# --- monthly histories ------------------------------------------------------------------------------------------
def history(
    months: int = 48, start: str = "2020-01", sep: str = ",", decimal: str = ".", header: str = "month"
) -> bytes:
    rng = np.random.default_rng(3)
    index = pd.period_range(start, periods=months, freq="M")
    lines = [f"{header}{sep}leads{sep}bookings"]
    for k, m in enumerate(index):
        leads = 800 + 10 * k + float(rng.normal(0, 20))
        bookings = 120_000 + 900 * k + float(rng.normal(0, 5000))
        text = [f"{leads:.2f}", f"{bookings:,.2f}"]
        if decimal == ",":
            text = [t.replace(",", "X").replace(".", ",").replace("X", ".") for t in text]
        lines.append(sep.join([str(m), *(f'"{t}"' if sep in t else t for t in text)]))
    return ("\n".join(lines) + "\n").encode()


def history_decimal_comma() -> bytes:
    """'860,25' and '1.234,50' style with a semicolon separator."""
    return history(sep=";", decimal=",")


def history_pk_header() -> bytes:
    """A CSV whose first header starts with PK (not a zip file)."""
    lines = history().decode().split("\n")
    lines[0] = "PKG," + lines[0]
    lines[1:] = [f"p{k}," + line if line else line for k, line in enumerate(lines[1:])]
    return "\n".join(lines).encode()


def history_span(first: str = "0001-01", last: str = "9999-12") -> bytes:
    body = history(36).decode().split("\n")
    body.insert(1, f"{first},1,1")
    body.insert(2, f"{last},1,1")
    return "\n".join(body).encode()


def history_daily_million(rows: int = 1_000_000) -> bytes:
    """A million rows of daily leads (many rows per day, as a raw event log would be)."""
    days = pd.date_range("2020-01-01", "2023-12-31", freq="D")
    rng = np.random.default_rng(4)
    picked = days[np.sort(rng.integers(0, len(days), rows))]
    values = rng.integers(0, 9, rows)
    text = pd.Series(picked.strftime("%Y-%m-%d")) + "," + pd.Series(values).astype(str)
    return ("date,leads\n" + "\n".join(text.tolist()) + "\n").encode()


# --- CLV summaries -----------------------------------------------------------------------------------------------
def clv_summary(huge: bool = False) -> bytes:
    lines = ["customer,x,t_x,T"]
    for k in range(50):
        x = k % 4
        lines.append(f"c{k},{x},{(x * 5.0) if x else 0.0},{40.0}")
    if huge:
        lines[5] = "c4,1e308,10,40"
    return ("\n".join(lines) + "\n").encode()
