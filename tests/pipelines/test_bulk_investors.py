"""A weekly run with the Crunchbase bulk export's investors and investments beside the tiny
sources (tiny_sources.py): the bulk files stage (an orphan investment quarantined), their
investments join core.investments by id with their lead flags, an investor named in both sources
is one investor with the provider's types, and those types, not the names, decide the fund rule.
One weekly run on tiny files (seconds)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.helpers import query, run_week
from tests.pipelines import tiny_sources as tiny
from tests.pipelines.test_source_subsets import SETTINGS, assert_no_check_failed

AS_OF = date(2026, 11, 4)
WEEK = date(2026, 11, 2)
ORG = "7d1e0f4a-1111-4000-8000-00000000000{}"

BULK = {  # file -> (header, rows)
    "organizations": (
        ["uuid", "name", "domain", "homepage_url", "country_code", "category_list", "founded_on"],
        [
            (
                ORG.format(1),
                "Lumen AI",
                "lumen-ai.example",
                "http://www.lumen-ai.example",
                "FRA",
                "Artificial Intelligence,Generative AI",
                "2019-03-01",
            ),
        ],
    ),
    "funding_rounds": (
        [
            "uuid",
            "org_uuid",
            "investment_type",
            "announced_on",
            "raised_amount_usd",
            "lead_investor_uuids",
        ],
        [("fr-1", ORG.format(1), "series_b", "2026-06-20", "60000000", "inv-gulf")],
    ),
    "investors": (
        ["uuid", "name", "investor_types", "country_code"],
        [
            ("inv-gulf", "Gulf Capital Partners", "corporate_venture_capital", "ARE"),
            ("inv-jane", "Jane Angel", "venture_capital", "GBR"),
            ("inv-new", "Orchard Street", "venture_capital,micro_vc", "FRA"),
        ],
    ),
    "investments": (
        [
            "uuid",
            "funding_round_uuid",
            "investor_uuid",
            "investor_name",
            "investor_type",
            "is_lead_investor",
        ],
        [
            ("iv-1", "fr-1", "inv-gulf", "Gulf Capital Partners", "organization", "false"),
            ("iv-2", "fr-1", "inv-new", "Orchard Street", "organization", "true"),
            ("iv-3", "fr-404", "inv-jane", "Jane Angel", "person", "false"),  # orphan round
        ],
    ),
}


def write_bulk_sources(folder: Path) -> Path:
    """The tiny sources plus the bulk files, declared under `crunchbase_bulk:`."""
    path = tiny.write_sources(folder)
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    tree["crunchbase_bulk"] = {}
    for name, (header, rows) in BULK.items():
        file = folder / "bulk" / f"{name}.csv"
        file.parent.mkdir(parents=True, exist_ok=True)
        with file.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
        tree["crunchbase_bulk"][name] = f"bulk/{name}.csv"
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bulk_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulk")
    home = folder / "home"
    result = run_week(
        write_bulk_sources(folder / "sources"), home, AS_OF, raise_on_error=False, settings=SETTINGS
    )
    return result, home / "dealflow.duckdb"


def test_run_succeeds_and_the_orphan_investment_is_quarantined(bulk_run):
    result, replica = bulk_run
    assert result.success
    assert_no_check_failed(result)
    staged = query(replica, "SELECT investor_key, is_lead FROM staging.bulk_investments ORDER BY 1")
    assert staged.rows() == [("inv-gulf", False), ("inv-new", True)]
    orphan = query(
        replica,
        "SELECT source_row, raw_value, reason FROM meta.quarantine WHERE source = 'bulk_investments'",
    )
    assert orphan.rows() == [(3, "fr-404", "orphan: funding round not in funding_rounds")]


def test_bulk_investments_join_by_id_with_their_leads(bulk_run):
    _, replica = bulk_run
    rows = query(
        replica,
        "SELECT investor_name, round_key, funded_on, round_amount_usd, is_lead, investor_type "
        "FROM core.investments WHERE source = 'crunchbase_bulk' ORDER BY 1",
    )
    assert rows.rows() == [
        # not flagged, but the round names it as its lead
        ("Gulf Capital Partners", "fr-1", date(2026, 6, 20), 60e6, True, "organization"),
        ("Orchard Street", "fr-1", date(2026, 6, 20), 60e6, True, "organization"),
    ]
    methods = query(
        replica,
        "SELECT DISTINCT match_method FROM core.investments WHERE source = 'crunchbase_bulk'",
    )["match_method"].to_list()
    assert set(methods) <= {"id", "no_match"}  # 'id' once the organisation is a company


def test_one_investor_per_name_and_types_decide_the_fund_rule(bulk_run):
    _, replica = bulk_run
    investors = {
        r["name"]: r
        for r in query(
            replica,
            "SELECT name, investor_types, n_investments, n_lead_investments, country_code, "
            "country_source FROM core.investors",
        ).iter_rows(named=True)
    }
    gulf = investors["Gulf Capital Partners"]  # edges and the bulk export: one investor
    assert gulf["investor_types"] == ["corporate_venture_capital"]
    assert (gulf["n_investments"], gulf["n_lead_investments"]) == (4, 1)
    assert investors["Orchard Street"]["country_source"] == "provider"
    assert investors["Seine Ventures"]["investor_types"] == []  # edges only
    reasons = dict(
        query(
            replica,
            "SELECT name, fund_reason FROM marts.investor_scores WHERE week_start = ?",
            [WEEK],
        ).rows()
    )
    assert reasons["Gulf Capital Partners"] == "not a fund: investor type corporate_venture_capital"
    # typed venture capital: no longer "name says 'angel'" (the orphan left its types behind)
    assert reasons["Jane Angel"] == "not a fund: fewer than 5 portfolio companies"
    assert reasons["Rhein Growth Fund"] == "not a fund: fewer than 5 portfolio companies"
