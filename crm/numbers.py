"""One number reader for every upload: amounts and counts read exactly as written, or refused.

    parse_number("($7,379,000)")              -> -7379000.0   (accounting negative)
    parse_number("1.234,50", decimal=",")     -> 1234.5
    parse_number("€ 860,25", decimal=",")     -> 860.25
    parse_number("1 234 567.89")              -> 1234567.89   (space, no-break or thin-space thousands)
    parse_number("12abc")                     -> None         (not a number: the caller reports the row)
    values, unreadable, decimal = parse_numbers(series)   # a column: decimal style detected from all its values

Supported: US (1,234.50) and European (1.234,50 / 1 234,50 / 1'234.50) grouping, currency symbols and ISO codes
before or after the number, a sign before or after (also the minus sign U+2212), accounting parentheses and
exponents (1.5e6). Grouping must be regular (groups of three digits), so "1,23,4" is refused rather than guessed.
Results are finite floats: "1e999" or a 5,000-digit number is refused, never read as infinity.

Which of "," and "." is the decimal mark is decided once per column (`detect_decimal`), from the values that can
only be read one way ("860,25", "1.234,50", "1,234,567"); a column whose every value fits both ("1,234") is read
the US way unless the file is semicolon-separated (the European CSV convention). The callers say which was used.
This module is in the bottom layer (imports nothing of ours) so that crm, forecast and simulate share it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "–", "#n/a"})
MAX_NUMBER_CHARS = 64  # longer text is not an amount anyone typed
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007\u2002\u2003\u205f"), " ")
_MINUSES = dict.fromkeys(map(ord, "\u2212\u2012\u2013\ufe63\uff0d"), "-")
_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u02bc"), "'")
_PREFIXES = ("US$", "R$", "C$", "A$", "NZ$", "HK$", "S$", "Rs.", "Fr.", "kr.", "kr", "CHF")
_EXPONENT = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d{1,4}$")


def _core(pattern_group: str, decimal: str) -> re.Pattern:
    d = re.escape(decimal)
    return re.compile(rf"^(?:\d{{1,3}}(?P<g>[{pattern_group}])\d{{3}}(?:(?P=g)\d{{3}})*|\d+)(?:{d}\d+)?$|^{d}\d+$")


_CORES = {".": _core(",' ", "."), ",": _core(".' ", ",")}


def _strip_currency(text: str) -> tuple[str, bool]:
    """Remove one currency symbol or ISO code at the start or the end; (rest, whether one was removed)."""
    s = text.strip()
    if s and unicodedata.category(s[0]) == "Sc":
        return s[1:].strip(), True
    if s and unicodedata.category(s[-1]) == "Sc":
        return s[:-1].strip(), True
    for mark in _PREFIXES:
        n = len(mark)
        if s.startswith(mark) and len(s) > n and not s[n].isalpha():
            return s[n:].strip(), True
        if s.endswith(mark) and len(s) > n and not s[-n - 1].isalpha():
            return s[:-n].strip(), True
    if len(s) > 3 and s[:3].isalpha() and s[:3].isupper() and s[:3].isascii() and not s[3].isalpha():
        return s[3:].strip(), True
    if len(s) > 3 and s[-3:].isalpha() and s[-3:].isupper() and s[-3:].isascii() and not s[-4].isalpha():
        return s[:-3].strip(), True
    return s, False


def _peel(text: str) -> tuple[str, bool] | None:
    """Strip currency marks, parentheses and signs around the digits: (core, negative) or None if malformed."""
    s = text.translate(_SPACES).translate(_MINUSES).translate(_APOSTROPHES).strip()
    negations = 0
    currency = 0
    for _ in range(6):
        before = s
        if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
            s, negations = s[1:-1].strip(), negations + 1
        s, removed = _strip_currency(s)
        currency += removed
        if s[:1] in "+-" and s[:1]:
            negations += s[0] == "-"
            s = s[1:].strip()
        elif s[-1:] in "+-" and s[-1:]:
            negations += s[-1] == "-"
            s = s[:-1].strip()
        if s == before:
            break
    if negations > 1 or currency > 1 or not s:
        return None
    return s, negations == 1


def parse_number(value: object, decimal: str = ".") -> float | None:
    """The number a cell holds, or None when it does not hold exactly one (also for empty cells).

    decimal: "." (1,234.50) or "," (1.234,50). Numbers (int, float) pass through when finite; bools are refused.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, np.integer)):
        number = float(value) if abs(int(value)) < 10**300 else math.inf
        return number if math.isfinite(number) else None
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_NUMBER_CHARS:
        return None
    peeled = _peel(text)
    if peeled is None:
        return None
    core, negative = peeled
    if decimal == "." and _EXPONENT.match(core):
        number = float(core)
    else:
        match = _CORES[decimal].match(core)
        if not match:
            return None
        group = match.group("g")
        if group:
            core = core.replace(group, "")
        number = float(core.replace(",", "."))
    if not math.isfinite(number):
        return None
    return -number if negative else number


def is_missing(value: object) -> bool:
    """Empty cells and the usual placeholders (NA, n/a, null, -)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_WORDS


def _vote(core: str) -> str | None:
    """'.' or ',' when this text can only be read with that decimal mark, None when it fits both (or neither)."""
    if "," in core and "." in core:
        return "," if core.rfind(",") > core.rfind(".") else "."
    for mark, other in ((",", "."), (".", ",")):
        if mark in core:
            parts = core.split(mark)
            if len(parts) > 2:  # 1,234,567: the mark groups thousands
                return other if all(len(p) == 3 for p in parts[1:]) else None
            if len(parts[1]) != 3 or parts[0] in ("", "0"):  # 860,25 or 0,125 or ,5: a decimal mark
                return mark
            return None  # 1,234 / 1.234: either way
    return None


def detect_decimal(values: Iterable[object], separator: str | None = None) -> str:
    """The decimal mark of a column: "," or ".". Ties (every value fits both) go to "." unless separator is ";"."""
    votes = {".": 0, ",": 0}
    for value in values:
        if not isinstance(value, str):
            continue
        peeled = _peel(value) if len(value) <= MAX_NUMBER_CHARS else None
        if peeled is None:
            continue
        mark = _vote(peeled[0].replace(" ", "").replace("'", ""))
        if mark:
            votes[mark] += 1
    if votes[","] > votes["."]:
        return ","
    if votes["."] > votes[","]:
        return "."
    return "," if separator == ";" else "."


def parse_numbers(
    values: pd.Series, decimal: str | None = None, separator: str | None = None
) -> tuple[pd.Series, pd.Series, str]:
    """A column read as numbers: (floats with NaN where missing or unreadable, mask of unreadable cells, decimal).

    Missing cells (empty, NA, n/a, -) are NaN and not unreadable. The decimal mark is detected from the column
    unless given. Each distinct text is parsed once, so long columns of repeated values are cheap.
    """
    uniques = pd.unique(values.to_numpy(dtype=object))
    if decimal is None:
        text = [u for u in uniques[:20_000] if isinstance(u, str)]
        decimal = detect_decimal(text, separator)
    read: dict[object, float] = {}
    bad: set[object] = set()
    for u in uniques:
        if is_missing(u):
            read[u] = np.nan
            continue
        number = parse_number(u, decimal)
        if number is None:
            read[u] = np.nan
            bad.add(u)
        else:
            read[u] = number
    keyed = values.astype(object)
    numbers = pd.Series(
        [read.get(v, np.nan) if not (isinstance(v, float) and math.isnan(v)) else np.nan for v in keyed],
        index=values.index,
        dtype=float,
    )
    unreadable = pd.Series([v in bad if _hashable(v) else True for v in keyed], index=values.index, dtype=bool)
    return numbers, unreadable, decimal


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def decimal_note(decimal: str, what: str = "Amounts") -> str:
    """The sentence callers show: how the numbers were read."""
    if decimal == ",":
        return f"{what} were read with a decimal comma (1.234,50 = 1234.50)."
    return f"{what} were read with a decimal point (1,234.50 = 1234.50)."
