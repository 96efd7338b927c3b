"""Staging of fund performance disclosures and bulk fund raises: a file without a required column
names the file and the column; bad vintages, keys and dates are quarantined with their reason;
money in USD; one fund's name spelt differently by two LPs normalises to one name."""

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.staging.assets import SQL_DIR
from transforms.ingest import raw_frame
from transforms.readers import SourceFileError
from transforms.sources import SOURCE_KINDS
from transforms.staging import stage
from warehouse.sql import install_macros, sql_text

LOAD_DAY = date(2026, 12, 1)
PERFORMANCE_HEADER = (
    "pension_fund_name,fund_name,general_partner,asset_class,sub_strategy,vintage_year,"
    "commitment_mm,net_irr,net_multiple,dpi,as_of_date,source_url"
)


def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    install_macros(con)
    for schema in ("raw", "staging", "meta", "ref"):
        con.execute(f"CREATE SCHEMA {schema}")
    return con


def staged(con, name: str, kind: str, path: Path) -> dict:
    frame, _ = raw_frame(SOURCE_KINDS[kind], path)
    con.register("_raw", frame.to_arrow())
    con.execute(f"CREATE TABLE raw.{name} AS SELECT * FROM _raw")
    con.unregister("_raw")
    return stage(con, name, f"raw.{name}", sql_text(name, SQL_DIR), f"staging.{name}", LOAD_DAY)


@pytest.mark.parametrize(
    ("kind", "header", "missing"),
    [
        ("fund_performance", "pension_fund_name,fund_name,general_partner,net_irr", "vintage_year"),
        ("crunchbase_bulk.funds", "uuid,name,entity_name,announced_on", "entity_uuid"),
    ],
)
def test_a_file_without_a_required_column_names_the_file_and_the_column(
    tmp_path, kind, header, missing
):
    path = tmp_path / "provider_export.csv"
    path.write_text(header + "\nx,y,z,w\n")
    with pytest.raises(SourceFileError) as err:
        raw_frame(SOURCE_KINDS[kind], path)
    assert "provider_export.csv" in str(err.value) and f"'{missing}'" in str(err.value)


def test_fund_performance_is_typed_and_bad_vintages_quarantined(tmp_path):
    path = tmp_path / "commitments.csv"
    path.write_text(
        PERFORMANCE_HEADER
        + "\n"
        + "\n".join(
            [
                "CalPERS,Sofinnova Venture Partners IX,Sofinnova,Private Equity,Venture Capital,2016,25.5,0.139,2.1,1.2,2025-03-31,https://a",
                'CalSTRS,"Sofinnova Venture Partners IX, L.P.",Sofinnova,Private Equity,,2016,40,0.141,2.2,1.3,2025-06-30,https://b',
                "Oregon,Sofinnova Venture Partners IX (Oregon),Sofinnova,Private Equity,,2016,10,,2.0,,2025-09-30,https://c",
                "WSIB,Apax Europe X,Apax,Private Equity,Buyout,20x6,10,0.1,1.5,0.5,2025-06-30,https://d",
                "WSIB,Apax Europe XI,Apax,Private Equity,Buyout,,10,0.1,1.5,0.5,2025-06-30,https://d",
                "WSIB,,Apax,Private Equity,Buyout,2020,10,0.1,1.5,0.5,2025-06-30,https://d",
            ]
        )
        + "\n"
    )
    con = warehouse()
    counts = staged(con, "fund_performance", "fund_performance", path)
    assert counts["rows_read"] == 6 and counts["rows_staged"] == 3 and counts["reconciled"]
    reasons = con.sql(
        "SELECT source_row, column_name, raw_value, reason FROM meta.quarantine ORDER BY source_row"
    ).fetchall()
    assert reasons == [
        (4, "vintage_year", "20x6", "unparseable or implausible vintage year (required)"),
        (5, "vintage_year", None, "unparseable or implausible vintage year (required)"),
        (6, "fund_name", None, "missing key: fund_name is blank"),
    ]
    rows = con.sql(
        "SELECT lp, fund_name_norm, manager_norm, vintage_year, strategy, commitment_usd, net_irr, "
        "tvpi, dpi, as_of_date FROM staging.fund_performance ORDER BY _source_row"
    ).fetchall()
    assert {r[1] for r in rows} == {"sofinnova venture partners ix"}  # three spellings, one fund
    assert rows[0] == (
        "CalPERS",
        "sofinnova venture partners ix",
        "sofinnova",
        2016,
        "Venture Capital",
        25.5e6,
        0.139,
        2.1,
        1.2,
        date(2025, 3, 31),
    )
    assert rows[1][4] == "Private Equity"  # no sub-strategy: the asset class
    assert rows[2][6] is None and rows[2][8] is None  # blank IRR and DPI stay NULL


def test_bulk_funds_in_usd_and_eur_and_bad_rows_quarantined(tmp_path):
    path = tmp_path / "funds.csv"
    path.write_text(
        "uuid,name,entity_uuid,entity_name,announced_on,raised_amount_usd,raised_amount,raised_amount_currency_code\n"
        "F1,Fund III,ABC-1,Partech Partners,2025-03-03,,300000000,EUR\n"
        "F2,Fund II,ABC-1,Partech Partners,2021-06-01,200000000,,\n"
        "F3,Fund I,,Nobody,2020-01-01,1,,\n"
        "F4,Fund X,XYZ,Other Ventures,not a date,1,,\n"
    )
    con = warehouse()
    rates = pl.DataFrame(
        {
            "rate_date": [date(2021, 5, 31), date(2025, 3, 3), date(2025, 3, 3)],
            "currency": ["USD", "USD", "EUR"],
            "units_per_eur": [1.2, 1.05, 1.0],
        }
    )
    con.register("_rates", rates.to_arrow())
    con.execute("CREATE TABLE ref.fx_rates AS SELECT * FROM _rates")
    counts = staged(con, "bulk_funds", "crunchbase_bulk.funds", path)
    assert (counts["rows_staged"], counts["rows_quarantined"], counts["reconciled"]) == (2, 2, True)
    assert con.sql(
        "SELECT source_row, column_name, reason FROM meta.quarantine ORDER BY 1"
    ).fetchall() == [
        (3, "entity_uuid", "missing key: entity_uuid is blank"),
        (4, "announced_on", "unparseable or implausible date (required)"),
    ]
    rows = con.sql(
        "SELECT fund_key, investor_key, investor_name_norm, vintage_year, raised_amount_usd, "
        "raised_amount_eur FROM staging.bulk_funds ORDER BY _source_row"
    ).fetchall()
    assert rows[0][:4] == ("f1", "abc-1", "partech partners", 2025)
    assert rows[0][4] == pytest.approx(315e6) and rows[0][5] == pytest.approx(300e6)
    assert rows[1][4] == 200e6 and rows[1][5] == pytest.approx(200e6 / 1.2)
