"""ui.tables: tables in words and units, nothing shown as None/nan, dates without a time of day."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.tables import MISSING, cell, format_table, words


def test_column_names_in_words():
    assert words("expected_size") == "Expected size"
    assert words("lo_80") == "80% low" and words("hi_95") == "95% high"
    assert words("p50") == "P50"
    assert words("average_cac") == "Average CAC"
    assert words("Chance of plan") == "Chance of plan"  # already for people


def test_cells_in_their_unit():
    assert cell(378917.9432, "money", "EUR") == "€379k"
    assert cell(378917.9432, "money_exact", "USD") == "$378,918"
    assert cell(0.2059, "percent") == "21%" and cell(0.2059, "percent1") == "20.6%"
    assert cell(-43547.0, "money_change", "USD") == "-$43.5k" and cell(1200.0, "money_change", "USD") == "+$1.20k"
    assert cell(pd.Timestamp("2017-03-31"), "date") == "31 Mar 2017"
    assert cell(pd.Timestamp("2017-03-31"), "month") == "Mar 2017"
    assert cell(True, "yesno") == "yes"
    assert cell(12.0, "days") == "12 days"
    assert cell(1.5, "multiple") == "1.5x"
    for missing in (None, np.nan, pd.NaT, float("inf")):
        assert cell(missing, "money") == MISSING
    assert cell("not reachable", "percent") == "not reachable"  # worded values pass through


def test_format_table_infers_what_it_is_not_told():
    frame = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2017-03-31", "2017-04-30"]),
            "actual": [378917.9432, np.nan],
            "won": [3, 4],
            "inside": [True, False],
            "note": ["a", None],
        }
    )
    table = format_table(frame, {"actual": ("Actual bookings", "money")}, currency="USD")
    assert list(table.columns) == ["As of", "Actual bookings", "Won", "Inside", "Note"]  # the frame's order
    text = table.to_numpy().ravel().tolist()
    assert "31 Mar 2017" in text and "$379k" in text and "yes" in text
    assert not any(v in ("None", "nan", "NaT") or "00:00:00" in v for v in text)
    assert table["Actual bookings"].iloc[1] == MISSING and table["Note"].iloc[1] == MISSING
    assert list(format_table(frame, {"won": ("Won", "count")}, only=True).columns) == ["Won"]
