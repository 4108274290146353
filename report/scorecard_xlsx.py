"""Export a scorecard to Excel (same red/amber/green fills as the page) and CSV; read standards back.

Sheets: Scorecard (one row per standard, status cell filled), Reps (per-rep values, each value cell
filled by its status), Attainability, Fairness, KPIs (every catalogue KPI's latest team value or
"needs: ..."), Standards (machine-readable, re-importable), Formulas (every KPI's formula and
definition). Text that a spreadsheet would treat as a formula (starting with = + - @, tab or CR)
is written with a leading apostrophe so that it stays text.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pandas as pd

from kpi.catalogue import CATALOGUE, get
from report.safe import neutralise, safe_cell

FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE", "no data": "E7E6E6"}  # Excel's own RAG palette
FONTS = {"green": "006100", "amber": "9C5700", "red": "9C0006", "no data": "595959"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
STANDARD_FIELDS = ("kpi", "scope", "period", "target", "green", "amber")


def safe_text(value: object) -> object:
    """Neutralise spreadsheet formulas in text: '=cmd' -> "'=cmd"; control characters removed. Numbers pass."""
    return neutralise(value)


def _cell(value: object) -> object:
    return safe_cell(value)


def _number_format(unit: str) -> str:
    return {"share": "0.0%", "currency": "#,##0", "multiple": '0.00"x"'}.get(unit, "#,##0.0")


def write_xlsx(
    card, path: str | Path | None = None, *, title: str = "KPI scorecard", notes: list[str] | None = None
) -> bytes:
    """The workbook as bytes (and written to `path` when given). `card` is a simulate.standards.Scorecard."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    def fill(cell, status: str) -> None:
        cell.fill = PatternFill("solid", start_color=FILLS[status], end_color=FILLS[status])
        cell.font = Font(color=FONTS[status], bold=status != "no data")

    def header(ws, names: list[str], row: int = 1) -> None:
        for c, name in enumerate(names, start=1):
            cell = ws.cell(row=row, column=c, value=_cell(name))
            cell.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=row + 1, column=1)

    def widths(ws, sizes: list[int]) -> None:
        for c, size in enumerate(sizes, start=1):
            ws.column_dimensions[get_column_letter(c)].width = size

    wb = Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    ws.append([_cell(title)])
    ws["A1"].font = Font(bold=True, size=14)
    for line in notes or []:
        ws.append([_cell(line)])
    ws.append(
        [
            "Status: green = at or better than the green threshold; amber = between amber and green; red = worse than amber."
        ]
    )
    start = ws.max_row + 2
    names = [
        "KPI",
        "Scope",
        "Period",
        "Latest period",
        "Actual",
        "Target",
        "Green from",
        "Amber from",
        "Status",
        "Reps meeting",
        "Met historically",
        "Expected to meet",
        "Standard for share",
        "Chance next period",
        "Formula",
        "Note",
    ]
    header(ws, names, start)
    for r, row in enumerate(card.rows.itertuples(index=False), start=start + 1):
        reps = (
            f"{int(row.reps_meeting)} of {int(row.reps_measured)}"
            if row.scope == "rep" and row.reps_measured == row.reps_measured
            else ""
        )
        chance = (
            row.chance_next if row.chance_next is not None and row.chance_next == row.chance_next else row.chance_note
        )
        values = [
            row.name,
            row.scope,
            row.period,
            row.latest_period,
            row.actual,
            row.target,
            row.green,
            row.amber,
            row.status,
            reps,
            row.historical_share,
            row.expected_share,
            row.standard_for_share,
            chance,
            row.formula,
            row.note,
        ]
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=_cell(v))
        for c in (5, 6, 7, 8, 13):
            ws.cell(row=r, column=c).number_format = _number_format(row.unit)
        for c in (11, 12):
            ws.cell(row=r, column=c).number_format = "0%"
        if isinstance(chance, float):
            ws.cell(row=r, column=14).number_format = "0%"
        fill(ws.cell(row=r, column=5), row.status)
        fill(ws.cell(row=r, column=9), row.status)
        ws.cell(row=r, column=1).comment = Comment(get(row.kpi).formula, "scorecard")
    widths(ws, [34, 7, 8, 12, 14, 12, 12, 12, 9, 12, 14, 14, 16, 16, 60, 40])

    ws = wb.create_sheet("Reps")
    rep_std = [s for s in card.standards.standards if s.scope == "rep" and s.kpi in card.reps.columns]
    ws.append(
        ["Latest period per standard; each value cell is filled by its status. Formulas: see the Formulas sheet."]
    )
    header(ws, ["Rep"] + [get(s.kpi).name for s in rep_std] + ["Red count"], 2)
    for r, row in enumerate(card.reps.to_dict(orient="records"), start=3):
        ws.cell(row=r, column=1, value=_cell(row["rep"]))
        for c, s in enumerate(rep_std, start=2):
            cell = ws.cell(row=r, column=c, value=_cell(row[s.kpi]))
            cell.number_format = _number_format(get(s.kpi).unit)
            fill(cell, row[f"{s.kpi}__status"] if isinstance(row[f"{s.kpi}__status"], str) else "no data")
        ws.cell(row=r, column=len(rep_std) + 2, value=_cell(row.get("reds")))
    widths(ws, [24] + [18] * len(rep_std) + [10])

    ws = wb.create_sheet("Attainability")
    ws.append(
        [
            "Met historically = share of rep-periods (last periods) that met the standard; expected = average of each rep's "
            "simulated chance next period; standard for share = the level that the chosen share of reps can meet."
        ]
    )
    header(
        ws,
        [
            "KPI",
            "Reps",
            "Met historically",
            "Expected to meet",
            "MC std error",
            "Share goal",
            "Standard for share (history)",
            "Standard for share (expected)",
        ],
        2,
    )
    for a in card.attain.values():
        ws.append(
            [
                _cell(v)
                for v in (
                    get(a.kpi).name,
                    a.reps,
                    a.historical_share,
                    a.expected_share,
                    a.expected_share_mc_se,
                    a.share_goal,
                    a.standard_for_share_historical,
                    a.standard_for_share_expected,
                )
            ]
        )

    ws = wb.create_sheet("Fairness")
    if card.fair is not None:
        ws.append([_cell(card.fair.message)])
        ws.append(
            [
                "Leads = new opportunities assigned per rep; flag when under 75% or over 125% of the team average per rep."
            ]
        )
        ws.append(
            [
                "Lead value = average over a rep's leads of their product's team bookings per closed deal; vs team = "
                "that value / the team's."
            ]
        )
        header(
            ws, ["Rep", "Leads", "Leads per period", "Share of average", "Lead value", "Lead value vs team", "Flag"], 4
        )
        for row in card.fair.per_rep.to_dict(orient="records"):
            ws.append(
                [
                    _cell(row.get(k))
                    for k in (
                        "rep",
                        "leads",
                        "leads_per_period",
                        "share_of_average",
                        "lead_value",
                        "lead_value_of_team",
                        "flag",
                    )
                ]
            )

    ws = wb.create_sheet("KPIs")
    header(ws, ["Key", "KPI", "Category", "Latest period", "Team value", "Unit", "Better when", "Formula", "Note"])
    for row in card.overview.itertuples(index=False):
        ws.append(
            [
                _cell(v)
                for v in (
                    row.kpi,
                    row.name,
                    row.category,
                    row.period,
                    row.value,
                    row.unit,
                    row.direction,
                    row.formula,
                    row.note,
                )
            ]
        )

    ws = wb.create_sheet("Standards")
    ws.append(["attainable_share", card.standards.attainable_share])
    header(ws, list(STANDARD_FIELDS), 2)
    for s in card.standards.standards:
        ws.append([_cell(getattr(s, f)) for f in STANDARD_FIELDS])

    ws = wb.create_sheet("Formulas")
    header(ws, ["Key", "KPI", "Formula", "Definition", "Unit", "Better when", "Data needed"])
    for k in CATALOGUE.values():
        ws.append([_cell(v) for v in (k.key, k.name, k.formula, k.definition, k.unit, k.direction, ", ".join(k.needs))])
    widths(ws, [24, 34, 70, 70, 10, 10, 60])

    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def read_standards_xlsx(source: bytes | str | Path):
    """Standards from the 'Standards' sheet of an exported workbook (validated like any import)."""
    from openpyxl import load_workbook

    from crm.errors import CrmImportError
    from crm.reading import check_xlsx
    from simulate.scenario import ScenarioError, StandardSet

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    try:
        check_xlsx(data, "standards", limit=20 * 2**20)  # a standards workbook is a few KB unpacked
    except CrmImportError as exc:
        raise ScenarioError("file", f"not an Excel workbook this app can read: {exc.message}") from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for non-workbooks
        raise ScenarioError("file", f"not an Excel workbook this app can read ({type(exc).__name__})") from None
    if "Standards" not in wb.sheetnames:
        raise ScenarioError("file", "the workbook has no 'Standards' sheet; export one from the scorecard first")
    rows = list(itertools.islice(wb["Standards"].iter_rows(values_only=True), 10_000))
    if len(rows) < 2 or rows[0][0] != "attainable_share" or tuple(rows[1][: len(STANDARD_FIELDS)]) != STANDARD_FIELDS:
        raise ScenarioError(
            "file",
            f"the 'Standards' sheet must start with attainable_share and the columns {', '.join(STANDARD_FIELDS)}",
        )
    items = [
        dict(zip(STANDARD_FIELDS, r[: len(STANDARD_FIELDS)], strict=True)) for r in rows[2:] if r and r[0] is not None
    ]
    return StandardSet.from_dict({"attainable_share": rows[0][1], "standards": items})


def scorecard_csv(card) -> str:
    """One CSV with every standard and every rep value: a header block states each formula."""
    lines = [
        f"# {k.key}: {k.formula}" for k in CATALOGUE.values() if k.key in {s.kpi for s in card.standards.standards}
    ]
    table = card.rows[
        [
            "kpi",
            "name",
            "scope",
            "period",
            "latest_period",
            "actual",
            "target",
            "green",
            "amber",
            "status",
            "reps_meeting",
            "reps_measured",
            "historical_share",
            "expected_share",
            "standard_for_share",
            "chance_next",
        ]
    ]
    table = table.map(safe_text)
    reps = []
    for s in card.standards.standards:
        if s.scope == "rep" and s.kpi in card.reps.columns:
            part = card.reps[["rep", s.kpi, f"{s.kpi}__status"]].rename(
                columns={s.kpi: "value", f"{s.kpi}__status": "status"}
            )
            reps.append(part.assign(kpi=s.kpi)[["kpi", "rep", "value", "status"]])
    out = io.StringIO()
    out.write("\n".join(lines) + "\n")
    table.to_csv(out, index=False)
    if reps:
        out.write("\n")
        pd.concat(reps, ignore_index=True).map(safe_text).to_csv(out, index=False)
    return out.getvalue()
