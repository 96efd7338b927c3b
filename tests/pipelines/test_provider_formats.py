"""The default sample in today's provider formats (a Crunchbase bulk export, a partner's mapped
Excel and CSV files, fund-performance disclosures), and a mixed run with the same universe in the
2015 open-export format declared beside them: every provider key lands, the same company or round
held by two providers counts once, and the shortlists still hold French and Emirati companies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.helpers import DEFAULT_SAMPLE_SOURCES, SAMPLE_SOURCES, query, run_week
from tests.pipelines.test_source_subsets import AS_OF, SETTINGS, assert_no_check_failed

NEW_KEYS = ("crunchbase_bulk", "mapped_exports", "fund_performance")


def _absolute(node: object, base: Path) -> object:
    """A sources YAML node with its file paths made absolute against `base`."""
    if isinstance(node, dict):
        return {
            k: v
            if k in {"snapshot_date", "entity", "columns", "amount_unit", "currency"}
            else (_absolute(v, base))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolute(v, base) for v in node]
    return str(base / node) if isinstance(node, str) else node


@pytest.fixture(scope="module")
def default_sample(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("default-sample") / "home"
    result = run_week(DEFAULT_SAMPLE_SOURCES, home, AS_OF, raise_on_error=False, settings=SETTINGS)
    assert result.success
    assert_no_check_failed(result)
    return home / "dealflow.duckdb"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """The 2015-format sample with the default sample's three new keys declared beside it."""
    folder = tmp_path_factory.mktemp("mixed")
    base = SAMPLE_SOURCES.parent.resolve()
    tree = _absolute(yaml.safe_load(SAMPLE_SOURCES.read_text(encoding="utf-8")), base)
    today = yaml.safe_load(DEFAULT_SAMPLE_SOURCES.read_text(encoding="utf-8"))
    tree |= {key: _absolute(today[key], base) for key in NEW_KEYS}
    sources = folder / "sources.yaml"
    sources.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    result = run_week(sources, folder / "home", AS_OF, raise_on_error=False, settings=SETTINGS)
    assert result.success
    assert_no_check_failed(result)
    return folder / "home" / "dealflow.duckdb"


def _one(db: Path, sql: str):
    return query(db, sql).row(0)


def test_the_default_sample_declares_the_three_new_keys():
    tree = yaml.safe_load(DEFAULT_SAMPLE_SOURCES.read_text(encoding="utf-8"))
    assert set(NEW_KEYS) <= set(tree) and "crunchbase" not in tree
    assert {"organizations", "funding_rounds", "investments", "investors", "funds"} <= set(
        tree["crunchbase_bulk"]
    )
    assert [m["entity"] for m in tree["mapped_exports"]] == ["companies", "rounds"]
    assert tree["mapped_exports"][0]["file"].endswith(".xlsx")


def test_every_row_of_each_format_is_accounted_for(default_sample):
    rows = query(
        default_sample,
        "SELECT source, rows_read, rows_staged, rows_quarantined, duplicates_collapsed, reconciled "
        "FROM meta.row_accounting",
    )
    assert rows["reconciled"].all()
    read = dict(zip(rows["source"], rows["rows_read"], strict=True))
    for source in ("bulk_organizations", "bulk_funding_rounds", "bulk_investments", "bulk_funds"):
        assert read[source] > 0, source
    assert read["mapped_companies"] > 0 and read["mapped_rounds"] > 0
    assert read["fund_performance"] > 0 and read["companies"] == 0  # no 2015 export declared
    # the sample's planted orphans are quarantined with the uuid column and the reason
    orphans = query(
        default_sample,
        "SELECT source, column_name, reason FROM meta.quarantine WHERE reason LIKE 'orphan:%'",
    )
    assert {"bulk_funding_rounds", "bulk_investments"} <= set(orphans["source"])
    assert set(orphans.filter(source="bulk_funding_rounds")["column_name"]) == {"org_uuid"}


def test_bulk_ids_join_and_mapped_companies_merge_or_stand_alone(default_sample):
    ids = query(
        default_sample,
        "SELECT source, match_method, count(*) AS n FROM core.company_source_ids GROUP BY ALL",
    )
    methods = {(r["source"], r["match_method"]): r["n"] for r in ids.iter_rows(named=True)}
    organizations = _one(
        default_sample,
        "SELECT count(*) FROM staging.bulk_organizations "
        "WHERE len(roles) = 0 OR list_contains(roles, 'company')",
    )[0]
    assert methods[("crunchbase_bulk", "uuid")] == organizations
    assert methods[("mapped", "domain")] > 0 and methods[("mapped", "new")] > 0
    by_method = query(
        default_sample,
        "SELECT source, match_method, count(*) AS n, count(*) FILTER (is_lead) AS leads "
        "FROM core.investments GROUP BY ALL",
    )
    bulk = by_method.filter(source="crunchbase_bulk")
    assert bulk["match_method"].to_list() == ["id"] and bulk["leads"][0] > 0
    assert set(by_method.filter(source="mapped")["match_method"]) == {"source_key"}


def test_a_round_two_providers_hold_counts_once(default_sample):
    # the partner's rounds file repeats the latest rounds of the companies it shares with the
    # bulk export: those are the bulk export's rounds, the others are the partner's own
    copies, kept = _one(
        default_sample,
        "SELECT count(*) FILTER (b.company_id IS NOT NULL), count(*) FILTER (b.company_id IS NULL) "
        "FROM staging.mapped_rounds AS m "
        "JOIN core.company_source_ids AS s ON s.source = 'mapped' AND s.source_key = m.company_key "
        "LEFT JOIN (SELECT DISTINCT company_id, funded_on FROM core.funding_rounds "
        "           WHERE round_key NOT LIKE 'mapped:%') AS b "
        "  ON b.company_id = s.company_id AND b.funded_on = m.funded_on",
    )
    assert copies > 0 and kept > 0
    assert (
        _one(
            default_sample,
            "SELECT count(*) FROM core.funding_rounds WHERE round_key LIKE 'mapped:%'",
        )[0]
        == kept
    )


def test_fund_performance_managers_are_matched_and_ranked(default_sample):
    managers, matched = _one(
        default_sample,
        "SELECT count(DISTINCT manager_norm), count(DISTINCT manager_norm) "
        "FILTER (investor_id IS NOT NULL) FROM core.fund_performance",
    )
    assert 0 < matched < managers  # the sample names a few managers no investor has
    ranked = _one(
        default_sample,
        "SELECT count(*), sum(n_ranked_funds) FROM marts.manager_track_record "
        f"WHERE week_start = DATE '{AS_OF.isoformat()}' - INTERVAL 2 DAY",
    )
    assert ranked[0] == managers and ranked[1] > 0


def test_the_shortlists_hold_french_and_emirati_companies_and_funds(default_sample):
    lanes = query(
        default_sample,
        "SELECT lane, count(*) AS n, count(*) FILTER (c.primary_source = 'mapped') AS partner "
        "FROM marts.weekly_shortlist AS w JOIN core.companies AS c USING (company_id) GROUP BY lane",
    )
    n = dict(zip(lanes["lane"], lanes["n"], strict=True))
    assert n["france"] > 0 and n["uae"] > 0
    assert lanes["partner"].sum() > 0  # a partner-only start-up reaches the list
    funds = query(default_sample, "SELECT lane, count(*) AS n FROM marts.fund_shortlist GROUP BY 1")
    assert {"france", "uae"} <= set(funds["lane"])


def test_the_mixed_run_holds_each_company_and_round_once(mixed, default_sample):
    merged = query(
        mixed,
        "SELECT match_method, count(*) AS n FROM core.company_source_ids "
        "WHERE source = 'crunchbase_bulk' GROUP BY ALL",
    )
    n = dict(zip(merged["match_method"], merged["n"], strict=True))
    # the same universe in two exports: nearly every bulk organisation is its 2015 company
    assert n.get("domain", 0) + n.get("name+country", 0) > 50 * n.get("uuid", 0)
    # one company more than the bulk-only sample per 2015 company left unmerged
    unmerged_2015 = _one(
        mixed,
        "SELECT count(*) FROM core.company_source_ids AS s WHERE s.source = 'crunchbase' AND "
        "s.company_id NOT IN (SELECT company_id FROM core.company_source_ids "
        "                     WHERE source = 'crunchbase_bulk')",
    )[0]
    companies = [
        _one(db, "SELECT count(*) FROM core.companies")[0] for db in (mixed, default_sample)
    ]
    assert companies[0] == companies[1] + unmerged_2015
    # no company-day holds a 2015 round beside a bulk round
    assert (
        _one(
            mixed,
            "SELECT count(*) FROM core.funding_rounds AS a JOIN core.funding_rounds AS b "
            "USING (company_id, funded_on) WHERE a._source_file LIKE '%rounds2%' "
            "AND b._source_file LIKE '%crunchbase_bulk%'",
        )[0]
        == 0
    )
    sources = set(query(mixed, "SELECT DISTINCT source FROM core.investments")["source"])
    assert sources == {"investor_edges", "crunchbase_bulk", "mapped"}
