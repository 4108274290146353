"""CSV and Excel exports of summaries and raw trial samples (the audit trail), safe to open in a spreadsheet.

Text that a spreadsheet would run as a formula (starting with =, +, -, @, or a tab / carriage return,
per OWASP's CSV-injection advice) is prefixed with an apostrophe, and control characters are removed
(report.safe). Numbers stay numbers. Workbooks are streamed (openpyxl write-only) and hold at most
EXCEL_MAX_TRIALS raw trials, which the Summary sheet says; the raw-trials CSV holds every trial.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from report.safe import FORMULA_STARTS, clean_text, neutralise, safe_cell, safe_frame, to_csv  # noqa: F401
from simulate.funnel import FunnelSummary, SimulationResult, monthly_bands

EXCEL_MAX_ROWS = 1_048_575
EXCEL_MAX_TRIALS = 10_000  # raw trials in a workbook (openpyxl: ~1 s per 10,000 quiet); the CSV holds every trial


def summary_frame(head: FunnelSummary, scenario_name: str, trials: int, seed: int) -> pd.DataFrame:
    """One row per headline quantity: mean, P10, P50, P90, Monte Carlo error."""
    rows = []
    scenario_name = clean_text(scenario_name)  # a lone surrogate cannot even enter a pandas string column
    for name, dist in (("revenue", head.revenue), ("won_deals", head.won_deals)):
        rows.append(
            {
                "scenario": scenario_name,
                "period": head.period_label,
                "quantity": name,
                "mean": dist.mean,
                "p10": dist.p10,
                "p50": dist.p50,
                "p90": dist.p90,
                "std": dist.std,
                "mean_mc_se": dist.mc_se,
                "trials": trials,
                "seed": seed,
            }
        )
    rows.append(
        {
            "scenario": scenario_name,
            "period": head.period_label,
            "quantity": f"chance of reaching {head.target_metric} target {head.target_value:g}",
            "mean": head.hit.p,
            "p10": np.nan,
            "p50": np.nan,
            "p90": np.nan,
            "std": np.nan,
            "mean_mc_se": head.hit.mc_se,
            "trials": trials,
            "seed": seed,
        }
    )
    return pd.DataFrame(rows)


def trial_frame(result: SimulationResult, limit: int | None = None) -> pd.DataFrame:
    """Raw samples, one row per trial: the drawn inputs, the period totals and monthly revenue.

    limit: only the first `limit` trials (trials are independent draws, so they are a random sample of all)."""
    s = result.scenario
    n = result.trials if limit is None else min(limit, result.trials)
    data: dict[str, np.ndarray] = {"trial": np.arange(1, n + 1)}
    for k in range(len(s.conversions)):
        data[f"rate {s.conversion_label(k)}"] = result.rates[:n, k]
    data["volume multiplier"] = result.volume_factor[:n]
    data["period won deals"] = result.period_won()[:n]
    data["period revenue"] = result.period_revenue()[:n]
    data["hit target"] = result.period_metric()[:n] >= s.target.value
    for m, month in enumerate(result.months):
        data[f"revenue {month}"] = result.revenue[:n, m]
    return pd.DataFrame(data)


def sheet_name(name: str) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, not empty."""
    cleaned = " ".join(re.sub(r"[\[\]:*?/\\]", " ", clean_text(str(name))).split()).strip("'")[:31]
    return cleaned or "Sheet"


def to_excel(sheets: dict[str, pd.DataFrame], notes: dict[str, list[str]] | None = None) -> bytes:
    """An .xlsx with one sheet per frame, streamed (openpyxl write-only: memory does not grow with the rows);
    text cells neutralised and cleaned; `notes` lines are written under a sheet's table, after an empty row."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for name, frame in sheets.items():
        if len(frame) > EXCEL_MAX_ROWS:
            raise ValueError(
                f"sheet {name!r} has {len(frame):,} rows; Excel holds at most {EXCEL_MAX_ROWS:,}. Use CSV."
            )
        title = sheet_name(name)
        while title in used:
            title = title[:28] + f"~{len(used)}"
        used.add(title)
        sheet = book.create_sheet(title=title)
        sheet.append([safe_cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([safe_cell(v) for v in row])
        if notes and notes.get(name):
            sheet.append([])
            for line in notes[name]:
                sheet.append([safe_cell(line)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook(result: SimulationResult, head: FunnelSummary) -> bytes:
    """Summary, monthly bands and raw trials of one run in one workbook.

    At most EXCEL_MAX_TRIALS raw trials are written (the summary and bands use all of them); the Summary
    sheet says how many. The raw-trials CSV holds every trial."""
    s = result.scenario
    n, cap = result.trials, EXCEL_MAX_TRIALS
    if n <= cap:
        note = f"Trials sheet: all {n:,} trials."
    else:
        note = (
            f"Trials sheet: the first {cap:,} of {n:,} trials (each trial is an independent draw, so they are a "
            f"random sample); the summary and monthly bands use all {n:,}. Download the raw-trials CSV for every trial."
        )
    return to_excel(
        {
            "Summary": summary_frame(head, s.name, result.trials, result.seed),
            "Monthly revenue": monthly_bands(result.revenue, result.months),
            "Trials": trial_frame(result, limit=cap),
        },
        notes={"Summary": [note]},
    )
