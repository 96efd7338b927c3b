"""Staging of the Crunchbase bulk export's investors and investments (UUID keys): types as a list,
lead flags in both spellings, blank names taken from the investors file, orphans and blank keys
quarantined with their reason, every row accounted for. Tiny files written in the test."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from assets.staging.assets import SQL_DIR
from transforms.ingest import raw_frame
from transforms.readers import SourceFileError
from transforms.reference import stage_frame, stage_map_frame
from transforms.sources import SOURCE_KINDS
from transforms.staging import register_country_lookup, stage
from warehouse.sql import install_macros, sql_text
from warehouse.tables import write_frame

LOAD_DAY = date(2026, 11, 4)
ORG = "0b5c2f4e-0000-4000-8000-00000000000a"

ROUNDS = [  # uuid, org_uuid, investment_type, announced_on, raised_amount_usd, lead_investor_uuids
    ("R-1", ORG, "seed", "2024-03-01", "2000000", "INV-A"),
    ("r-2", ORG, "series_a", "2025-06-10", "15000000", "INV-A"),
]
INVESTORS = [  # uuid, name, investor_types, country_code, domain, investment_count, founded_on
    (
        "INV-A",
        "Seine Partners",
        "venture_capital, micro_vc",
        "FRA",
        "https://seine.vc/",
        "40",
        "2010-01-01",
    ),
    ("inv-b", "Jane Doe", "angel", "", "", "3", ""),
    ("inv-c", "Falcon Ventures", "Angel", "XXX", "", "many", "2999-01-01"),
    ("", "No Key Capital", "venture_capital", "USA", "", "", ""),
    ("inv-d", " ", "", "", "", "", ""),
]
INVESTMENTS = [  # uuid, funding_round_uuid, investor_uuid, investor_name, investor_type, is_lead
    ("i-1", "r-1", "inv-a", "Seine Partners", "organization", "true"),
    ("i-2", "R-1", "INV-B", "Jane Doe", "person", "f"),
    ("i-3", "r-2", "inv-c", "", "organization", "t"),  # name from the investors file
    ("i-4", "r-2", "inv-a", "Seine Partners SAS", "organization", "maybe"),
    ("i-5", "r-9", "inv-a", "Seine Partners", "organization", "false"),  # orphan round
    ("i-6", "r-1", "", "Nobody", "person", "false"),  # blank investor uuid
    ("i-7", "r-1", "inv-z", "", "", ""),  # no name anywhere
    ("i-8", "r-1", "inv-a", "Seine Partners", "organization", "true"),  # r-1/inv-a again
]


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def load_raw(con: duckdb.DuckDBPyConnection, kind: str, path: Path | None) -> str:
    """The kind's raw table (`raw.<kind with _ for .>`) read from `path` (None: undeclared)."""
    table = "raw." + kind.replace(".", "_")
    frame, _ = raw_frame(SOURCE_KINDS[kind], path)
    write_frame(con, table, frame)
    return table


def stage_bulk(con, name: str, raw_table: str, country_columns: tuple[str, ...] = ()) -> dict:
    if country_columns:
        register_country_lookup(con, raw_table, list(country_columns))
    return stage(con, name, raw_table, sql_text(name, SQL_DIR), f"staging.{name}", LOAD_DAY)


def bulk_warehouse(
    tmp_path: Path, investments: list[tuple] = INVESTMENTS
) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the tiny bulk rounds, investors and investments staged."""
    con = duckdb.connect()
    install_macros(con)
    for schema in ("raw", "staging", "meta", "ref", "core"):
        con.execute(f"CREATE SCHEMA {schema}")
    write_frame(con, "ref.round_stage_map", stage_map_frame())
    write_frame(con, "ref.stages", stage_frame())
    con.execute(
        "CREATE TABLE ref.fx_rates AS SELECT DATE '2020-01-02' AS rate_date, 'USD' AS currency, "
        "1.1::DOUBLE AS units_per_eur"
    )
    organizations = write_csv(
        tmp_path / "organizations.csv", ["uuid", "name", "country_code"], [(ORG, "Lumen AI", "USA")]
    )
    stage_bulk(
        con,
        "bulk_organizations",
        load_raw(con, "crunchbase_bulk.organizations", organizations),
        ("country_code",),
    )
    rounds = write_csv(
        tmp_path / "funding_rounds.csv",
        [
            "uuid",
            "org_uuid",
            "investment_type",
            "announced_on",
            "raised_amount_usd",
            "lead_investor_uuids",
        ],
        ROUNDS,
    )
    investors = write_csv(
        tmp_path / "investors.csv",
        [
            "uuid",
            "name",
            "investor_types",
            "country_code",
            "domain",
            "investment_count",
            "founded_on",
        ],
        INVESTORS,
    )
    investments_file = write_csv(
        tmp_path / "investments.csv",
        [
            "uuid",
            "funding_round_uuid",
            "investor_uuid",
            "investor_name",
            "investor_type",
            "is_lead_investor",
        ],
        investments,
    )
    stage_bulk(con, "bulk_funding_rounds", load_raw(con, "crunchbase_bulk.funding_rounds", rounds))
    stage_bulk(
        con,
        "bulk_investors",
        load_raw(con, "crunchbase_bulk.investors", investors),
        ("country_code",),
    )
    raw = load_raw(con, "crunchbase_bulk.investments", investments_file)
    stage_bulk(con, "bulk_investments", raw)
    return con


@pytest.fixture
def con(tmp_path):
    c = bulk_warehouse(tmp_path)
    yield c
    c.close()


def _quarantine(con, source: str) -> list[tuple]:
    return con.sql(
        "SELECT source_row, column_name, raw_value, reason FROM meta.quarantine "
        "WHERE source = ? ORDER BY source_row",
        params=[source],
    ).fetchall()


def test_investors_staged_by_uuid_with_types_country_and_dates(con):
    ((read, staged, quarantined, reconciled),) = con.sql(
        "SELECT rows_read, rows_staged, rows_quarantined, reconciled FROM meta.row_accounting "
        "WHERE source = 'bulk_investors'"
    ).fetchall()
    assert (read, staged, quarantined, reconciled) == (5, 3, 2, True)
    assert _quarantine(con, "bulk_investors") == [
        (4, "uuid", None, "missing key: uuid is blank"),
        (5, "name", " ", "missing key: name is blank"),
    ]
    rows = {
        r["investor_key"]: r
        for r in con.sql("SELECT * FROM staging.bulk_investors").pl().iter_rows(named=True)
    }
    seine = rows["inv-a"]
    assert seine["investor_types"] == ["micro_vc", "venture_capital"]
    assert (seine["country_code"], seine["domain"], seine["name_norm"]) == (
        "FRA",
        "seine.vc",
        "seine partners",
    )
    assert (seine["investment_count"], seine["founded_on"]) == (40, date(2010, 1, 1))
    assert rows["inv-b"]["investor_types"] == ["angel"] and rows["inv-b"]["country_code"] is None
    falcon = rows[
        "inv-c"
    ]  # v3 spelling of a type; an unknown country, a count and a date unreadable
    assert falcon["investor_types"] == ["angel"]
    assert (falcon["country_code"], falcon["investment_count"], falcon["founded_on"]) == (
        None,
        None,
        None,
    )
    issues = con.sql(
        "SELECT column_name, raw_value FROM meta.value_issues WHERE source = 'bulk_investors' ORDER BY 1"
    ).fetchall()
    assert issues == [
        ("country_code", "XXX"),
        ("founded_on", "2999-01-01"),
        ("investment_count", "many"),
    ]


def test_investments_keyed_by_round_and_investor_with_leads(con):
    counts = con.sql(
        "SELECT rows_read, rows_staged, rows_quarantined, duplicates_collapsed, reconciled "
        "FROM meta.row_accounting WHERE source = 'bulk_investments'"
    ).fetchall()
    assert counts == [(8, 4, 3, 1, True)]
    rows = {
        (r["round_key"], r["investor_key"]): r
        for r in con.sql("SELECT * FROM staging.bulk_investments").pl().iter_rows(named=True)
    }
    assert set(rows) == {("r-1", "inv-a"), ("r-1", "inv-b"), ("r-2", "inv-c"), ("r-2", "inv-a")}
    first = rows[("r-1", "inv-a")]
    assert (first["investment_key"], first["is_lead"], first["investor_type"]) == (
        "i-1",
        True,
        "organization",
    )
    assert first["_source_row"] == 1  # the first of the duplicated pair is kept
    assert rows[("r-1", "inv-b")]["is_lead"] is False  # v3's t/f
    assert rows[("r-1", "inv-b")]["investor_type"] == "person"
    named = rows[("r-2", "inv-c")]
    assert (named["is_lead"], named["investor_name"], named["investor_name_norm"]) == (
        True,
        "Falcon Ventures",
        "falcon ventures",
    )
    unreadable = rows[("r-2", "inv-a")]
    assert unreadable["is_lead"] is None and unreadable["investor_name_norm"] == "seine partners"
    assert con.sql(
        "SELECT column_name, raw_value FROM meta.value_issues WHERE source = 'bulk_investments'"
    ).fetchall() == [("is_lead_investor", "maybe")]


def test_orphan_and_keyless_investments_quarantined_with_their_reason(con):
    assert _quarantine(con, "bulk_investments") == [
        (5, "funding_round_uuid", "r-9", "orphan: funding round not in funding_rounds"),
        (6, "investor_uuid", None, "missing key: investor_uuid is blank"),
        (
            7,
            "investor_name",
            None,
            "missing key: investor_name is blank and investor_uuid is not in investors",
        ),
    ]


def test_undeclared_bulk_sources_stage_empty():
    con = duckdb.connect()
    install_macros(con)
    for schema in ("raw", "staging", "meta", "ref"):
        con.execute(f"CREATE SCHEMA {schema}")
    write_frame(con, "ref.round_stage_map", stage_map_frame())
    write_frame(con, "ref.stages", stage_frame())
    con.execute(
        "CREATE TABLE ref.fx_rates (rate_date DATE, currency VARCHAR, units_per_eur DOUBLE)"
    )
    for name, kind, countries in (
        ("bulk_organizations", "crunchbase_bulk.organizations", ("country_code",)),
        ("bulk_funding_rounds", "crunchbase_bulk.funding_rounds", ()),
        ("bulk_investors", "crunchbase_bulk.investors", ("country_code",)),
        ("bulk_investments", "crunchbase_bulk.investments", ()),
    ):
        counts = stage_bulk(con, name, load_raw(con, kind, None), countries)
        assert counts["rows_read"] == counts["rows_staged"] == 0 and counts["reconciled"]
    types = dict(
        con.sql(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'bulk_investors'"
        ).fetchall()
    )
    assert types["investor_types"] == "VARCHAR[]"
    types = dict(
        con.sql(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'bulk_investments'"
        ).fetchall()
    )
    assert types["is_lead"] == "BOOLEAN"


def test_missing_required_column_names_the_file_and_the_column(tmp_path):
    path = write_csv(tmp_path / "investments.csv", ["uuid", "investor_uuid"], [("i-1", "inv-a")])
    with pytest.raises(SourceFileError, match=r"investments\.csv.*funding_round_uuid"):
        raw_frame(SOURCE_KINDS["crunchbase_bulk.investments"], path)
