"""Showing KPI values in the user's words: units, and the scale used in input boxes (shares as %).

Pure standard library, so pages, the CLI and exports format a KPI the same way.
"""

from __future__ import annotations

import math

from kpi.catalogue import get
from kpi.wording import currency_symbol, money

UNIT_SUFFIX = {
    "days": " days",
    "minutes": " min",
    "months": " months",
    "per_day": " /day",
    "per_week": " /week",
    "multiple": "x",
}


def format_value(value: float | None, unit: str) -> str:
    """0.652 share -> "65.2%"; 36601 currency -> "$36.6k" (in the scenario's currency); 34.2 minutes -> "34.2 min"; None -> "n/a"."""
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "n/a"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "currency":
        return money(value)  # the scenario's currency (kpi.wording)
    if unit == "count":
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    return f"{value:,.1f}{UNIT_SUFFIX.get(unit, '')}" if unit != "multiple" else f"{value:,.2f}x"


def input_scale(key: str) -> float:
    """Multiplier from the stored value to the number typed in a box: 100 for shares (typed as %), else 1."""
    return 100.0 if get(key).unit == "share" else 1.0


def input_label(key: str) -> str:
    """Unit shown next to an input box."""
    unit = get(key).unit
    return {
        "share": "%",
        "currency": currency_symbol().strip(),
        "days": "days",
        "minutes": "minutes",
        "months": "months",
        "per_day": "per day",
        "per_week": "per week",
        "multiple": "x",
        "count": "count",
    }[unit]
