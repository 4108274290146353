"""The shared number reader (crm.numbers): every upload reads amounts and counts exactly as written, or refuses them.

Examples from the hostile probe (issue 18) and a property test over generated amounts in every supported style:
a number is formatted the way a US, European, Swiss or French spreadsheet would write it (grouping, decimal
mark, currency before or after, accounting parentheses or a sign) and must read back to exactly that number.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.numbers import detect_decimal, is_missing, parse_number, parse_numbers


@pytest.mark.parametrize(
    "text, decimal, expected",
    [
        ("($7,379,000)", ".", -7_379_000.0),  # accounting negative keeps its sign
        ("$(7,379,000.50)", ".", -7_379_000.5),
        ("-$1,234", ".", -1234.0),
        ("$-1,234", ".", -1234.0),
        ("1,234-", ".", -1234.0),  # SAP-style trailing minus
        ("\u22125", ".", -5.0),  # the minus sign U+2212
        ("860,25", ",", 860.25),
        ("1.234,50", ",", 1234.5),
        ("1.234.567,89 €", ",", 1234567.89),
        ("EUR 1.234,50", ",", 1234.5),
        ("1 234 567.89", ".", 1234567.89),
        ("1\u00a0234,50", ",", 1234.5),  # no-break space
        ("1\u202f234,50", ",", 1234.5),  # narrow no-break space (French)
        ("CHF 1'234.50", ".", 1234.5),
        ("USD 1,234.5", ".", 1234.5),
        ("1,234.5 USD", ".", 1234.5),
        ("£12", ".", 12.0),
        ("1.5e6", ".", 1.5e6),
        ("0,125", ",", 0.125),
        (" 42 ", ".", 42.0),
    ],
)
def test_amounts_read_exactly_as_written(text, decimal, expected):
    assert parse_number(text, decimal) == expected


@pytest.mark.parametrize(
    "text",
    ["12abc", "1,23,4", "(-5)", "--5", "$$5", "1e999", "9" * 5000, "1.2.3", "=1+1", "five", "1,234.5.6", "(5"],
)
def test_text_that_is_not_exactly_one_number_is_refused(text):
    assert parse_number(text, ".") is None


def test_non_finite_and_bool_values_are_refused_numbers_pass():
    assert parse_number(float("inf")) is None and parse_number(float("nan")) is None and parse_number(True) is None
    assert parse_number(7) == 7.0 and parse_number(np.float64(2.5)) == 2.5 and parse_number(10**400) is None


def test_decimal_mark_is_detected_per_column():
    assert detect_decimal(["860,25", "1.234,50", "12"]) == ","
    assert detect_decimal(["1,234,567", "12.5"]) == "."
    assert detect_decimal(["1,234", "2,345"]) == "."  # either way: US unless the file is semicolon-separated
    assert detect_decimal(["1,234", "2,345"], separator=";") == ","


def test_a_column_reads_with_missing_and_unreadable_cells_told_apart():
    values, unreadable, decimal = parse_numbers(pd.Series(["860,25", "1.234,50", None, "n/a", "x", "-"]))
    assert decimal == ","
    assert values.iloc[0] == 860.25 and values.iloc[1] == 1234.5
    assert values.iloc[2:].isna().all()
    assert unreadable.tolist() == [False, False, False, False, True, False]
    assert is_missing("N/A") and is_missing("  ") and not is_missing("0")


# --- property: every supported style reads back the number it was written from -----------------------------------
STYLES = {  # (thousands separator, decimal mark)
    "us": (",", "."),
    "european": (".", ","),
    "french": ("\u202f", ","),
    "space": (" ", "."),
    "swiss": ("'", "."),
    "plain": ("", "."),
}
CURRENCIES = ["", "$", "€", "£", "¥", "USD ", "EUR ", " EUR", " kr", "CHF "]


def write(cents: int, style: str, currency: str, negative: str) -> str:
    """The amount cents/100 as a spreadsheet in `style` writes it."""
    group, mark = STYLES[style]
    whole, frac = divmod(abs(cents), 100)
    digits = f"{whole:,}".replace(",", group)
    body = f"{digits}{mark}{frac:02d}"
    body = f"{currency}{body}" if not currency.startswith(" ") else f"{body}{currency}"
    if cents < 0:
        body = f"({body})" if negative == "parentheses" else f"-{body}"
    return body


@settings(max_examples=400, deadline=None)
@given(
    cents=st.integers(min_value=-(10**13), max_value=10**13),
    style=st.sampled_from(sorted(STYLES)),
    currency=st.sampled_from(CURRENCIES),
    negative=st.sampled_from(["parentheses", "minus"]),
)
def test_property_every_style_reads_back_exactly(cents, style, currency, negative):
    text = write(cents, style, currency, negative)
    mark = STYLES[style][1]
    value = parse_number(text, mark)
    assert value is not None, text
    assert math.isclose(value, cents / 100, rel_tol=0, abs_tol=1e-9 * max(1, abs(cents))), (text, value)


@settings(max_examples=100, deadline=None)
@given(
    cents=st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=5, max_size=40),
    style=st.sampled_from(["us", "european", "french", "swiss"]),
)
def test_property_a_column_in_one_style_is_detected_and_read(cents, style):
    """A column with at least one value whose grouping shows the style (>= 1,000.00) is read in that style."""
    cents = [*cents, 123_456_789]  # 1,234,567.89: only one reading possible
    column = pd.Series([write(c, style, "", "parentheses") for c in cents])
    values, unreadable, decimal = parse_numbers(column)
    assert decimal == STYLES[style][1]
    assert not unreadable.any()
    np.testing.assert_allclose(values.to_numpy(), np.array(cents) / 100, rtol=0, atol=1e-6)
