"""The suite files: they load, use real GX expectation types and known parameters, cover every
raw and staged table and the marts, and name columns that exist in the tables a sample run writes."""

import duckdb
import pytest

from assets.ingest.assets import RAW_TABLES
from assets.staging.assets import STAGED
from quality.parameters import PARAMETERS, iso4217, standard_parameters
from quality.spec import IN_TABLE, SuiteError, load_suites, parse_suite
from transforms.sources import SOURCE_KINDS

SUITES = load_suites()
LINEAGE = ["_source_file", "_source_row"]


def test_suites_cover_raw_staged_and_marts():
    tables = {s.table for s in SUITES}
    assert {f"raw.{t}" for t in RAW_TABLES} <= tables
    assert {f"staging.{t}" for t in STAGED} <= tables
    assert {"marts.company_scores_history", "marts.weekly_shortlist", "core.companies"} <= tables
    assert len({s.name for s in SUITES}) == len(SUITES)


def test_every_type_is_a_gx_expectation_and_builds():
    import great_expectations as gx

    from quality.runner import gx_expectation

    for s in SUITES:
        for e in s.expectations:
            if e.type != IN_TABLE:
                camel = "".join(p.capitalize() for p in e.type.split("_"))
                assert hasattr(gx.expectations, camel), (s.path, e.type)
            gx_expectation(e)  # kwargs accepted by the GX class


def test_parameters_are_declared_and_resolvable():
    for s in SUITES:
        assert s.parameters <= set(PARAMETERS), (s.path, s.parameters - set(PARAMETERS))
    params = standard_parameters()
    assert {"FRA", "ARE", "USA"} <= set(params["iso3166_alpha3"]) and "XXX" not in params[
        "iso3166_alpha3"
    ]
    assert {"EUR", "USD", "AED", "FRF"} <= set(iso4217())
    assert "undisclosed" in params["stages"] and "mezzanine" not in params["stages"]
    assert set(params["verticals"]) == {
        "generative_models",
        "sector_applications",
        "ai_semiconductors",
    }


def test_raw_suites_require_what_staging_needs():
    for name, kind in RAW_TABLES.items():
        (s,) = [s for s in SUITES if s.table == f"raw.{name}"]
        assert s.source == kind and s.asset == f"raw/{name}"
        exist = [e.kwargs["column"] for e in s.expectations if e.type == "expect_column_to_exist"]
        assert exist == [*SOURCE_KINDS[kind].required, *LINEAGE]


def test_blocking_and_warning_expectations_are_split():
    staged = {s.name: s for s in SUITES}
    assert all(e.severity == "critical" for e in staged["raw.crunchbase_rounds"].expectations)
    warnings = [e.describe() for e in staged["staging.companies"].by_severity("warning")]
    assert "`status` in {operating, acquired, closed, ipo}" in warnings
    assert staged["marts.weekly_shortlist"].check == "shortlist_well_formed"


@pytest.mark.parametrize(
    ("expectation", "message"),
    [
        (
            {"type": "expect_column_values_to_be_between", "column": "a", "max_value": "1e12"},
            "YAML reads 1e12 as text",
        ),
        (
            {"type": "expect_column_values_to_be_unique", "column": "a", "severity": "fatal"},
            "severity",
        ),
        ({"type": "column_values_to_be_unique", "column": "a"}, "GX expectation name"),
        ({"type": IN_TABLE, "column": "a"}, "needs `column` and `table`"),
    ],
)
def test_malformed_expectations_name_the_file(expectation, message):
    with pytest.raises(SuiteError, match=message) as err:
        parse_suite({"table": "t.x", "asset": "t/x", "expectations": [expectation]}, "bad.yaml")
    assert "bad.yaml" in str(err.value)


def test_unknown_suite_key_is_rejected():
    with pytest.raises(SuiteError, match="unknown key"):
        parse_suite(
            {"table": "t", "asset": "a", "expectation": [], "expectations": [{"type": "expect_x"}]}
        )


def test_suite_columns_exist_in_the_sample_run(pipeline_run):
    """Every column, row id, partition column and referenced table.column a suite names exists in
    the pipeline's own database after a run on the sample."""
    con = duckdb.connect(str(pipeline_run.home / "pipeline.duckdb"), read_only=True)
    try:
        columns = {}
        for schema, table, column in con.sql(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns()"
        ).fetchall():
            columns.setdefault(f"{schema}.{table}", set()).add(column)
    finally:
        con.close()
    for s in SUITES:
        assert s.table in columns, s.path
        have = columns[s.table]
        named = [c for e in s.expectations for c in e.columns]
        named += [*s.row_id, *s.order_by, *([s.partition_column] if s.partition_column else [])]
        assert not set(named) - have, (s.path, set(named) - have)
        for e in s.expectations:
            conditions = set(e.condition_columns) - {"False", "True", "notnull", "isnull"}
            assert conditions <= have, (s.path, conditions - have)
            if e.is_reference:
                table, column = e.reference
                assert column in columns.get(table, set()), (s.path, table, column)
