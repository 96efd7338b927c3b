"""Whole-graph runs on a tiny Crunchbase bulk export (tests/pipelines/tiny_bulk.py): alone, and
beside the tiny 2015-format files (tiny_sources.py) where `Lumen AI` is in both (same domain) and
becomes one company with both provider keys. Each weekly run takes a few seconds."""

from datetime import date

import pytest

from tests.helpers import query, run_week
from tests.pipelines import tiny_bulk as bulk
from tests.pipelines import tiny_sources as tiny
from tests.pipelines.test_source_subsets import AS_OF, SETTINGS, assert_no_check_failed

COMPANIES = ["Atlas Diagnostics", "Falcon Ledger", "Lumen AI", "Nimbus Silicon", "Orbital Freight"]


@pytest.fixture(scope="module")
def bulk_only(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulk_only")
    sources = bulk.write_bulk_sources(folder / "sources", bulk.write_bulk(folder / "export"))
    result = run_week(sources, folder / "home", AS_OF, raise_on_error=False, settings=SETTINGS)
    assert result.success
    assert_no_check_failed(result)
    return folder / "home" / "dealflow.duckdb"


@pytest.fixture(scope="module")
def both_exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("both")
    sources = bulk.write_bulk_sources(
        folder / "sources", bulk.write_bulk(folder / "export"), tiny_keys=tiny.KEYS
    )
    result = run_week(sources, folder / "home", AS_OF, raise_on_error=False, settings=SETTINGS)
    assert result.success
    assert_no_check_failed(result)
    return folder / "home" / "dealflow.duckdb"


def test_bulk_organisations_are_companies_with_uuid_keys(bulk_only):
    companies = query(bulk_only, "SELECT * FROM core.companies ORDER BY name")
    # the investor firm (roles: investor) is not a company
    assert companies["name"].to_list() == COMPANIES
    assert set(companies["primary_source"]) == {"crunchbase_bulk"}
    atlas = companies.filter(companies["name"] == "Atlas Diagnostics").row(0, named=True)
    assert atlas["description"] == "Machine learning for radiology"
    assert atlas["category_groups"] == ["Artificial Intelligence", "Health Care"]
    assert (atlas["country_code"], atlas["founded_on"]) == ("FRA", date(2021, 2, 1))
    ids = query(bulk_only, "SELECT * FROM core.company_source_ids ORDER BY source_key")
    assert set(zip(ids["source"], ids["match_method"], strict=True)) == {
        ("crunchbase_bulk", "uuid")
    }
    assert ids["source_key"].to_list() == sorted(
        k.lower() for k in (bulk.LUMEN, bulk.ATLAS, bulk.NIMBUS, bulk.FALCON, bulk.ORBITAL)
    )


def test_bulk_rounds_exits_and_acquirers_join_by_uuid(bulk_only):
    rounds = query(
        bulk_only,
        "SELECT c.name, count(*) AS n, sum(r.amount_usd) AS usd FROM core.funding_rounds AS r "
        "JOIN core.companies AS c USING (company_id) GROUP BY ALL ORDER BY 1",
    )
    assert dict(zip(rounds["name"], rounds["n"], strict=True)) == {
        "Atlas Diagnostics": 2,
        "Falcon Ledger": 1,
        "Lumen AI": 3,
        "Nimbus Silicon": 2,
        "Orbital Freight": 1,
    }
    exits = query(
        bulk_only,
        "SELECT c.name, x.exit_type, x.exited_on FROM core.company_exits AS x "
        "JOIN core.companies AS c USING (company_id) ORDER BY 1",
    )
    assert exits.rows() == [
        ("Falcon Ledger", "acquisition", date(2025, 2, 1)),
        ("Orbital Freight", "ipo", date(2024, 5, 1)),
    ]
    made = query(
        bulk_only,
        "SELECT c.name, m.target_name FROM core.company_acquisitions_made AS m "
        "JOIN core.companies AS c USING (company_id)",
    )
    assert made.rows() == [("Orbital Freight", "Falcon Ledger")]


def test_bulk_description_and_category_groups_feed_the_taxonomy(bulk_only):
    taxonomy = query(
        bulk_only,
        "SELECT c.name, t.vertical_by_categories AS vertical, t.sector "
        "FROM core.company_taxonomy AS t JOIN core.companies AS c USING (company_id) ORDER BY 1",
    )
    verticals = {r[0]: r[1:] for r in taxonomy.rows()}
    assert verticals["Atlas Diagnostics"] == ("sector_applications", "health")
    assert verticals["Falcon Ledger"] == ("sector_applications", "financial_services")
    assert verticals["Nimbus Silicon"][0] == "ai_semiconductors"
    assert verticals["Orbital Freight"][0] is None  # logistics, no AI signal
    scored = query(bulk_only, "SELECT count(*) AS n FROM marts.company_scores")
    assert scored["n"][0] == 5


def test_a_company_in_both_exports_is_one_company_with_both_keys(both_exports):
    lumen = query(both_exports, "SELECT * FROM core.companies WHERE name_norm = 'lumen ai'")
    assert lumen.height == 1
    company = lumen.row(0, named=True)
    # the 2015 company's id is kept; attributes from the current export
    from_2015 = query(
        both_exports,
        "SELECT company_id FROM core.company_source_ids "
        "WHERE source = 'crunchbase' AND source_key = '/organization/lumen-ai'",
    )
    assert company["company_id"] == from_2015["company_id"][0]
    assert company["primary_source"] == "crunchbase_bulk"
    assert company["description"] == "Open generative language models"
    assert sorted(company["categories"]) == ["Artificial Intelligence", "Generative AI"]
    keys = query(
        both_exports,
        "SELECT source, source_key, match_method FROM core.company_source_ids "
        "WHERE company_id = ? AND source LIKE 'crunchbase%' ORDER BY source",
        [company["company_id"]],
    )
    assert keys.rows() == [
        ("crunchbase", "/organization/lumen-ai", "permalink"),
        ("crunchbase_bulk", bulk.LUMEN.lower(), "domain"),
    ]
    # its three rounds are in both exports on the same days: counted once, with the bulk uuids
    rounds = query(
        both_exports,
        "SELECT round_key FROM core.funding_rounds WHERE company_id = ? ORDER BY funded_on",
        [company["company_id"]],
    )
    assert rounds["round_key"].to_list() == [bulk.uuid(n).lower() for n in (101, 102, 103)]
    # 8 tiny 2015 companies + 4 bulk-only companies
    assert query(both_exports, "SELECT count(*) AS n FROM core.companies")["n"][0] == 12


PAST = date(2023, 6, 14)


def _on_or_before(rows: list[dict], column: str) -> list[dict]:
    return [r for r in rows if date.fromisoformat(r[column]) <= PAST]


def test_bulk_scores_as_of_a_past_date_ignore_later_facts_and_status(tmp_path):
    """As of a date before the export's snapshot, removing every bulk fact dated after it (and
    the organisations founded after it) and scrambling `status` changes no score."""
    late = bulk.uuid(7)  # founded after the date, with a round after it
    organizations = [
        *bulk.ORGANIZATIONS,
        bulk._org(late, "Qasr Robotics", "qasr.example", "ARE", "Dubai", "operating",
                  "Robotics", "Artificial Intelligence,Hardware", "AI robots", "2024-03-01"),
    ]  # fmt: skip
    rounds = [
        *bulk.FUNDING_ROUNDS,
        bulk._round(20, late, "Qasr Robotics", "seed", "2025-01-10", "3"),
    ]
    trimmed_orgs = [{**o, "status": "closed"} for o in _on_or_before(organizations, "founded_on")]
    known = {o["uuid"] for o in trimmed_orgs}
    exports = {
        "full": bulk.write_bulk(
            tmp_path / "full_export", organizations=organizations, rounds=rounds
        ),
        "trim": bulk.write_bulk(
            tmp_path / "trim_export",
            organizations=trimmed_orgs,
            rounds=[r for r in _on_or_before(rounds, "announced_on") if r["org_uuid"] in known],
            acquisitions=_on_or_before(bulk.ACQUISITIONS, "acquired_on"),
            ipos=_on_or_before(bulk.IPOS, "went_public_on"),
        ),
    }
    assert late not in known and len(rounds) - len(bulk.FUNDING_ROUNDS) == 1
    scores = {}
    for name, paths in exports.items():
        sources = bulk.write_bulk_sources(tmp_path / f"{name}_sources", paths)
        home = tmp_path / f"{name}_home"
        assert run_week(sources, home, PAST, settings=SETTINGS).success
        scores[name] = query(
            home / "dealflow.duckdb",
            "SELECT * EXCLUDE (model_version) FROM marts.company_scores ORDER BY company_id",
        )
    full, trim = scores["full"], scores["trim"]
    # the five companies of the export known by then (not Qasr Robotics, founded later)
    assert full.height == 5 and full["as_of"].unique().to_list() == [PAST]
    assert not full["exited"].any()  # the acquisition (2025) and the IPO (2024) come later
    assert full.columns == trim.columns
    for column in full.columns:
        a, b = full[column], trim[column]
        if a.dtype.is_float():
            close = ((a - b).abs().fill_null(0) < 1e-9).all()
            assert close and a.is_null().equals(b.is_null()), column
        else:
            assert a.equals(b), column
