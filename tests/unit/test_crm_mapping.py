"""Guessing which column is which, and which stage labels mean won, lost or still open."""

from __future__ import annotations

import pandas as pd
import pytest

from crm import ColumnMapping, CrmImportError, detect_date_format, guess_mapping, guess_stage_mapping
from crm.reading import decode_text, sniff_separator


@pytest.mark.parametrize(
    "columns, expected",
    [
        (
            ["Id", "Owner Name", "StageName", "Amount", "CreatedDate", "CloseDate"],
            ColumnMapping("Id", "Owner Name", "StageName", "Amount", "CreatedDate", "CloseDate"),
        ),
        (
            ["Deal ID", "Deal owner", "Deal Stage", "Deal value", "Create Date", "Close date", "Company name"],
            ColumnMapping(
                "Deal ID", "Deal owner", "Deal Stage", "Deal value", "Create Date", "Close date", account="Company name"
            ),
        ),
        (
            ["close_value", "engage_date", "deal_stage", "close_date"],
            ColumnMapping(
                stage="deal_stage", amount="close_value", created_date="engage_date", close_date="close_date"
            ),
        ),
    ],
    ids=["salesforce", "hubspot", "maven"],
)
def test_usual_headers_are_guessed(columns, expected):
    assert guess_mapping(columns) == expected


def test_a_column_is_never_guessed_for_two_fields():
    mapping = guess_mapping(["Close Date", "Date"])
    assert mapping.close_date == "Close Date" and mapping.created_date is None


@pytest.mark.parametrize(
    "label, status",
    [
        ("Closed Won", "won"),
        ("Won", "won"),
        ("closed-lost", "lost"),
        ("Lost", "lost"),
        ("Disqualified", "lost"),
        ("Engaging", "open"),
        ("Prospecting", "open"),
        ("Negotiation/Review", "open"),
        ("Wonderland", "open"),
    ],
)
def test_stage_labels_map_to_status(label, status):
    assert guess_stage_mapping([label]) == {label: status}


def test_mapping_round_trips_and_rejects_unknown_fields():
    mapping = ColumnMapping(stage="s", amount="a", created_date="c", close_date="d")
    assert ColumnMapping.from_dict(mapping.to_dict()) == mapping
    with pytest.raises(CrmImportError, match="Unknown field"):
        ColumnMapping.from_dict({"stage": "s", "colour": "x"})


def test_iso_and_day_first_dates_are_told_apart():
    assert detect_date_format([pd.Series(["2017-03-01", "2017-12-31"])]) == "YYYY-MM-DD"
    assert detect_date_format([pd.Series(["25/03/2017", "01/04/2017"])]) == "D/M/YYYY"
    assert detect_date_format([pd.Series(["25.03.2017"])]) == "D.M.YYYY"


def test_separator_and_encoding_detection():
    assert sniff_separator("a;b;c\n1;2,5;3\n") == ";"
    assert sniff_separator("a\tb\n1\t2\n") == "\t"
    assert decode_text("Zoë".encode("cp1252")) == ("Zoë", "cp1252")
    assert decode_text("Zoë".encode()) == ("Zoë", "utf-8")
