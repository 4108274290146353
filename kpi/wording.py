"""Numbers in plain words: money, counts and chances as a leader says them."""

from __future__ import annotations

import math


def money(value: float, currency: str = "$") -> str:
    """$950, $12.5k, $4.1M, $1.25B (3 significant figures, sign kept)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= size:
            scaled = v / size
            digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
            return f"{sign}{currency}{scaled:.{digits}f}{suffix}"
    return f"{sign}{currency}{v:,.0f}"


def count(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"


def format_value(value: float, metric: str) -> str:
    """Money for revenue-like metrics, a count otherwise."""
    if metric in ("won_deals", "deals", "customers"):
        return f"{count(value)} deals" if metric != "customers" else f"{count(value)} customers"
    return money(value)


def chance_in_10(p: float) -> str:
    """0.68 -> "7 in 10"; extremes say "fewer than 1 in 20" / "more than 19 in 20" rather than 0 or 10."""
    if p < 0.05:
        return "less than 1 in 20"
    if p > 0.95:
        return "more than 19 in 20"
    return f"{min(9, max(1, int(p * 10 + 0.5)))} in 10"


def percent(p: float, digits: int = 0) -> str:
    return f"{p * 100:.{digits}f}%"
