"""Checks on empty tables and tiny ones: an expectation such as `rank` in [1, $rows] with rows=0
holds on an empty table (there is no row to violate it) in GX and in the SQL twin alike, a check
on no row passes and says the table is empty (and why, when the asset said), and only a row count
that asks for rows fails."""

from datetime import date

import dagster as dg
import polars as pl
import pytest

from assets.investors.assets import FUND_COLUMNS
from assets.investors.checks import fund_shortlist_parameters
from quality.checks import run_suites, suite_results
from quality.parameters import standard_parameters
from quality.runner import validate_table
from quality.spec import load_suite, parse_suite, suites_for_asset
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import write_frame

WEEK = date(2026, 11, 23)
PARAMS = standard_parameters(today=date(2026, 11, 26), week=WEEK)
# gx_max_rows: GX on every row; SQL in DuckDB on every row (-1: even on no row, which the pipeline
# validates in GX since its gx_max_rows is never negative)
GX, SQL = None, -1


def rank_range(**extra) -> dict:
    return {
        "type": "expect_column_values_to_be_between",
        "column": "rank",
        "min_value": 1,
        "max_value": {"$PARAMETER": "rows"},
        **extra,
    }


SUITE = parse_suite(
    {
        "table": "q.x",
        "asset": "q/x",
        "row_id": ["rank"],
        "expectations": [
            rank_range(),
            {"type": "expect_column_values_to_be_unique", "column": "rank"},
            {"type": "expect_column_values_to_not_be_null", "column": "rank"},
            {"type": "expect_column_values_to_be_decreasing", "column": "score"},
            {"type": "expect_column_values_to_match_regex", "column": "why", "regex": "^F"},
            {"type": "expect_compound_columns_to_be_unique", "column_list": ["rank", "why"]},
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "column_A": "score",
                "column_B": "floor",
                "or_equal": True,
            },
            {"type": "expect_table_row_count_to_equal", "value": {"$PARAMETER": "rows"}},
        ],
    },
    "test.yaml",
)
SCHEMA = {"rank": pl.Int64, "score": pl.Float64, "floor": pl.Float64, "why": pl.String}


def load(con, frame: pl.DataFrame) -> None:
    write_frame(con, "q.x", frame)


@pytest.mark.parametrize("gx_max_rows", [GX, SQL], ids=["gx", "sql"])
def test_every_expectation_holds_on_an_empty_table(con, gx_max_rows):
    load(con, pl.DataFrame(schema=SCHEMA))
    outcome = validate_table(con, SUITE, PARAMS, gx_max_rows=gx_max_rows)
    assert outcome.rows == 0
    assert outcome.method.startswith("GX" if gx_max_rows is GX else "SQL")
    for o in outcome.outcomes:
        assert o.success and o.error is None, (o.description, o.error)
    rank = outcome.outcomes[0]
    assert rank.description == (
        "`rank` in [1, $rows=0] (an empty range: met when no row has a value)"
    )


@pytest.mark.parametrize("gx_max_rows", [GX, SQL], ids=["gx", "sql"])
def test_an_empty_range_fails_on_every_value_and_ignores_nulls(con, gx_max_rows):
    """The same expectation on rows whose parameter leaves no admissible value (here
    `shortlist_rows` = 0 while rows are present): each non-null value is unexpected, with GX's
    usual counts and offending rows, instead of GX's "min_value cannot be greater than
    max_value" error."""
    suite = parse_suite(
        {
            "table": "q.x",
            "asset": "q/x",
            "row_id": ["rank"],
            "expectations": [rank_range(max_value={"$PARAMETER": "shortlist_rows"})],
        }
    )
    load(con, pl.DataFrame({"rank": [1, None, 2]}, schema={"rank": pl.Int64}))
    (o,) = validate_table(
        con, suite, PARAMS | {"shortlist_rows": 0}, gx_max_rows=gx_max_rows
    ).outcomes
    assert not o.success and o.error is None
    assert o.element_count == 3 and o.unexpected_count == 2
    assert o.offending_rows.to_dicts() == [{"rank": 1}, {"rank": 2}]
    (fine,) = validate_table(
        con, suite, PARAMS | {"shortlist_rows": 2}, gx_max_rows=gx_max_rows
    ).outcomes
    assert fine.success and "empty range" not in fine.description


def test_strict_bounds_on_one_value_are_an_empty_range():
    e = parse_suite(
        {"table": "q.x", "asset": "q/x", "expectations": [rank_range(strict_max=True)]}
    ).expectations[0]
    assert e.empty_range({"rows": 1}) and not e.empty_range({"rows": 2})
    assert not e.empty_range(None) and not e.empty_range({})  # unresolved: not known to be empty


def test_check_on_no_row_passes_and_says_why(con):
    load(con, pl.DataFrame(schema=SCHEMA))
    outcome = validate_table(con, SUITE, PARAMS)
    (result,) = suite_results(outcome, WEEK, "no investor edges declared in the sources")
    assert result.passed
    assert result.description == (
        "no rows in `q.x` for the week of 2026-11-23 (no investor edges declared in the sources): "
        "nothing to violate, all 8 expectations met"
    )
    assert result.metadata["empty_reason"].value == "no investor edges declared in the sources"
    assert result.metadata["rows_validated"].value == 0


def test_a_row_count_that_asks_for_rows_still_fails_on_no_row(con):
    load(con, pl.DataFrame(schema=SCHEMA))
    suite = parse_suite(
        {
            "table": "q.x",
            "asset": "q/x",
            "expectations": [{"type": "expect_table_row_count_to_equal", "value": 1}],
        }
    )
    (result,) = suite_results(validate_table(con, suite, PARAMS), None, None)
    assert not result.passed
    assert result.description.startswith("no rows in `q.x`: 1 of 1 expectations failed")


def test_fund_shortlist_checks_on_a_week_without_funds(tmp_path):
    """The run seen on the real data as of today: no fund that week, so `fund_shortlist_rows` is
    0 and `rank` in [1, 0]; the blocking check passes, the warning says the list is short."""
    sources = tmp_path / "sources.yaml"
    sources.write_text("crunchbase:\n  companies: companies.csv\n")
    settings = DealflowSettings(home=str(tmp_path / "home"), sources=str(sources))
    warehouse = Warehouse(settings=settings)
    dates = {"week_start", "as_of", "last_investment_on"}
    text = {"investor_id", "name", "rationale", "country_code", "fund_reason", "scoring_version"}
    schema = {
        c: pl.Date if c in dates else pl.String if c in text else pl.Float64 for c in FUND_COLUMNS
    }
    scores = pl.DataFrame(
        {
            "week_start": [WEEK],
            "is_fund": [False],
            "fund_reason": ["not a fund: x"],
            "country_code": ["FRA"],
            "n_fra_companies": [1],
            "n_are_companies": [0],
            "fra_coinvestors": [[]],
            "are_coinvestors": [[]],
        },
        schema_overrides={
            "fra_coinvestors": pl.List(pl.String),
            "are_coinvestors": pl.List(pl.String),
        },
    )
    with warehouse.connect() as c:
        write_frame(c, "marts.fund_shortlist", pl.DataFrame(schema=schema))
        write_frame(c, "marts.investor_scores_history", scores)
    with warehouse.connect() as c:  # as the check runs in the week's partition
        suites = suites_for_asset("marts/fund_shortlist")
        found = run_suites(c, settings, suites, WEEK.isoformat(), fund_shortlist_parameters)
    results = {r.check_name: r for r in found}
    blocking, warning = results["fund_shortlist_well_formed"], results["fund_shortlist_warnings"]
    assert blocking.passed, blocking.metadata["failed"].value
    assert blocking.description.startswith("no rows in `marts.fund_shortlist`")
    assert "`rank` in [1, $fund_shortlist_rows=0] (an empty range" in (
        blocking.metadata["results"].value
    )
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert "row count = $fund_shortlist_size=75: observed 0" in warning.description


def test_every_suite_validates_its_empty_table(con):
    """No suite errors on an empty table: each table is created empty with the columns the suite
    names (as text, dates where a date parameter bounds them), and every expectation that does
    not ask for rows holds."""
    from quality.spec import SUITES_DIR

    for path in sorted(SUITES_DIR.glob("*.yaml")):
        suite = load_suite(path)
        for table in {suite.table, *(e.reference[0] for e in suite.expectations if e.is_reference)}:
            schema, name = table.split(".")
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            names = [*suite.columns, *([suite.partition_column] if suite.partition_column else [])]
            columns = ", ".join(f'"{c}" VARCHAR' for c in dict.fromkeys(names)) or '"_x" VARCHAR'
            con.execute(f'CREATE OR REPLACE TABLE {schema}."{name}" ({columns})')
        for reference in {e.reference for e in suite.expectations if e.is_reference}:
            t, c = reference
            con.execute(f'ALTER TABLE {t} ADD COLUMN IF NOT EXISTS "{c}" VARCHAR')
        params = PARAMS | {
            "crunchbase_snapshot_date": None,
            "crunchbase_bulk_snapshot_date": None,
            "declared_min_rows": 0,
            "declared_max_rows": 0,
            "shortlist_size": 25,
            "shortlist_rows": 0,
            "fund_shortlist_size": 25,
            "fund_shortlist_rows": 0,
            "lanes": ["france", "uae", "bridge"],
            "eligible_listed": [],
            "fund_lanes": ["france", "uae", "international"],
        }
        outcome = validate_table(con, suite, params, WEEK, gx_max_rows=100_000)
        assert outcome.method == "GX on every row"
        for o in outcome.outcomes:
            asks_for_rows = o.expectation.type.startswith("expect_table_row_count") or (
                o.expectation.type == "expect_column_distinct_values_to_contain_set"
            )
            assert o.error is None, (path.name, o.description, o.error)
            assert o.success or asks_for_rows, (path.name, o.description)
