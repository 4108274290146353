"""Money in the scenario's currency (kpi.wording.money) and the currency a CRM column name states (kpi.currency)."""

from __future__ import annotations

import threading

import pytest

from kpi.currency import currency_from_column, currency_from_columns, label, symbol
from kpi.wording import current_currency, money, money_exact, use_currency


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (950, "USD", "$950"),
        (12_500, "EUR", "€12.5k"),
        (12_500, "GBP", "£12.5k"),
        (4_100_000, "CHF", "CHF\u00a04.10M"),
        (-4_100_000, "USD", "-$4.10M"),
        (1_250_000_000, "JPY", "¥1.25B"),
        (999_999, "USD", "$1.00M"),  # rounds up to the next unit, never "$1000k"
        (999_400, "USD", "$999k"),
        (9_996, "USD", "$10.0k"),
        (950, "$", "$950"),  # a symbol is still accepted
        (float("nan"), "USD", "n/a"),
    ],
)
def test_money_in_a_currency(value, currency, text):
    assert money(value, currency) == text


def test_money_exact_keeps_every_digit():
    assert money_exact(378917.9432, "EUR") == "€378,918"
    assert money_exact(-1234.5, "USD", digits=2) == "-$1,234.50"


def test_the_currency_in_use_is_per_thread():
    """The app sets the scenario's currency at the start of each run; another session's thread keeps its own."""
    seen = {}

    def other_session():
        use_currency("GBP")
        seen["other"] = money(1_000)

    use_currency("EUR")
    try:
        thread = threading.Thread(target=other_session)
        thread.start()
        thread.join()
        assert money(1_000) == "€1.00k"
        assert seen["other"] == "£1.00k"
        assert current_currency() == "EUR"
    finally:
        use_currency("USD")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Amount EUR", "EUR"),
        ("amount_eur", "EUR"),
        ("Deal value (£)", "GBP"),
        ("Betrag €", "EUR"),
        ("Amount (US$)", "USD"),
        ("Amount $", "USD"),
        ("Value [CHF]", "CHF"),
        ("close_value", None),
        ("Amount", None),
        ("Top deals", None),  # TOP is an ISO code but an ordinary word
        ("EUR USD amount", None),  # two currencies: the name does not say which
        (None, None),
    ],
)
def test_currency_from_a_column_name(name, code):
    assert currency_from_column(name) == code


def test_currency_from_columns_needs_one_answer():
    assert currency_from_columns(["Opportunity", "Amount EUR", "Owner"]) == "EUR"
    assert currency_from_columns(["Amount EUR", "Cost GBP"]) is None
    assert currency_from_columns(["Amount", "Owner"]) is None


def test_symbols_and_labels():
    assert symbol("USD") == "$" and symbol("EUR") == "€" and symbol("SEK") == "SEK\u00a0"
    assert label("EUR") == "EUR (€, euro)"
    assert label("XYZ") == "XYZ"
