"""Staging of the current sources' formats (chip list, its exits, Epoch AI companies and funding
rounds) on the bundled synthetic files: good rows typed, bad rows quarantined with file, row,
column and reason, every row accounted for."""

from datetime import date

import duckdb
import polars as pl
import pytest

from assets.staging.assets import SQL_DIR
from tests.helpers import SAMPLE_SOURCES
from transforms.ingest import raw_frame
from transforms.reference import stage_frame, stage_map_frame
from transforms.sources import SOURCE_KINDS, load_sources
from transforms.staging import register_country_lookup, stage
from warehouse.sql import install_macros, sql_text
from warehouse.tables import write_frame

LOAD_DAY = date(2026, 11, 4)
USD_PER_EUR = 1.10
COUNTRY_COLUMNS = {"chip_startups": ["Country"]}


@pytest.fixture
def con():
    c = duckdb.connect()
    install_macros(c)
    for schema in ("raw", "staging", "meta", "ref"):
        c.execute(f"CREATE SCHEMA {schema}")
    write_frame(c, "ref.round_stage_map", stage_map_frame())
    write_frame(c, "ref.stages", stage_frame())
    c.execute(
        "CREATE TABLE ref.fx_rates AS SELECT DATE '2020-01-02' AS rate_date, 'USD' AS currency, "
        f"{USD_PER_EUR}::DOUBLE AS units_per_eur"
    )
    yield c
    c.close()


def _stage(con, kind: str, load_day: date = LOAD_DAY) -> dict:
    path = load_sources(SAMPLE_SOURCES).get(kind)
    frame, _ = raw_frame(SOURCE_KINDS[kind], path)
    write_frame(con, f"raw.{kind}", frame)
    if kind in COUNTRY_COLUMNS:
        register_country_lookup(con, f"raw.{kind}", COUNTRY_COLUMNS[kind])
    return stage(con, kind, f"raw.{kind}", sql_text(kind, SQL_DIR), f"staging.{kind}", load_day)


def _rows(con, sql: str) -> dict[str, dict]:
    return {r["name"]: r for r in con.sql(sql).pl().iter_rows(named=True)}


def _quarantine(con, source: str) -> list[tuple]:
    return con.sql(
        "SELECT regexp_extract(source_file, '[^/]+$'), source_row, column_name, raw_value, reason "
        "FROM meta.quarantine WHERE source = ? ORDER BY source_row",
        params=[source],
    ).fetchall()


def test_chip_list_staged_with_year_country_and_tags(con):
    counts = _stage(con, "chip_startups")
    assert counts["reconciled"] and counts["rows_read"] == 10
    assert (counts["rows_staged"], counts["rows_quarantined"]) == (9, 1)
    assert (counts["dates_nulled"], counts["value_issues"]) == (1, 2)  # the shifted row
    assert _quarantine(con, "chip_startups") == [
        ("startups.csv", 8, "Company", None, "missing key: Company is blank")
    ]
    rows = _rows(con, "SELECT * FROM staging.chip_startups")
    falcon = rows["Falcon Silicon"]
    assert falcon["founded_on"] == date(2024, 1, 1)  # a founding year is its 1st of January
    assert falcon["country_code"] == "ARE" and falcon["tags"] == ["chip_list:ai"]
    assert falcon["domain"] == "falcon-silicon.example"
    assert falcon["description"] == "AI training chips"
    assert rows["Thames Photonics"]["country_code"] == "GBR"  # the list's `UK`
    assert rows["Oasis RISC"]["tags"] == ["chip_list:risc-v"]
    shifted = rows["Shifted Sim"]  # `2025` as the country, the description as the year
    assert shifted["country_code"] is None and shifted["founded_on"] is None
    issues = con.sql(
        "SELECT column_name, raw_value FROM meta.value_issues WHERE source = 'chip_startups' "
        "ORDER BY 1"
    ).fetchall()
    assert issues == [("Country", "2025"), ("Founded", "fast circuit simulation")]


def test_chip_exits_garbled_year_quarantined_and_dated_end_of_year(con):
    counts = _stage(con, "chip_exits")
    assert counts["reconciled"] and (counts["rows_read"], counts["rows_staged"]) == (4, 3)
    assert _quarantine(con, "chip_exits") == [
        ("alumni.csv", 3, "Year", "270", "unparseable or implausible year (required)")
    ]
    rows = _rows(
        con,
        "SELECT name, exit_kind, acquirer_name, exited_on, value_usd FROM staging.chip_exits",
    )
    assert rows["Gulf Wafer"]["exit_kind"] == "ipo"
    assert rows["Gulf Wafer"]["exited_on"] == date(2025, 12, 31)
    assert rows["Gulf Wafer"]["value_usd"] == 300e6
    loire = rows["Loire Logic"]
    assert (loire["exit_kind"], loire["acquirer_name"]) == ("acquisition", "Bigchip Corp")
    assert loire["exited_on"] == date(2024, 12, 31) and loire["value_usd"] is None
    assert rows["Brume Analog"]["exit_kind"] == "shutdown"


def test_exit_of_the_load_year_is_dated_no_later_than_the_load_day(con):
    _stage(con, "chip_exits", load_day=date(2025, 6, 30))
    ((day,),) = con.sql(
        "SELECT exited_on FROM staging.chip_exits WHERE name = 'Gulf Wafer'"
    ).fetchall()
    assert day == date(2025, 6, 30)


def test_epoch_rounds_closed_primary_count_duplicates_collapse(con):
    counts = _stage(con, "epoch_funding_rounds")
    assert counts["reconciled"] and counts["rows_read"] == 8
    assert (counts["rows_staged"], counts["rows_quarantined"]) == (6, 1)
    assert counts["duplicates_collapsed"] == 1  # `Sep 2025 200M` is `Sep 2025 Series A` again
    assert _quarantine(con, "epoch_funding_rounds") == [
        (
            "ai_companies_funding_rounds.csv",
            8,
            "Funding (equity)",
            "about 10M",
            "amount not a number in [0, 1e12)",
        )
    ]
    rounds = {
        r["round_name"]: r
        for r in con.sql("SELECT * FROM staging.epoch_funding_rounds").pl().iter_rows(named=True)
    }
    assert set(rounds) == {
        "Mar 2024 Seed",
        "Sep 2025 Series A",
        "2026 tender",
        "Series B talks",
        "Jun 2025 Seed",
        "Jan 2026 Series A",
    }
    counted = {k for k, r in rounds.items() if r["counts_as_round"]}
    assert counted == {"Mar 2024 Seed", "Sep 2025 Series A", "Jun 2025 Seed", "Jan 2026 Series A"}
    assert rounds["Series B talks"]["funded_on"] is None
    assert rounds["2026 tender"]["stage"] == "undisclosed"
    seed = rounds["Mar 2024 Seed"]
    assert (seed["stage"], seed["funded_on"], seed["company_key"]) == (
        "seed",
        date(2024, 3, 14),
        "lumiere models",
    )
    sable = rounds["Jan 2026 Series A"]
    assert (sable["stage"], sable["stage_group"]) == ("series_a", "early")
    assert sable["amount_usd"] == 120e6  # equity and debt
    assert (sable["amount_equity_usd"], sable["amount_debt_usd"]) == (80e6, 40e6)
    assert sable["amount_eur"] == pytest.approx(120e6 / USD_PER_EUR)
    assert rounds["Sep 2025 Series A"]["round_key"].startswith("epoch:")


def test_epoch_companies_founding_date_and_tags(con):
    counts = _stage(con, "epoch_companies")
    assert counts["reconciled"] and counts["rows_staged"] == 2
    rows = _rows(con, "SELECT * FROM staging.epoch_companies")
    lumiere = rows["Lumière Models"]
    assert lumiere["founded_on"] == date(2023, 2, 1)  # M/D/YYYY
    assert lumiere["tags"] == [
        "epoch_type:foundation",
        "epoch_domain:language",
        "epoch_domain:vision",
    ]
    assert lumiere["name_norm"] == "lumiere models"


def test_undeclared_current_sources_stage_empty(con):
    for kind in ("chip_startups", "chip_exits", "epoch_funding_rounds", "epoch_companies"):
        frame, _ = raw_frame(SOURCE_KINDS[kind], None)
        write_frame(con, f"raw.{kind}", frame)
        if kind in COUNTRY_COLUMNS:
            register_country_lookup(con, f"raw.{kind}", COUNTRY_COLUMNS[kind])
        sql = sql_text(kind, SQL_DIR)
        counts = stage(con, kind, f"raw.{kind}", sql, f"staging.{kind}", LOAD_DAY)
        assert counts["rows_read"] == counts["rows_staged"] == 0 and counts["reconciled"]
    assert isinstance(con.sql("SELECT * FROM staging.chip_startups").pl(), pl.DataFrame)
