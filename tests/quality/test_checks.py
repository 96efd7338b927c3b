"""Checks built by the factory, invoked directly on a small broken warehouse: they fail with
metadata naming the expectation, the number of rows and a few offending rows."""

import gc
from datetime import date

import dagster as dg
import polars as pl
import pytest

from assets.core.checks import core_checks
from assets.scoring.checks import COMPANY_SCORES
from assets.shortlist.checks import shortlist_checks
from quality.checks import suite_checks
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import write_frame

WEEK = date(2026, 11, 23)
AS_OF = date(2026, 11, 26)


@pytest.fixture
def warehouse(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("crunchbase:\n  companies: companies.csv\n  snapshot_date: 2026-10-31\n")
    settings = DealflowSettings(home=str(tmp_path / "home"), sources=str(sources))
    return settings, Warehouse(settings=settings)


def write(warehouse, **tables: pl.DataFrame):
    with warehouse[1].connect() as con:
        for name, frame in tables.items():
            write_frame(con, name.replace("__", "."), frame)


def run(checks_def, warehouse) -> dict[str, dg.AssetCheckResult]:
    settings, wh = warehouse
    results = list(checks_def(dg.build_asset_check_context(), settings=settings, warehouse=wh))
    # a direct invocation tears its resources down only when its context is collected: collect
    # now, so the warehouse's writer lock is free for the next call (else it waits for it)
    gc.collect()
    return {r.check_name: r for r in results}


def md(result, key):
    return result.metadata[key].value


def lineage(n):
    return {"_source_file": ["rounds.csv"] * n, "_source_row": list(range(1, n + 1))}


def test_core_companies_check_reports_duplicates_unknown_codes_and_orphans(warehouse):
    write(
        warehouse,
        core__companies=pl.DataFrame(
            {
                "company_id": ["C1", "C2", "C2"],
                "primary_source": ["crunchbase"] * 3,
                "country_code": ["FRA", "XXX", "ARE"],
                "founded_on": [date(2010, 1, 1)] * 3,
            }
        ),
        core__company_source_ids=pl.DataFrame(
            {"company_id": ["C1"], "source": ["crunchbase"], "source_key": ["/organization/a"]}
        ),
        core__funding_rounds=pl.DataFrame(
            {
                "round_key": ["r1", "r2", "r3"],
                "company_id": ["C1", "C9", "C2"],
                "funded_on": [date(2015, 1, 1)] * 3,
                "stage": ["seed", "seed", "mezzanine"],
                "amount_usd": [1e6, 2e6, None],
                "amount_eur": [0.9e6, 1.8e6, None],
                **lineage(3),
            }
        ),
        core__company_exits=pl.DataFrame(
            {"company_id": ["C1"], "exit_type": ["ipo"], "exited_on": [date(2016, 1, 1)]}
        ),
        core__company_acquisitions_made=pl.DataFrame(
            {
                "company_id": ["C1"],
                "acquisition_key": ["k"],
                "acquired_on": [date(2016, 1, 1)],
                "price_usd": [1.0],
                "price_eur": [1.0],
            }
        ),
        core__company_models=pl.DataFrame(
            {
                "company_id": ["C1"],
                "model_name": ["m"],
                "published_on": [date(2020, 1, 1)],
                "training_compute_flop": [1e20],
            }
        ),
    )
    # the checks of the tables `core/companies` and `core/funding_rounds` write (each its asset)
    tables = ("companies", "company_source_ids", "company_acquisitions_made", "company_models")
    names = {f"gx_core__{t}" for t in (*tables, "funding_rounds", "company_exits")}
    results = {}
    for checks in [c for c in core_checks if c.node_def.name in names]:
        results |= run(checks, warehouse)
    assert {k for k, r in results.items() if r.passed} == {
        "company_source_ids_expectations",
        "company_exits_expectations",
        "company_acquisitions_made_expectations",
        "company_models_expectations",
    }

    companies = results["companies_expectations"]
    assert companies.severity == dg.AssetCheckSeverity.ERROR
    assert md(companies, "failed_expectations") == 2
    assert "`company_id` unique: 2 row(s)" in md(companies, "failed")
    assert "`country_code` in $iso3166_alpha3 (249 values): 1 row(s)" in md(companies, "failed")
    assert "| C2 | XXX |" in md(companies, "offending_rows")
    assert md(companies, "rows_validated") == 3
    assert md(companies, "suite") == "quality/suites/core.companies.yaml"

    rounds = results["funding_rounds_expectations"]
    failed = md(rounds, "failed")
    assert "`company_id` exists in `core.companies.company_id`: 1 row(s)" in failed
    assert "`stage` in $stages (15 values): 1 row(s)" in failed
    assert "| rounds.csv | 2 | C9 |" in md(rounds, "offending_rows")
    assert "| rounds.csv | 3 | mezzanine |" in md(rounds, "offending_rows")
    assert md(rounds, "unexpected_rows") == 2


def test_scores_check_flags_a_score_above_one_in_the_latest_week(warehouse):
    def week(start, score):
        return pl.DataFrame(
            {
                "week_start": [start] * 2,
                "as_of": [start] * 2,
                "company_id": ["C1", "C2"],
                "name": ["Alpha", "Beta"],
                "total_score": [0.4, score],
                "score_rank": [2, 1],
                "thesis_fit": [0.5, 0.5],
                "momentum": [0.1, 0.2],
                "in_population": [False, True],
                "success_probability": [None, 0.3],
            }
        )

    write(
        warehouse,
        marts__company_scores_history=pl.concat([week(date(2026, 11, 16), 0.9), week(WEEK, 1.3)]),
    )
    (result,) = run(suite_checks(COMPANY_SCORES)[0], warehouse).values()
    assert not result.passed and result.check_name == "company_scores_expectations"
    assert md(result, "table") == "marts.company_scores_history WHERE week_start = 2026-11-23"
    assert "`total_score` in [0, 1]: 1 row(s)" in md(result, "failed")
    assert "| C2 | Beta | 1.3 |" in md(result, "offending_rows")
    # columns the table lacks are reported, not silently skipped
    assert "missing column(s) ['vertical']" in md(result, "failed")


def test_shortlist_size_and_warning_checks(warehouse):
    scores = pl.DataFrame(
        {
            "week_start": [WEEK] * 4,
            "company_id": ["C1", "C2", "C3", "C4"],
            "vertical": ["generative_models"] * 4,
            "exited": [False] * 4,
            "closed": [False] * 4,
            "country_code": ["FRA", "FRA", "ARE", "USA"],  # C4: in no lane
            "countries": [[], [], [], []],
            "fra_investors": [[], [], [], []],
            "are_investors": [[], [], [], []],
        },
        schema_overrides={
            "countries": pl.List(pl.String),
            "fra_investors": pl.List(pl.String),
            "are_investors": pl.List(pl.String),
        },
    )
    shortlist = pl.DataFrame(
        {
            "week_start": [WEEK] * 2,
            "lane": ["france", "mars"],
            "lane_rank": [1, 1],
            "rank": [1, 2],
            "company_id": ["C1", "C2"],
            "name": ["Alpha", "Beta"],
            "total_score": [0.8, 0.7],
            "rationale": ["Thesis fit 0.8", " "],
            "vertical": ["generative_models"] * 2,
            "as_of": [AS_OF] * 2,
        }
    )
    write(warehouse, marts__company_scores_history=scores, marts__weekly_shortlist=shortlist)
    results = run(shortlist_checks[0], warehouse)
    blocking, warning = results["shortlist_well_formed"], results["shortlist_warnings"]
    assert not blocking.passed and blocking.severity == dg.AssetCheckSeverity.ERROR
    assert "row count = $shortlist_rows=3: observed 2" in md(blocking, "failed")
    assert "`lane` in $lanes (4 values): 1 row(s)" in md(blocking, "failed")
    assert "`rationale` matches /\\S/: 1 row(s)" in md(blocking, "failed")
    assert "| mars | 1 | C2 | Beta |" in md(blocking, "offending_rows")
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert "row count = $shortlist_size=75: observed 2" in md(warning, "failed")


def test_shortlist_check_applies_the_shortlist_rules(warehouse):
    """A listed company that the shortlist's rules keep out (exited, closed, no vertical) fails
    the blocking check, by the same predicate the shortlist applies."""
    ids = ["C1", "C2", "C3", "C4"]
    scores = pl.DataFrame(
        {
            "week_start": [WEEK] * 4,
            "company_id": ids,
            "vertical": ["generative_models"] * 3 + [None],
            "exited": [False, True, False, False],
            "closed": [False, False, None, False],
            "country_code": ["FRA"] * 4,
            "countries": [[]] * 4,
            "fra_investors": [[]] * 4,
            "are_investors": [[]] * 4,
        },
        schema_overrides={
            "vertical": pl.String,
            "closed": pl.Boolean,
            "countries": pl.List(pl.String),
            "fra_investors": pl.List(pl.String),
            "are_investors": pl.List(pl.String),
        },
    )
    shortlist = pl.DataFrame(
        {
            "week_start": [WEEK] * 3,
            "lane": ["france"] * 3,
            "lane_rank": [1, 2, 3],
            "rank": [1, 2, 3],
            "company_id": ["C1", "C2", "C3"],  # C2 exited: not eligible; C3 (closed NULL) is
            "name": ["Alpha", "Beta", "Gamma"],
            "total_score": [0.8, 0.7, 0.6],
            "rationale": ["Thesis fit 0.8"] * 3,
            "vertical": ["generative_models"] * 3,
            "as_of": [AS_OF] * 3,
        }
    )
    write(warehouse, marts__company_scores_history=scores, marts__weekly_shortlist=shortlist)
    blocking = run(shortlist_checks[0], warehouse)["shortlist_well_formed"]
    assert not blocking.passed
    failed = md(blocking, "failed")
    assert "`company_id` in $eligible_listed (2 values): 1 row(s)" in failed, failed
    assert "| france | 2 | C2 | Beta |" in md(blocking, "offending_rows")
    # two eligible in the lane (C1, C3), three listed
    assert "row count = $shortlist_rows=2: observed 3" in failed


def test_raw_check_knows_declared_from_undeclared_sources(warehouse):
    empty = pl.DataFrame(
        schema={
            "permalink": pl.String,
            "name": pl.String,
            "_source_file": pl.String,
            "_source_row": pl.Int64,
        }
    )
    rounds = pl.DataFrame(
        schema={
            "company_permalink": pl.String,
            "funded_at": pl.String,
            "_source_file": pl.String,
            "_source_row": pl.Int64,
        }
    )
    write(warehouse, raw__crunchbase_companies=empty, raw__crunchbase_rounds=rounds)
    (declared,) = run(suite_checks("raw/crunchbase_companies")[0], warehouse).values()
    assert not declared.passed
    assert "row count in [$declared_min_rows=1, $declared_max_rows=+∞]: observed 0" in md(
        declared, "failed"
    )
    (undeclared,) = run(suite_checks("raw/crunchbase_rounds")[0], warehouse).values()
    assert undeclared.passed, md(undeclared, "failed")


def test_missing_table_fails_the_check_with_the_reason(warehouse):
    (result,) = run(suite_checks("ref/round_stage_map")[0], warehouse).values()
    assert not result.passed and "cannot read ref.round_stage_map" in result.description


def test_snapshot_date_warning_shows_source_rows(warehouse):
    companies = pl.DataFrame(
        {
            "company_key": ["/organization/a", "/organization/b"],
            "name": ["A", "B"],
            "country_raw": ["FRA", None],
            "country_code": ["FRA", None],
            "status": ["operating", "operating"],
            "founded_on": [date(2020, 1, 1), date(2026, 11, 2)],
            "funding_total_usd_reported": [1.0, None],
            "_source_file": ["companies.csv"] * 2,
            "_source_row": [1, 2],
        }
    )
    write(warehouse, staging__companies=companies)
    results = run(suite_checks("staging/companies")[0], warehouse)
    assert results["companies_expectations"].passed
    warning = results["companies_warnings"]
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert "$crunchbase_snapshot_date=2026-10-31" in md(warning, "failed")
    assert "| companies.csv | 2 | 2026-11-02 |" in md(warning, "offending_rows")
