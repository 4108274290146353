"""CSV and Excel exports of summaries and raw trial samples (the audit trail), safe to open in a spreadsheet.

Text that a spreadsheet would run as a formula (starting with =, +, -, @, or a tab / carriage return,
per OWASP's CSV-injection advice) is prefixed with an apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from simulate.funnel import FunnelSummary, SimulationResult, monthly_bands

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_575


def neutralise(value: object) -> object:
    """Text that starts like a formula gets a leading apostrophe; everything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and column name neutralised."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise).astype(object)
    return out


def summary_frame(head: FunnelSummary, scenario_name: str, trials: int, seed: int) -> pd.DataFrame:
    """One row per headline quantity: mean, P10, P50, P90, Monte Carlo error."""
    rows = []
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


def trial_frame(result: SimulationResult) -> pd.DataFrame:
    """Raw samples, one row per trial: the drawn inputs, the period totals and monthly revenue."""
    s = result.scenario
    data: dict[str, np.ndarray] = {"trial": np.arange(1, result.trials + 1)}
    for k in range(len(s.conversions)):
        data[f"rate {s.conversion_label(k)}"] = result.rates[:, k]
    data["volume multiplier"] = result.volume_factor
    data["period won deals"] = result.period_won()
    data["period revenue"] = result.period_revenue()
    data["hit target"] = result.period_metric() >= s.target.value
    for m, month in enumerate(result.months):
        data[f"revenue {month}"] = result.revenue[:, m]
    return pd.DataFrame(data)


def to_csv(frame: pd.DataFrame) -> bytes:
    return safe_frame(frame).to_csv(index=False).encode("utf-8")


def to_excel(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx with one sheet per frame (names cut to Excel's 31 characters); text cells neutralised."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            if len(frame) > EXCEL_MAX_ROWS:
                raise ValueError(
                    f"sheet {name!r} has {len(frame):,} rows; Excel holds at most {EXCEL_MAX_ROWS:,}. Use CSV."
                )
            safe_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def workbook(result: SimulationResult, head: FunnelSummary) -> bytes:
    """Summary, monthly bands and raw trials of one run in one workbook."""
    s = result.scenario
    return to_excel(
        {
            "Summary": summary_frame(head, s.name, result.trials, result.seed),
            "Monthly revenue": monthly_bands(result.revenue, result.months),
            "Trials": trial_frame(result),
        }
    )
