"""Which currency money is shown in: ISO 4217 codes, their symbols, and the code a CRM column name states.

    symbol("EUR")                          -> "€"
    symbol("CHF")                          -> "CHF "   (no common symbol: the code and a space)
    currency_from_column("Amount EUR")     -> "EUR"
    currency_from_column("Deal value (£)") -> "GBP"
    currency_from_column("close_value")    -> None      (the name does not say)
    currency_from_columns(["Amount EUR", "Owner"]) -> "EUR"

The scenario holds the code (`Scenario.currency`); every page, export and CLI line formats money through
kpi.wording.money, which takes the code (or, inside the app, the code of the scenario on screen).
Standard library only: this is the bottom layer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_CURRENCY = "USD"

# The codes a leader picks from (the setting accepts any 3-letter code a file or link names).
COMMON_CURRENCIES = (
    "USD",
    "EUR",
    "GBP",
    "CHF",
    "CAD",
    "AUD",
    "JPY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "INR",
    "CNY",
    "BRL",
    "MXN",
    "SGD",
    "NZD",
    "ZAR",
)
CURRENCY_NAMES = {
    "USD": "US dollar",
    "EUR": "euro",
    "GBP": "pound sterling",
    "CHF": "Swiss franc",
    "CAD": "Canadian dollar",
    "AUD": "Australian dollar",
    "JPY": "Japanese yen",
    "SEK": "Swedish krona",
    "NOK": "Norwegian krone",
    "DKK": "Danish krone",
    "PLN": "Polish zloty",
    "INR": "Indian rupee",
    "CNY": "Chinese yuan",
    "BRL": "Brazilian real",
    "MXN": "Mexican peso",
    "SGD": "Singapore dollar",
    "NZD": "New Zealand dollar",
    "ZAR": "South African rand",
}
_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "CN¥",
    "INR": "₹",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "SGD": "S$",
    "MXN": "MX$",
    "BRL": "R$",
}
# Symbols a column name may carry; "$" alone is read as US dollars.
_SYMBOL_CODES = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "R$": "BRL",
    "$": "USD",
}
_CODE_RE = re.compile(r"^[A-Z]{3}$")
_WORDS = re.compile(r"[A-Za-z]+")
# Codes recognised as a separate word of a column name, in any case ("Amount EUR", "amount_eur"). Codes that
# are also ordinary words ("ALL", "TOP", "PEN", "TRY") are left out: a name never reads as a currency by accident.
_KNOWN = set(CURRENCY_NAMES) | {"HKD", "KRW", "TWD", "CZK", "HUF", "RON", "ILS", "AED", "SAR", "THB", "IDR"}


def is_code(text: object) -> bool:
    return isinstance(text, str) and bool(_CODE_RE.match(text))


def symbol(currency: str = DEFAULT_CURRENCY) -> str:
    """The prefix for an amount: "$", "€", "£"; a code without a common symbol gets itself and a space."""
    if not is_code(currency):
        return str(currency)  # already a symbol (callers from before the currency setting passed "$")
    return _SYMBOLS.get(currency, f"{currency}\u00a0")


def label(currency: str) -> str:
    """ "EUR (€, euro)" for a picker."""
    name = CURRENCY_NAMES.get(currency)
    sym = _SYMBOLS.get(currency)
    inside = ", ".join(x for x in (sym, name) if x)
    return f"{currency} ({inside})" if inside else currency


def currency_from_column(name: object) -> str | None:
    """The ISO code a column name states ("Amount EUR", "amount_gbp", "Deal value (€)"), else None."""
    if not isinstance(name, str):
        return None
    text = name.strip()
    for sym in sorted(_SYMBOL_CODES, key=len, reverse=True):
        if sym in text:
            return _SYMBOL_CODES[sym]
    found = {word.upper() for word in _WORDS.findall(text.replace("_", " ")) if word.upper() in _KNOWN}
    return found.pop() if len(found) == 1 else None


def currency_from_columns(names: Iterable[object]) -> str | None:
    """The one currency the column names state; None when none does or they disagree."""
    found = {code for code in map(currency_from_column, names) if code}
    return found.pop() if len(found) == 1 else None
