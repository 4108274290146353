"""Numbers in plain words: money, counts and chances as a leader says them.

Money is shown in the scenario's currency: `money(12_500, "EUR")` -> "€12.5k". Inside the app, app.py calls
`use_currency(scenario.currency)` at the start of every run, so code that formats money without naming a
currency (page views, exports) shows the currency of the scenario on screen; outside the app the default is
USD. Cached results are keyed on the scenario (which holds the currency), so a cached sentence never shows
another currency. Numbers use the English convention (1,234.5).
"""

from __future__ import annotations

import contextvars
import math

from kpi.currency import DEFAULT_CURRENCY, symbol

_CURRENCY: contextvars.ContextVar[str] = contextvars.ContextVar("funnelcast_currency", default=DEFAULT_CURRENCY)


def use_currency(currency: str) -> None:
    """Show money in `currency` (ISO code) from now on in this thread (one Streamlit session's script run)."""
    _CURRENCY.set(currency or DEFAULT_CURRENCY)


def current_currency() -> str:
    return _CURRENCY.get()


def currency_symbol(currency: str | None = None) -> str:
    """"$", "€", or "CHF " for the given code, or for the currency in use."""
    return symbol(currency or _CURRENCY.get())


def money(value: float, currency: str | None = None) -> str:
    """$950, $12.5k, $4.1M, $1.25B (3 significant figures, sign kept); €12.5k for EUR, CHF 12.5k for CHF.

    `currency` is an ISO code (a symbol such as "$" is accepted too); None means the currency in use.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    prefix = currency_symbol(currency)
    sign = "-" if value < 0 else ""
    v = abs(value)
    if 999.5 <= v < 1e3:
        v = 1e3  # "$1.00k", not "$1,000" beside "$999"
    for size, suffix, bigger in ((1e9, "B", None), (1e6, "M", 1e9), (1e3, "k", 1e6)):
        if v >= size:
            if bigger and v >= bigger * 0.9995:  # 999,999 -> "$1.00M", not "$1000k"
                size, suffix = bigger, "B" if suffix == "M" else "M"
            scaled = v / size
            digits = 2 if scaled < 9.995 else 1 if scaled < 99.95 else 0
            return f"{sign}{prefix}{scaled:.{digits}f}{suffix}"
    return f"{sign}{prefix}{v:,.0f}"


def money_exact(value: float, currency: str | None = None, digits: int = 0) -> str:
    """$1,234,568 (every digit, for tables and exports); "n/a" when missing."""
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency_symbol(currency)}{abs(value):,.{digits}f}"


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


def article(text: str) -> str:
    """ "a" or "an" before a number as it is read aloud: "an 80% chance", "an 11% chance", "a 70% chance"."""
    digits = ""
    for ch in text.lstrip("*_ "):
        if ch.isdigit():
            digits += ch
        elif ch not in ",":
            break
    if not digits:
        return "an" if text.lstrip("*_ ")[:1].lower() in tuple("aeio") else "a"
    n = int(digits)
    if digits.startswith("8") or n in (11, 18) or (len(digits) in (5, 6) and digits[:2] in ("11", "18")):
        return "an"
    return "a"


def with_article(text: str) -> str:
    """ "80% chance" -> "an 80% chance"."""
    return f"{article(text)} {text}"
