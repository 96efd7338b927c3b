"""Staging of a Crunchbase bulk export (organizations, funding rounds, acquisitions, IPOs) on tiny
files written at test time (tests/pipelines/tiny_bulk.py), in one in-memory DuckDB: no Dagster."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from assets.ingest.assets import RAW_TABLES
from assets.staging.assets import SQL_DIR, STAGED
from tests.pipelines import tiny_bulk as bulk
from tests.pipelines import tiny_sources as tiny
from transforms.ingest import load_raw
from transforms.readers import SourceFileError
from transforms.reference import fx_rates_long, stage_frame, stage_map_frame
from transforms.sources import SOURCE_KINDS
from transforms.staging import register_country_lookup, stage
from warehouse.sql import install_macros, sql_text
from warehouse.tables import write_frame

LOAD_DAY = date(2026, 11, 4)
BULK_STAGED = ("bulk_organizations", "bulk_funding_rounds", "bulk_acquisitions", "bulk_ipos")


def staged_warehouse(paths: dict[str, Path]) -> duckdb.DuckDBPyConnection:
    """Raw tables of the bulk files `paths` (undeclared ones empty), the reference tables, and
    the four bulk staging tables, as the pipeline's assets build them."""
    con = duckdb.connect()
    install_macros(con)
    for schema in ("raw", "ref", "staging", "meta"):
        con.execute(f"CREATE SCHEMA {schema}")
    fx = "\n".join([",".join(tiny.FX_HEADER), *(",".join(d) for d in tiny.FX_DAYS)])
    write_frame(con, "ref.fx_rates", fx_rates_long(fx.encode()))
    write_frame(con, "ref.round_stage_map", stage_map_frame())
    write_frame(con, "ref.stages", stage_frame())
    for name in BULK_STAGED:
        raw_table, countries, _ = STAGED[name]
        kind = RAW_TABLES[raw_table.split(".")[1]]
        load_raw(con, raw_table, SOURCE_KINDS[kind], paths.get(kind))
        if countries:
            register_country_lookup(con, raw_table, countries)
        counts = stage(con, name, raw_table, sql_text(name, SQL_DIR), f"staging.{name}", LOAD_DAY)
        assert counts["reconciled"], (name, counts)
    return con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    return con.sql(sql).pl().to_dicts()


def quarantined(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple]:
    return con.sql(
        "SELECT source_row, column_name, raw_value, reason FROM meta.quarantine "
        "WHERE source = ? ORDER BY source_row",
        params=[source],
    ).fetchall()


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = staged_warehouse(bulk.write_bulk(tmp_path_factory.mktemp("bulk")))
    yield c
    c.close()


def test_organizations_are_typed_with_lists_country_and_description(con):
    atlas = rows(
        con, f"SELECT * FROM staging.bulk_organizations WHERE company_key = '{bulk.ATLAS.lower()}'"
    )
    assert len(atlas) == 1
    a = atlas[0]
    assert a["name_norm"] == "atlas diagnostics" and a["domain"] == "atlas-dx.example"
    assert a["categories"] == ["Medical Imaging"]
    assert a["category_groups"] == ["Artificial Intelligence", "Health Care"]
    assert a["description"] == "Machine learning for radiology"
    assert (a["country_code"], a["city"], a["founded_on"]) == ("FRA", "Lyon", date(2021, 2, 1))
    assert a["roles"] == ["company"] and a["employee_count"] == "11-50"
    roles = dict(con.sql("SELECT name, roles FROM staging.bulk_organizations").fetchall())
    assert roles["Seine Ventures"] == ["investor"] and len(roles) == 6


def test_funding_rounds_stage_amounts_and_leads(con):
    by_key = {r["round_key"]: r for r in rows(con, "SELECT * FROM staging.bulk_funding_rounds")}
    assert len(by_key) == len(bulk.FUNDING_ROUNDS)
    seed = by_key[bulk.uuid(101).lower()]
    assert seed["company_key"] == bulk.LUMEN.lower() and seed["stage"] == "seed"
    assert seed["lead_investor_keys"] == [bulk.SEINE.lower()] and seed["round_code"] is None
    assert seed["amount_usd"] == 1_500_000
    # EUR only: USD at the ECB rate of 2021-01-04, the last fixing before 2021-06-01
    eur = by_key[bulk.uuid(104).lower()]
    assert eur["amount_eur"] == 2_000_000
    assert eur["amount_usd"] == pytest.approx(2_000_000 * 1.2296)
    assert eur["fx_rate_date"] == date(2021, 1, 4)
    # series_d and beyond: late (config/stages.yaml)
    late = by_key[bulk.uuid(107).lower()]
    assert (late["round_type"], late["stage"], late["stage_group"]) == ("series_d", "late", "late")


def test_acquisitions_and_ipos_join_their_organisation(con):
    acq = rows(con, "SELECT * FROM staging.bulk_acquisitions")
    assert [
        (a["company_key"], a["acquirer_key"], a["acquired_on"], a["price_usd"]) for a in acq
    ] == [(bulk.FALCON.lower(), bulk.ORBITAL.lower(), date(2025, 2, 1), 50_000_000)]
    ipo = rows(con, "SELECT * FROM staging.bulk_ipos")
    assert [(i["company_key"], i["went_public_on"], i["money_raised_usd"]) for i in ipo] == [
        (bulk.ORBITAL.lower(), date(2024, 5, 1), 300_000_000)
    ]
    assert quarantined(con, "bulk_funding_rounds") == []


def test_orphan_uuids_are_quarantined_with_the_column_named(tmp_path):
    ghost = bulk.uuid(999)
    paths = bulk.write_bulk(
        tmp_path,
        rounds=[
            *bulk.FUNDING_ROUNDS[:2],
            bulk._round(50, ghost, "Ghost", "seed", "2020-01-01", "1"),
        ],
        acquisitions=[
            *bulk.ACQUISITIONS,
            {**bulk.ACQUISITIONS[0], "uuid": bulk.uuid(250), "acquiree_uuid": ghost},
        ],
        ipos=[{**bulk.IPOS[0], "org_uuid": ghost}],
    )
    con = staged_warehouse(paths)
    assert quarantined(con, "bulk_funding_rounds") == [
        (3, "org_uuid", ghost, "orphan: org_uuid joins no organization in organizations")
    ]
    assert quarantined(con, "bulk_acquisitions") == [
        (2, "acquiree_uuid", ghost, "orphan: acquiree_uuid joins no organization in organizations")
    ]
    assert quarantined(con, "bulk_ipos") == [
        (1, "org_uuid", ghost, "orphan: org_uuid joins no organization in organizations")
    ]
    assert con.sql("SELECT count(*) FROM staging.bulk_funding_rounds").fetchall() == [(2,)]
    assert con.sql("SELECT count(*) FROM staging.bulk_ipos").fetchall() == [(0,)]


def test_bad_values_quarantine_or_null_with_their_reason(tmp_path):
    paths = bulk.write_bulk(
        tmp_path,
        organizations=[*bulk.ORGANIZATIONS, {**bulk.ORGANIZATIONS[1], "uuid": " "}],
        rounds=[
            bulk._round(60, bulk.ATLAS, "Atlas", "series_a", "someday", "5"),
            bulk._round(61, bulk.ATLAS, "Atlas", "series_a", "2024-01-01", "lots"),
            bulk._round(62, bulk.ATLAS, "Atlas", "moonshot", "2024-02-01", "", "9", "XXX"),
        ],
    )
    con = staged_warehouse(paths)
    assert quarantined(con, "bulk_organizations") == [
        (7, "uuid", " ", "missing key: uuid is blank")
    ]
    assert quarantined(con, "bulk_funding_rounds") == [
        (1, "announced_on", "someday", "unparseable or implausible date (required)"),
        (2, "raised_amount_usd", "lots", "amount not a number in [0, 1e12)"),
    ]
    issues = con.sql(
        "SELECT column_name, raw_value, issue FROM meta.value_issues "
        "WHERE source = 'bulk_funding_rounds' ORDER BY 1"
    ).fetchall()
    assert issues == [
        ("investment_type", "moonshot", "unknown round type, staged as undisclosed"),
        ("raised_amount_currency_code", "XXX", "unknown currency, amount not converted"),
    ]
    staged = rows(con, "SELECT stage, amount_usd FROM staging.bulk_funding_rounds")
    assert staged == [{"stage": "undisclosed", "amount_usd": None}]


@pytest.mark.parametrize(
    ("entity", "column"),
    [
        ("organizations", "uuid"),
        ("funding_rounds", "org_uuid"),
        ("funding_rounds", "announced_on"),
        ("acquisitions", "acquiree_uuid"),
        ("ipos", "went_public_on"),
    ],
)
def test_a_missing_required_column_names_the_file_and_the_column(tmp_path, entity, column):
    defaults = {
        "organizations": bulk.ORGANIZATIONS,
        "funding_rounds": bulk.FUNDING_ROUNDS,
        "acquisitions": bulk.ACQUISITIONS,
        "ipos": bulk.IPOS,
    }
    cut = [{k: v for k, v in row.items() if k != column} for row in defaults[entity]]
    paths = bulk.write_bulk(tmp_path, **{"rounds" if entity == "funding_rounds" else entity: cut})
    kind = f"crunchbase_bulk.{entity}"
    with pytest.raises(SourceFileError) as error:
        staged_warehouse(paths)
    message = str(error.value)
    assert str(paths[kind]) in message and repr(column) in message and kind in message
