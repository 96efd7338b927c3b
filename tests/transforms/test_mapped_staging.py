"""Staging of mapped exports (a Dealroom-like workbook and rounds CSV, a PitchBook-like deals and
investments CSV read through their column mappings): countries in any spelling, dates, amounts
times their unit in their currency converted at the ECB rate, provider stages, investor lists;
rows with no company quarantined with file, row and column; every row accounted for."""

from datetime import date
from types import SimpleNamespace

import duckdb
import pytest
import yaml

from assets.staging.assets import SQL_DIR, STAGED
from tests.mapped_exports import write_mapped_exports
from transforms.mapped import mapped_raw_frame, name_file_columns
from transforms.reference import stage_frame, stage_map_frame
from transforms.sources import load_sources
from transforms.staging import register_country_lookup, stage
from warehouse.sql import install_macros, sql_text
from warehouse.tables import write_frame

LOAD_DAY = date(2026, 11, 4)
USD_PER_EUR = {date(2022, 1, 3): 1.13, date(2023, 1, 2): 1.07, date(2024, 6, 3): 1.08}


def stage_mapped(folder, items: list[dict]) -> tuple[duckdb.DuckDBPyConnection, dict]:
    """An in-memory warehouse with the mapped exports `items` (sources-YAML items, files in
    `folder`) staged as the staged assets do; the staging counts by table."""
    (folder / "sources.yaml").write_text(yaml.safe_dump({"mapped_exports": items}))
    sources = load_sources(folder / "sources.yaml")
    con = duckdb.connect()
    install_macros(con)
    for schema in ("raw", "staging", "meta", "ref"):
        con.execute(f"CREATE SCHEMA {schema}")
    write_frame(con, "ref.round_stage_map", stage_map_frame())
    write_frame(con, "ref.stages", stage_frame())
    rates = [(d, "USD", r) for d, r in USD_PER_EUR.items()]
    rates += [(d, "EUR", 1.0) for d in USD_PER_EUR]
    con.execute(
        "CREATE TABLE ref.fx_rates (rate_date DATE, currency VARCHAR, units_per_eur DOUBLE)"
    )
    con.executemany("INSERT INTO ref.fx_rates VALUES (?, ?, ?)", rates)
    counts = {}
    for entity in ("companies", "rounds", "investments"):
        name = f"mapped_{entity}"
        raw, _ = mapped_raw_frame(entity, sources.mapped_of(entity))
        write_frame(con, f"raw.{name}", raw)
        raw_table, countries, _ = STAGED[name]
        register_country_lookup(con, raw_table, countries)
        counts[name] = stage(
            con, name, raw_table, sql_text(name, SQL_DIR), f"staging.{name}", LOAD_DAY
        )
        name_file_columns(con, name, sources.mapped_of(entity))  # as the staged asset does
    return con, counts


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("mapped")
    con, counts = stage_mapped(folder, write_mapped_exports(folder))
    yield SimpleNamespace(con=con, counts=counts)
    con.close()


def test_each_file_reads_its_dates_in_the_order_they_prove(tmp_path):
    # a European file proves day first (17/04), an American one month first (04/17); a file
    # that proves neither reads day first; each file's 05/03 follows its own order
    files = {
        "eu.csv": "CO,DATE\nLumen AI,17/04/2025\nLumen AI,05/03/2025\n",
        "us.csv": "CO,DATE\nRive Pay,04/17/2025\nRive Pay,05/03/2025\n",
        "any.csv": "CO,DATE\nOryx Chips,05/03/2025\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    items = [
        {"file": name, "entity": "rounds", "columns": {"company": "CO", "announced_on": "DATE"}}
        for name in files
    ]
    con, counts = stage_mapped(tmp_path, items)
    assert counts["mapped_rounds"]["rows_staged"] == 5
    days = con.sql(
        "SELECT company_key, list_sort(list(funded_on)) FROM staging.mapped_rounds GROUP BY 1"
    ).fetchall()
    assert dict(days) == {
        "lumen ai": [date(2025, 3, 5), date(2025, 4, 17)],
        "rive pay": [date(2025, 4, 17), date(2025, 5, 3)],
        "oryx chips": [date(2025, 3, 5)],
    }


def _rows(con, table: str, key: str) -> dict:
    return {r[key]: r for r in con.sql(f"SELECT * FROM {table}").pl().iter_rows(named=True)}


def _ledger(con, table: str, source: str) -> list[tuple]:
    what = "reason" if table == "meta.quarantine" else "issue"
    return con.sql(
        f"SELECT regexp_extract(source_file, '[^/]+$'), source_row, column_name, raw_value, {what} "
        f"FROM {table} WHERE source = ? ORDER BY 1, 2, 3",
        params=[source],
    ).fetchall()


def test_companies_staged_with_countries_in_three_spellings(staged):
    counts = staged.counts["mapped_companies"]
    assert counts["reconciled"] and counts["rows_read"] == 7
    assert (counts["rows_staged"], counts["rows_quarantined"]) == (6, 1)
    rows = _rows(staged.con, "staging.mapped_companies", "name")
    lumiere = rows["Lumière AI"]
    assert lumiere["company_key"] == "lumiere ai" and lumiere["country_code"] == "FRA"
    assert lumiere["domain"] == "lumiere-ai.example" and lumiere["founded_on"] == date(2021, 1, 1)
    assert sorted(lumiere["categories"]) == ["Artificial Intelligence", "Health"]
    assert lumiere["description"] == "Generative models for radiology"
    assert rows["Falcon Robotics"]["country_code"] == "ARE"  # ISO-2
    assert rows["Falcon Robotics"]["founded_on"] == date(2019, 5, 1)
    assert rows["Oryx Chips"]["country_code"] == "ARE"  # ISO-3
    assert rows["Oryx Chips"]["founded_on"] == date(2020, 3, 1)  # an Excel date cell
    assert rows["Paris Pay"]["country_code"] == "FRA"  # ISO-2
    assert rows["Atlantis Labs"]["country_code"] is None
    assert rows["Atlantis Labs"]["founded_on"] is None
    assert _ledger(staged.con, "meta.quarantine", "mapped_companies") == [
        (
            "dealroom_companies.xlsx",
            5,
            "NAME",  # the file's column, as the mapping names it
            None,
            "missing key: company name is blank",
        )
    ]
    assert _ledger(staged.con, "meta.value_issues", "mapped_companies") == [
        ("dealroom_companies.xlsx", 6, "HQ COUNTRY", "Atlantis", "unknown country set to NULL"),
        ("dealroom_companies.xlsx", 6, "LAUNCH DATE", "2099-01-01", "impossible date set to NULL"),
    ]


def test_rounds_amounts_in_their_unit_and_currency_at_the_ecb_rate(staged):
    counts = staged.counts["mapped_rounds"]
    assert counts["reconciled"] and counts["rows_read"] == 9
    assert (counts["rows_staged"], counts["rows_quarantined"]) == (7, 2)
    rounds = staged.con.sql(
        "SELECT company_key, funded_on, stage, round_code, amount_local, currency, amount_eur, "
        "amount_usd, fx_rate_date, investors, lead_investors, round_key FROM staging.mapped_rounds"
    ).pl()
    by = {(r["company_key"], r["funded_on"]): r for r in rounds.iter_rows(named=True)}
    seed = by[("lumiere ai", date(2022, 3, 15))]
    assert seed["stage"] == "seed" and seed["currency"] == "EUR"
    assert seed["amount_eur"] == pytest.approx(2.5e6)  # 2.5 x amount_unit 1e6
    assert seed["amount_usd"] == pytest.approx(2.5e6 * 1.13)  # the rate of 2022-01-03
    assert seed["fx_rate_date"] == date(2022, 1, 3)
    assert sorted(seed["investors"]) == ["Kima Ventures", "Partech"]
    a1 = by[("lumiere ai", date(2024, 6, 3))]
    assert (a1["stage"], a1["round_code"]) == ("series_a", "A")  # "Series A1"
    assert a1["amount_eur"] == pytest.approx(12.5e6)  # a decimal comma
    assert a1["amount_usd"] == pytest.approx(12.5e6 * 1.08)
    assert sorted(a1["investors"]) == ["Eurazeo", "Mubadala Capital", "Partech"]
    falcon = by[("falcon robotics", date(2023, 3, 1))]  # "03/2023"
    assert falcon["stage"] == "venture"  # "Early VC"
    assert falcon["amount_eur"] == pytest.approx(3.4e6)  # "€3.4M": its own scale
    oryx = by[("oryx chips", date(2023, 9, 11))]
    assert oryx["stage"] == "undisclosed" and oryx["amount_eur"] == pytest.approx(1.2e9)
    pitchbook = by[("oryx chips", date(2025, 1, 15))]
    assert pitchbook["round_key"] == "mapped:98765-43t" and pitchbook["stage"] == "late"
    assert pitchbook["currency"] == "USD" and pitchbook["amount_usd"] == pytest.approx(20e6)
    assert pitchbook["amount_eur"] == pytest.approx(20e6 / 1.08)
    assert sorted(pitchbook["investors"]) == ["Mubadala Capital", "Sequoia Capital"]
    assert pitchbook["lead_investors"] == ["Mubadala Capital"]
    desert = by[("desert vision", date(2024, 11, 29))]
    assert desert["stage"] == "seed" and desert["amount_usd"] == pytest.approx(1.5e6)
    countries = dict(
        staged.con.sql(
            "SELECT company_key, company_country_code FROM staging.mapped_rounds "
            "WHERE company_country_raw IS NOT NULL"
        ).fetchall()
    )
    assert countries == {"oryx chips": "ARE", "desert vision": "ARE"}  # a name and "UAE"
    assert _ledger(staged.con, "meta.quarantine", "mapped_rounds") == [
        (
            "dealroom_rounds.csv",
            5,
            "COMPANY NAME",
            None,
            "missing key: company name is blank",
        ),
        (
            "dealroom_rounds.csv",
            6,
            "ROUND DATE",
            "not a date",
            "unparseable or implausible date (required)",
        ),
    ]
    assert _ledger(staged.con, "meta.value_issues", "mapped_rounds") == [
        (
            "dealroom_rounds.csv",
            4,
            "ROUND",
            "Mystery round",
            "unknown stage, staged as undisclosed",
        ),
        (
            "dealroom_rounds.csv",
            7,
            "AMOUNT (EUR M)",
            "lots",
            "amount not a number in [0, 1e12) set to NULL",
        ),
    ]


def test_investments_join_their_round_and_flag_leads(staged):
    counts = staged.counts["mapped_investments"]
    assert counts["reconciled"] and (counts["rows_staged"], counts["rows_quarantined"]) == (3, 1)
    rows = _rows(staged.con, "staging.mapped_investments", "investor_name")
    gulf = rows["Gulf Capital Partners"]
    assert gulf["round_key"] == "mapped:98765-43t" and gulf["is_lead"] is True
    assert gulf["company_key"] == "oryx chips"
    assert rows["Jane Angel"]["is_lead"] is False
    assert rows["Jane Angel"]["round_key"] == "mapped:11111-11t"
    atlas = rows["Atlas Fund"]
    assert atlas["round_key"] is None and atlas["is_lead"] is None
    assert _ledger(staged.con, "meta.value_issues", "mapped_investments") == [
        (
            "pitchbook_investments.csv",
            3,
            "Deal ID",
            "00000-00T",
            "round id joins no mapped round, round_key set to NULL",
        ),
        (
            "pitchbook_investments.csv",
            3,
            "Lead/Sole Investor",
            "perhaps",
            "not a yes/no value, set to NULL",
        ),
    ]
    assert _ledger(staged.con, "meta.quarantine", "mapped_investments") == [
        (
            "pitchbook_investments.csv",
            4,
            "Investor",
            None,
            "missing key: investor name is blank",
        )
    ]
