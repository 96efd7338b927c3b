"""Mapped exports through a whole weekly run (tiny 2015-format sources plus a Dealroom-like
workbook and rounds CSV and PitchBook-like deals and investments CSVs, tests/mapped_exports.py):
a mapped company with the domain of a 2015-format company is that company, with both keys; the
companies only mapped files name are companies of their own; mapped rounds are funding rounds;
each investor of a mapped round and each mapped investments row is an edge of core.investments.
A mapping naming a column the file lacks, or an unknown entity, stops the run with the file and
the key, and the published replica stays as it was."""

import hashlib
import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
import yaml

from pipelines.cli import run_problems
from tests.helpers import query, run_week
from tests.mapped_exports import write_mapped_exports
from tests.pipelines import tiny_sources as tiny

AS_OF = date(2026, 11, 4)
SETTINGS = {"gx_max_rows": 0}  # tables with rows validated in SQL (see test_source_subsets.py)


@pytest.fixture(scope="module")
def mapped_run(tmp_path_factory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("sources")
    path = tiny.write_sources(folder)
    spec = yaml.safe_load(path.read_text())
    spec["mapped_exports"] = write_mapped_exports(folder)
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    home = tmp_path_factory.mktemp("home")
    result = run_week(path, home, AS_OF, raise_on_error=False, settings=SETTINGS)
    return SimpleNamespace(
        result=result, home=home, db=home / "dealflow.duckdb", spec=spec, folder=folder
    )


def test_run_succeeds_and_every_blocking_check_passes(mapped_run):
    problems = run_problems(mapped_run.result)
    assert mapped_run.result.success, problems
    # only warnings: short lanes on eight tiny companies
    assert [p for p in problems if "_warnings" not in p.split(" - ")[0]] == []


def test_bad_rows_are_in_the_ledger_under_the_files_column_names(mapped_run):
    quarantined = query(
        mapped_run.db,
        "SELECT regexp_extract(source_file, '[^/]+$'), source_row, column_name "
        "FROM meta.quarantine WHERE source LIKE 'mapped_%' ORDER BY ALL",
    ).rows()
    assert quarantined == [
        ("dealroom_companies.xlsx", 5, "NAME"),
        ("dealroom_rounds.csv", 5, "COMPANY NAME"),
        ("dealroom_rounds.csv", 6, "ROUND DATE"),
        ("pitchbook_investments.csv", 4, "Investor"),
    ]


def test_same_domain_is_one_company_with_both_keys(mapped_run):
    keys = query(
        mapped_run.db,
        "SELECT s.source, s.source_key, s.match_method FROM core.company_source_ids AS s "
        "JOIN core.company_source_ids AS cb USING (company_id) "
        "WHERE cb.source = 'crunchbase' AND cb.source_key = '/organization/lumen-ai' ORDER BY 1",
    ).rows()
    assert keys == [
        ("crunchbase", "/organization/lumen-ai", "permalink"),
        ("epoch", "Lumen AI", "name+country"),
        ("mapped", "lumen", "domain"),
    ]
    lumen = query(
        mapped_run.db,
        "SELECT count(*) FROM core.companies WHERE name_norm IN ('lumen ai', 'lumen')",
    ).item()
    assert lumen == 1


def test_mapped_only_companies_are_companies_of_their_own(mapped_run):
    rows = query(
        mapped_run.db,
        "SELECT c.name, c.country_code, c.primary_source, c.categories, c.description, s.match_method "
        "FROM core.companies AS c JOIN core.company_source_ids AS s USING (company_id) "
        "WHERE s.source = 'mapped' AND s.source_key IN ('oryx chips', 'desert vision', 'lumiere ai') "
        "ORDER BY 1",
    ).rows()
    assert rows == [
        ("Desert Vision", "ARE", "mapped", [], None, "new"),  # named only by a PitchBook deal
        (
            "Lumière AI",
            "FRA",
            "mapped",
            ["Artificial Intelligence", "Health"],
            "Generative models for radiology",
            "new",
        ),
        (
            "Oryx Chips",
            "ARE",
            "mapped",
            ["Artificial Intelligence", "Semiconductors"],
            "AI inference chips",
            "new",
        ),
    ]


def test_mapped_rounds_are_funding_rounds(mapped_run):
    rounds = query(
        mapped_run.db,
        "SELECT c.name, r.round_key, r.stage, round(r.amount_usd) AS usd "
        "FROM core.funding_rounds AS r JOIN core.companies AS c USING (company_id) "
        "WHERE r.round_key LIKE 'mapped:%' AND c.name = 'Oryx Chips' ORDER BY r.funded_on",
    ).rows()
    # 1,200 EUR millions at the tiny ECB history's last rate before 2023-09-11 (2021-01-04)
    assert rounds[0][2:] == ("undisclosed", round(1.2e9 * 1.2296))
    assert rounds[1] == ("Oryx Chips", "mapped:98765-43t", "late", 20e6)
    total = query(
        mapped_run.db, "SELECT count(*) FROM core.funding_rounds WHERE round_key LIKE 'mapped:%'"
    ).item()
    assert total == 7  # every staged mapped round


def test_mapped_investors_are_edges_with_their_round_and_lead(mapped_run):
    edges = query(
        mapped_run.db,
        "SELECT i.investor_name, c.name AS company, i.round_key, i.is_lead, i.match_method "
        "FROM core.investments AS i JOIN core.companies AS c USING (company_id) "
        "WHERE i.source = 'mapped' AND c.name IN ('Oryx Chips', 'Desert Vision') "
        "AND i.round_key IS NOT NULL ORDER BY 1",
    ).rows()
    assert edges == [
        ("Gulf Capital Partners", "Oryx Chips", "mapped:98765-43t", True, "source_key"),
        # named by the deal's investors and by an investments row: one edge, the row's
        ("Jane Angel", "Desert Vision", "mapped:11111-11t", False, "source_key"),
        ("Mubadala Capital", "Oryx Chips", "mapped:98765-43t", True, "source_key"),
        ("Sequoia Capital", "Oryx Chips", "mapped:98765-43t", False, "source_key"),
    ]
    # an investor of the edges file and of a mapped investments row is one investor
    gulf = query(
        mapped_run.db,
        "SELECT n_investments, n_matched_companies FROM core.investors "
        "WHERE name_norm = 'gulf capital partners'",
    ).rows()
    assert gulf == [(4, 4)]  # three tiny edges (Lumen AI, Sable Health, Dune Retail) + Oryx Chips
    sources = dict(
        query(mapped_run.db, "SELECT source, count(*) FROM core.investments GROUP BY ALL").rows()
    )
    # 10 investors named by 6 mapped rounds, less Jane Angel's (an investments row names her in
    # that round), plus the 3 investments rows staged
    assert sources == {"investor_edges": len(tiny.EDGES), "mapped": 12}


def test_mapped_companies_are_classified_and_shortlisted(mapped_run):
    """Their categories and tagline feed the taxonomy; their HQ country, the lanes."""
    verticals = dict(
        query(
            mapped_run.db,
            "SELECT c.name, t.vertical_by_categories FROM core.company_taxonomy AS t "
            "JOIN core.companies AS c USING (company_id) WHERE c.primary_source = 'mapped'",
        ).rows()
    )
    assert verticals["Oryx Chips"] == "ai_semiconductors"
    assert verticals["Lumière AI"] == "sector_applications"
    assert verticals["Paris Pay"] is None  # FinTech, no AI signal
    lanes = set(
        query(
            mapped_run.db,
            "SELECT name, lane FROM marts.weekly_shortlist WHERE name IN ('Oryx Chips', 'Lumière AI')",
        ).rows()
    )
    assert lanes == {("Oryx Chips", "uae"), ("Lumière AI", "france")}


def _fingerprint(home: Path) -> str:
    return hashlib.sha256((home / "dealflow.duckdb").read_bytes()).hexdigest()


def _broken_run(mapped_run, tmp_path: Path, edit) -> tuple[str, Path, str]:
    """A run on a copy of the home with its sources YAML edited by `edit` (written beside the
    good one, as a user would edit it): (problems, home, the replica's fingerprint before)."""
    home = tmp_path / "home"
    shutil.copytree(mapped_run.home, home)
    before = _fingerprint(home)
    spec = yaml.safe_load(yaml.safe_dump(mapped_run.spec))
    edit(spec)
    sources = mapped_run.folder / f"{tmp_path.name}.yaml"
    sources.write_text(yaml.safe_dump(spec, sort_keys=False))
    con = duckdb.connect(str(home / "pipeline.duckdb"))
    try:  # the home's runs read this file
        con.execute("UPDATE meta.runs SET sources = ?", [str(sources)])
    finally:
        con.close()
    result = run_week(sources, home, AS_OF, raise_on_error=False, settings=SETTINGS)
    assert not result.success
    return "\n".join(run_problems(result)), home, before


def test_mapping_a_missing_column_stops_the_run_and_changes_nothing(mapped_run, tmp_path):
    def rename(spec):
        spec["mapped_exports"][1]["columns"]["stage"] = "STAGE OF ROUND"

    problems, home, before = _broken_run(mapped_run, tmp_path, rename)
    assert "dealroom_rounds.csv" in problems
    assert "key 'columns.stage' names column 'STAGE OF ROUND'" in problems, problems
    assert _fingerprint(home) == before


def test_an_unknown_entity_stops_the_run_and_changes_nothing(mapped_run, tmp_path):
    def unknown(spec):
        spec["mapped_exports"][2]["entity"] = "deals"

    problems, home, before = _broken_run(mapped_run, tmp_path, unknown)
    assert (
        "mapped_exports[2] (pitchbook_deals.csv): key 'entity': unknown entity 'deals'" in problems
    )
    assert _fingerprint(home) == before
