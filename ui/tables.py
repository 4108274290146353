"""Tables a leader reads: column names in words, every number with its unit and sensible rounding, no None/nan,
dates without 00:00:00. Every page shows its result tables through `show_table` (editable input tables excepted).

    show_table(bt.rows, {"as_of": ("As of", "date"), "actual": ("Actual bookings", "money_exact")}, key="...")

`columns` maps a source column to (title, kind); columns left out get a title from their name ("expected_size"
-> "Expected size", "lo_80" -> "80% low") and a kind from their values. Kinds:

    text, money (€12.5k), money_exact (€12,346), money_change (+€1.2k), count_change (+3), percent (21%), percent1 (20.6%), count (1,235), number (3
    significant figures), number2 (2 decimals), multiple (1.5x), days (12 days), date (31 Mar 2017),
    month (Mar 2017), yesno (yes / no)

Missing values show as "–". The currency is the scenario's (kpi.wording) unless given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from kpi.wording import money, money_exact

MISSING = "–"
Spec = Mapping[str, tuple[str, str] | str]

_BOUNDS = re.compile(r"^(lo|hi|low|high)_?(\d{2})$")
_QUANTILE = re.compile(r"^p(\d{1,2})$")
_ACRONYMS = {"cac": "CAC", "ltv": "LTV", "clv": "CLV", "roi": "ROI", "mase": "MASE", "smape": "sMAPE", "id": "ID",
             "kpi": "KPI", "mql": "MQL", "sql": "SQL", "arpa": "ARPA", "msis": "MSIS", "mae": "MAE", "rmse": "RMSE"}  # fmt: skip


def words(name: object) -> str:
    """A column name a person reads: "expected_size" -> "Expected size", "lo_80" -> "80% low", "p50" -> "P50"."""
    text = str(name)
    bounds = _BOUNDS.match(text.lower())
    if bounds:
        side = "low" if bounds.group(1).startswith("l") else "high"
        return f"{bounds.group(2)}% {side}"
    if _QUANTILE.match(text.lower()):
        return text.upper()
    if not re.search(r"[_]|^[a-z]", text):
        return text  # already written for people
    parts = [_ACRONYMS.get(p.lower(), p) for p in re.split(r"_+", text.strip("_")) if p]
    if not parts:
        return text
    first = parts[0] if parts[0].isupper() else parts[0][:1].upper() + parts[0][1:]
    return " ".join([first, *parts[1:]])


def _number(v: float) -> str:
    a = abs(v)
    if a >= 1_000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def cell(value: object, kind: str, currency: str | None = None) -> str:
    """One value as text of the given kind; missing (None, NaN, NaT) -> "–"."""
    if value is None or value is pd.NaT:
        return MISSING
    if isinstance(value, float | np.floating) and not math.isfinite(float(value)):
        return MISSING
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    if kind == "text":
        return str(value)
    if kind == "yesno":
        return "yes" if bool(value) else "no"
    if kind in ("date", "month"):
        stamp = pd.Timestamp(value)
        return f"{stamp:%b %Y}" if kind == "month" else f"{stamp.day} {stamp:%b %Y}"
    if isinstance(value, str):
        return value  # already worded ("not reachable")
    v = float(value)
    if kind == "money":
        return money(v, currency)
    if kind == "money_exact":
        return money_exact(v, currency)
    if kind == "money_change":
        return ("+" if v > 0 else "") + money(v, currency)
    if kind == "count_change":
        return f"{v:+,.0f}" if v else "0"
    if kind == "percent":
        return f"{v * 100:.0f}%"
    if kind == "percent1":
        return f"{v * 100:.1f}%"
    if kind == "count":
        return f"{v:,.0f}"
    if kind == "number2":
        return f"{v:,.2f}"
    if kind == "multiple":
        return f"{v:.1f}x" if abs(v) < 10 else f"{v:,.0f}x"
    if kind == "days":
        return f"{v:,.0f} days"
    return _number(v)


def infer_kind(series: pd.Series) -> str:
    """A kind for a column nobody described: dates, whole numbers, or rounded numbers; text otherwise."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "yesno"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        values = series.dropna()
        if len(values) and np.allclose(values, np.round(values)):
            return "count"
        return "number"
    if series.dtype == object:
        sample = series.dropna().head(20)
        if len(sample) and all(isinstance(v, pd.Timestamp) for v in sample):
            return "date"
    return "text"


def _specs(frame: pd.DataFrame, columns: Spec | None, only: bool) -> list[tuple[str, str, str]]:
    """(source column, title, kind) in the frame's order; described columns only when `only`."""
    columns = dict(columns or {})
    out = []
    for name in frame.columns:
        spec = columns.get(name)
        if spec is None and only:
            continue
        title, kind = (spec, None) if isinstance(spec, str) else spec if spec else (None, None)
        out.append((name, title or words(name), kind or infer_kind(frame[name])))
    return out


def column_kinds(frame: pd.DataFrame, columns: Spec | None = None, *, only: bool = False) -> dict[str, str]:
    """Title -> kind of each shown column."""
    return {title: kind for _, title, kind in _specs(frame, columns, only)}


def format_table(frame: pd.DataFrame, columns: Spec | None = None, *, currency: str | None = None,
                 only: bool = False) -> pd.DataFrame:  # fmt: skip
    """The table as text, columns in the frame's order (only the described ones when `only`)."""
    out = {title: [cell(v, kind, currency) for v in frame[name].tolist()] for name, title, kind in _specs(frame, columns, only)}
    return pd.DataFrame(out, index=range(len(frame)))


def show_table(frame: pd.DataFrame, columns: Spec | None = None, *, key: str | None = None,
               height: int | None = None, only: bool = False, currency: str | None = None,
               help: Mapping[str, str] | None = None) -> None:  # fmt: skip
    """st.dataframe of `format_table(frame, columns)`, full width, without the index."""
    table = format_table(frame, columns, currency=currency, only=only)
    config = {
        title: st.column_config.TextColumn(title, alignment="right")
        for title, kind in column_kinds(frame, columns, only=only).items()
        if kind not in ("text", "yesno", "date", "month")
    }
    for title, text in (help or {}).items():
        config[title] = st.column_config.TextColumn(title, help=text, alignment=config.get(title, {}).get("alignment"))
    kwargs = {"height": height} if height else {}
    st.dataframe(table, hide_index=True, width="stretch", key=key, column_config=config or None, **kwargs)
