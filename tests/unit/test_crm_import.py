"""The CRM importer: the traits of real exports import cleanly with a report; bad files get a clear message."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

import crm
from crm import AmbiguousDateFormat, ColumnMapping, CrmImportError, MappingNeeded, load_opportunities

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crm"
RAW = pd.read_csv(crm.BUNDLED_PIPELINE, dtype=str, keep_default_na=False, na_values=[""])

HEADER = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"


def csv_bytes(body: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + body).encode(encoding)


# --- the bundled export: US dates, prospecting deals without dates, missing accounts, GTXPro ---------------


@pytest.fixture(scope="module")
def bundled():
    return crm.bundled_example()


def test_bundled_export_keeps_every_row_and_maps_the_columns(bundled):
    assert len(bundled.opportunities) == len(RAW) == bundled.rows_read
    assert bundled.excluded.empty
    assert bundled.mapping == ColumnMapping(
        "opportunity_id", "sales_agent", "deal_stage", "close_value", "engage_date", "close_date", "product", "account"
    )
    counts = bundled.opportunities["status"].value_counts().to_dict()
    expected = (
        RAW["deal_stage"]
        .map({"Won": "won", "Lost": "lost", "Engaging": "open", "Prospecting": "open"})
        .value_counts()
        .to_dict()
    )
    assert counts == expected


def test_us_dates_are_read_month_first(bundled):
    assert bundled.date_format == "M/D/YYYY"
    first = RAW.iloc[0]  # 1C1I7A6R engaged 10/20/2016, closed 3/1/2017
    row = bundled.opportunities.iloc[0]
    assert (row["created_date"], row["close_date"]) == (pd.Timestamp("2016-10-20"), pd.Timestamp("2017-03-01"))
    assert first["engage_date"] == "10/20/2016"


def test_prospecting_deals_without_engage_date_are_kept_open_and_noted(bundled):
    prospecting = bundled.opportunities[bundled.opportunities["stage"] == "Prospecting"]
    assert len(prospecting) == (RAW["deal_stage"] == "Prospecting").sum() == RAW["engage_date"].isna().sum()
    assert prospecting["created_date"].isna().all() and (prospecting["status"] == "open").all()
    assert any(f"{len(prospecting):,} open deals have no created date" in note for note in bundled.notes)


def test_missing_accounts_are_kept_and_each_listed_as_repaired(bundled):
    missing = int(RAW["account"].isna().sum())
    reasons = bundled.repaired["reason"]
    assert missing > 0
    assert int(reasons.str.startswith("missing account").sum()) == missing
    assert int((bundled.opportunities["account"] == "(no account)").sum()) == missing


def test_product_spelling_follows_the_product_list(bundled):
    products = set(bundled.opportunities["product"])
    assert "GTX Pro" in products and "GTXPro" not in products
    renamed = bundled.repaired["reason"].str.contains("'GTXPro' renamed to 'GTX Pro'").sum()
    assert renamed == (RAW["product"] == "GTXPro").sum()


def test_spelling_variants_in_one_file_merge_to_the_most_frequent():
    body = "a,Ann,GTX Pro,X,Won,1/2/2017,1/20/2017,100\nb,Ann,GTX Pro,X,Won,1/3/2017,1/21/2017,100\nc,Bo,GTXPro,X,Lost,1/4/2017,1/22/2017,\n"
    result = load_opportunities(csv_bytes(body))
    assert list(result.opportunities["product"]) == ["GTX Pro"] * 3
    assert list(result.repaired["row"]) == [4]  # header is line 1


# --- files from other tools and countries ----------------------------------------------------------------


def test_day_first_semicolon_bom_latin1_file_imports_once_columns_are_recognised():
    data = (FIXTURES / "european_export.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") is False and b"\xe9" in data  # Latin-1 bytes, not UTF-8
    result = load_opportunities(data)
    opp = result.opportunities
    assert result.separator == ";" and result.encoding in ("cp1252", "latin-1")
    assert result.date_format == "D/M/YYYY"
    assert opp.loc[0, "owner"] == "Hélène Dupré"
    assert opp.loc[0, "created_date"] == pd.Timestamp("2017-03-25")
    assert opp.loc[0, "amount"] == pytest.approx(1234.5)  # "1.234,50" with a decimal comma


def test_utf8_bom_is_removed_from_the_first_header():
    body = "a,Ann,P,X,Won,2017-01-02,2017-01-20,100\n"
    result = load_opportunities(b"\xef\xbb\xbf" + csv_bytes(body))
    assert result.mapping.opportunity_id == "opportunity_id" and result.encoding == "utf-8-sig"
    assert result.date_format == "YYYY-MM-DD"


def test_salesforce_style_headers_are_recognised():
    header = "Opportunity ID,Opportunity Owner,Stage,Amount,Created Date,Close Date,Product Name,Account Name\n"
    body = '006A,Ann,Closed Won,"$1,200.00",2017-01-02,2017-02-01,P,Acme\n006B,Bo,Negotiation,500,2017-01-05,2017-03-01,P,Beta\n006C,Bo,Closed Lost,0,2017-01-05,2017-01-31,P,Beta\n'
    result = load_opportunities(csv_bytes(body, header))
    assert result.stage_map == {"Closed Won": "won", "Negotiation": "open", "Closed Lost": "lost"}
    assert list(result.opportunities["amount"]) == [1200.0, 500.0, 0.0]
    assert any("expected close date" in n for n in result.notes)


def test_unrecognised_columns_ask_for_a_mapping_then_import():
    header = "ref;who;phase;eur;opened;done\n"
    body = "1;Ann;Won;10;2017-01-02;2017-01-09\n2;Bo;Open;20;2017-01-03;\n"
    data = csv_bytes(body, header)
    with pytest.raises(MappingNeeded) as info:
        load_opportunities(data)
    assert set(info.value.missing) == {"stage", "amount", "created_date", "close_date"}
    assert info.value.columns == ["ref", "who", "phase", "eur", "opened", "done"]
    mapping = ColumnMapping(
        opportunity_id="ref", owner="who", stage="phase", amount="eur", created_date="opened", close_date="done"
    )
    result = load_opportunities(data, mapping=mapping, stage_map={"Won": "won", "Open": "open"})
    assert list(result.opportunities["status"]) == ["won", "open"]


def test_mapping_to_a_missing_column_names_the_field():
    with pytest.raises(CrmImportError) as info:
        load_opportunities(
            csv_bytes("a,Ann,P,X,Won,2017-01-02,2017-01-20,100\n"),
            mapping=ColumnMapping(
                stage="deal_stage", amount="value", created_date="engage_date", close_date="close_date"
            ),
        )
    assert info.value.field == "mapping.amount" and "'value'" in info.value.message


def test_excel_file_imports():
    frame = RAW.head(50)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    result = load_opportunities(buffer.getvalue())
    assert result.encoding == "xlsx" and len(result.opportunities) == 50


# --- dates: ambiguous or day-first -------------------------------------------------------------------------


def test_dates_that_fit_both_orders_ask_which_one():
    body = "a,Ann,P,X,Won,1/2/2017,3/4/2017,100\nb,Ann,P,X,Lost,2/2/2017,5/6/2017,\n"
    with pytest.raises(AmbiguousDateFormat) as info:
        load_opportunities(csv_bytes(body))
    assert info.value.candidates == ["M/D/YYYY", "D/M/YYYY"]
    day_first = load_opportunities(csv_bytes(body), date_format="D/M/YYYY").opportunities
    assert day_first.loc[0, "close_date"] == pd.Timestamp("2017-04-03")


def test_dates_with_times_of_day_are_read():
    body = "a,Ann,P,X,Won,3/1/2017 10:15 AM,3/20/2017 4:00 PM,100\n"
    assert load_opportunities(csv_bytes(body)).opportunities.loc[0, "close_date"] == pd.Timestamp("2017-03-20")


# --- rows that cannot be used: excluded, each with its reason ----------------------------------------------


def test_each_unusable_row_is_excluded_with_its_reason():
    body = (
        "ok,Ann,P,X,Won,3/1/2017,3/20/2017,100\n"
        "early,Ann,P,X,Won,3/25/2017,3/20/2017,100\n"  # closed before created
        "noamt,Ann,P,X,Won,3/1/2017,3/20/2017,\n"  # won without amount
        "ok,Ann,P,X,Lost,3/1/2017,3/21/2017,\n"  # duplicate id
        "odd,Ann,P,X,Stalled,3/1/2017,,\n"  # unknown stage (explicit map below)
        "baddate,Ann,P,X,Won,3/1/2017,31/31/2017,100\n"
        "text,Ann,P,X,Won,3/1/2017,3/20/2017,lots\n"
    )
    result = load_opportunities(csv_bytes(body), stage_map={"Won": "won", "Lost": "lost"})
    assert list(result.opportunities["opportunity_id"]) == ["ok"]
    reasons = dict(zip(result.excluded["opportunity_id"], result.excluded["reason"], strict=True))
    assert reasons["early"] == "close date 2017-03-20 is before created date 2017-03-25"
    assert reasons["noamt"] == "won deal with missing amount"
    assert reasons["odd"].startswith("unknown stage 'Stalled'")
    assert reasons["baddate"] == "close date '31/31/2017' is not a M/D/YYYY date"
    assert reasons["text"] == "amount 'lots' is not a number"
    assert list(result.excluded["row"]) == [3, 4, 5, 6, 7, 8]
    duplicate = result.excluded[result.excluded["row"] == 5]["reason"].item()
    assert duplicate == "duplicate opportunity id (first seen on line 2)"


# --- files that are not opportunity exports -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (HEADER.encode(), "no opportunities"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
        (b"PK\x03\x04not really a workbook", "Excel"),
        (b"just one column\nvalue\n", "one column"),
    ],
    ids=["empty", "blank-lines", "header-only", "binary", "old-excel", "corrupt-xlsx", "one-column"],
)
def test_unusable_files_get_a_clear_message(data, words):
    with pytest.raises(CrmImportError) as info:
        load_opportunities(data)
    assert words in info.value.message


def test_file_without_closed_deals_imports_with_a_note():
    body = "a,Ann,P,X,Engaging,3/14/2017,,\nb,Bo,P,X,Prospecting,,,\n"
    result = load_opportunities(csv_bytes(body))
    assert len(result.opportunities) == 2
    assert any("No closed (won or lost) deals" in n for n in result.notes)
