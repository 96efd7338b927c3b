"""core.investments and core.investors with the Crunchbase bulk export: an investment joins its
round and company by UUID (match_method 'id', even when companies share the name), carries the
lead flag (also from the round's lead investors) and the investor type; investors are one per
normalised name across sources, with the provider's types and country; the rematch after new
rounds leaves id rows alone; the name-matched edges keep their rules."""

from __future__ import annotations

from datetime import date

import pytest

from assets.core.assets import SQL_DIR as CORE_SQL
from assets.ingest.assets import MAPPED_TABLES
from assets.staging.assets import STAGED
from tests.transforms.test_bulk_investments import ORG, bulk_warehouse, stage_bulk
from transforms.mapped import mapped_raw_frame
from warehouse.sql import sql_text
from warehouse.tables import write_frame

CORE_TABLES = """
CREATE TABLE core.companies AS SELECT * FROM (VALUES
    ('C1', 'Lumen AI', 'lumen ai', 'FRA', DATE '2019-01-01'),
    ('C2', 'Lumen AI', 'lumen ai', 'USA', DATE '2020-01-01'),
    ('C3', 'Rive Pay', 'rive pay', 'FRA', NULL)
) AS t(company_id, name, name_norm, country_code, founded_on);
CREATE TABLE core.company_source_ids AS SELECT * FROM (VALUES
    ('C1', 'crunchbase', '/organization/lumen-ai', 'permalink'),
    ('C2', 'crunchbase_bulk', '{org}', 'uuid'),
    ('C3', 'crunchbase', '/organization/rive-pay', 'permalink')
) AS t(company_id, source, source_key, match_method);
CREATE TABLE core.funding_rounds AS SELECT * FROM (VALUES
    ('C1', DATE '2024-03-01'), ('C2', DATE '2024-03-01'), ('C2', DATE '2025-06-10')
) AS t(company_id, funded_on);
CREATE TABLE core.company_exits AS SELECT 'C3' AS company_id, DATE '2026-01-01' AS exited_on;
CREATE TABLE ref.known_investors (name_norm VARCHAR, country_code VARCHAR);
INSERT INTO ref.known_investors VALUES ('rhone capital', 'FRA');
CREATE TABLE staging.investor_edges AS SELECT * FROM (VALUES
    ('Lumen AI', 'lumen ai', 'Seine Partners', 'seine partners', DATE '2024-03-01', 2e6, 'edges.csv', 1),
    ('Rive Pay', 'rive pay', 'Rhone Capital', 'rhone capital', DATE '2023-05-01', 1e6, 'edges.csv', 2),
    ('Rive Pay', 'rive pay', 'Falcon Ventures', 'falcon ventures', DATE '2023-05-01', 1e6, 'edges.csv', 3)
) AS t(company_name, company_name_norm, investor_name, investor_name_norm, funded_on,
       round_amount_usd, _source_file, _source_row);
"""


@pytest.fixture
def con(tmp_path):
    c = bulk_warehouse(tmp_path)
    c.execute(CORE_TABLES.format(org=ORG))
    for name, entity in MAPPED_TABLES.items():  # no mapped export: their empty staged tables
        write_frame(c, f"raw.{name}", mapped_raw_frame(entity, ())[0])
        stage_bulk(c, name, f"raw.{name}", tuple(STAGED[name][1]))
    c.execute(sql_text("investment_edges", CORE_SQL))
    c.execute(sql_text("investments", CORE_SQL))
    c.execute(sql_text("investors", CORE_SQL))
    yield c
    c.close()


def _investments(con) -> dict[tuple, dict]:
    rows = con.sql(
        "SELECT i.*, v.name AS investor FROM core.investments AS i JOIN core.investors AS v USING (investor_id)"
    ).pl()
    return {(r["source"], r["investor"], r["funded_on"]): r for r in rows.iter_rows(named=True)}


def test_bulk_investment_lands_on_its_round_company_by_id_among_homonyms(con):
    rows = _investments(con)
    seed = rows[("crunchbase_bulk", "Seine Partners", date(2024, 3, 1))]
    assert (seed["company_id"], seed["match_method"], seed["round_key"]) == ("C2", "id", "r-1")
    assert seed["round_amount_usd"] == 2e6 and seed["company_name"] == "Lumen AI"
    assert seed["investor_type"] == "organization"
    # the same day's name edge cannot choose between the two Lumen AI (both raised that day)
    edge = rows[("investor_edges", "Seine Partners", date(2024, 3, 1))]
    assert (edge["company_id"], edge["match_method"]) == (None, "ambiguous_name")
    assert edge["round_key"] is None and edge["is_lead"] is None and edge["investor_type"] is None
    # the name rules are unchanged: a unique name matches
    rive = rows[("investor_edges", "Rhone Capital", date(2023, 5, 1))]
    assert (rive["company_id"], rive["match_method"]) == ("C3", "name_unique")
    by_source = con.sql(
        "SELECT source, count(*) FROM core.investments GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert by_source == [("crunchbase_bulk", 4), ("investor_edges", 3)]


def test_lead_flags_from_the_investment_or_the_rounds_lead_list(con):
    rows = _investments(con)
    assert rows[("crunchbase_bulk", "Seine Partners", date(2024, 3, 1))]["is_lead"] is True
    assert rows[("crunchbase_bulk", "Jane Doe", date(2024, 3, 1))]["is_lead"] is False
    assert rows[("crunchbase_bulk", "Falcon Ventures", date(2025, 6, 10))]["is_lead"] is True
    # an unreadable flag, but the round names the investor as its lead
    assert rows[("crunchbase_bulk", "Seine Partners", date(2025, 6, 10))]["is_lead"] is True


def test_investors_one_per_name_across_sources_with_types_leads_and_country(con):
    investors = {
        r["name"]: r for r in con.sql("SELECT * FROM core.investors").pl().iter_rows(named=True)
    }
    assert set(investors) == {"Seine Partners", "Jane Doe", "Falcon Ventures", "Rhone Capital"}
    seine = investors["Seine Partners"]  # one edge and two bulk investments
    assert (seine["n_investments"], seine["n_lead_investments"]) == (3, 2)
    assert seine["investor_types"] == ["micro_vc", "venture_capital"]
    assert (seine["country_code"], seine["country_source"]) == ("FRA", "provider")
    assert (seine["n_companies"], seine["n_matched_companies"]) == (
        2,
        1,
    )  # C2, and the ambiguous name
    falcon = investors["Falcon Ventures"]  # an edge and a bulk investment, one investor
    assert (falcon["n_investments"], falcon["n_lead_investments"]) == (2, 1)
    assert falcon["investor_types"] == ["angel"] and falcon["n_portfolio_exits"] == 1
    rhone = investors["Rhone Capital"]  # edges only: no types, leads unknown, curated country
    assert rhone["investor_types"] == [] and rhone["n_lead_investments"] is None
    assert (rhone["country_code"], rhone["country_source"]) == ("FRA", "curated list")
    assert investors["Jane Doe"]["n_lead_investments"] == 0


def test_rematch_after_new_rounds_leaves_id_rows_alone(con):
    before = con.sql(
        "SELECT * FROM core.investments WHERE source = 'crunchbase_bulk' ORDER BY ALL"
    ).fetchall()
    # a new round of C1 on the name edge's day would not change it (C2 raised that day too);
    # removing C2's round makes C1 the one company with a round that day
    con.execute("DELETE FROM core.funding_rounds WHERE company_id = 'C2'")
    ((rematched,),) = con.execute(sql_text("investments_rematch", CORE_SQL)).fetchall()
    assert rematched == 1
    edge = con.sql(
        "SELECT company_id, match_method FROM core.investments WHERE source = 'investor_edges' "
        "AND investor_name = 'Seine Partners'"
    ).fetchall()
    assert edge == [("C1", "name+round_date")]
    after = con.sql(
        "SELECT * FROM core.investments WHERE source = 'crunchbase_bulk' ORDER BY ALL"
    ).fetchall()
    assert after == before
