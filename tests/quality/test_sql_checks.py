"""Past `gx_max_rows`, expectations are counted in DuckDB: every case here is validated both ways
(GX on the whole frame, and SQL with gx_max_rows=0) and must give the same verdict, counts and
offending rows."""

import math
from datetime import date

import polars as pl
import pytest

from quality.conditions import gx_condition, sql_condition
from quality.parameters import standard_parameters
from quality.runner import validate_table
from quality.spec import SuiteError, parse_suite

TODAY = date(2026, 11, 26)
PARAMS = standard_parameters(today=TODAY, week=date(2026, 11, 23)) | {
    "shortlist_rows": 3,
    "declared_min_rows": 1,
    "declared_max_rows": None,
}


def lineage(n: int) -> dict:
    return {"_source_file": ["f.csv"] * n, "_source_row": list(range(1, n + 1))}


def between(column: str, low, high, **extra) -> dict:
    return {
        "type": "expect_column_values_to_be_between",
        "column": column,
        "min_value": low,
        "max_value": high,
        **extra,
    }


CASES = {
    "unique": (
        [{"type": "expect_column_values_to_be_unique", "column": "company_id"}],
        {"company_id": ["a", "b", "a", None, "c", "c", "c"]},
    ),
    "not_null": (
        [{"type": "expect_column_values_to_not_be_null", "column": "company_id"}],
        {"company_id": ["a", None, None, "b"]},
    ),
    "between_with_nan_and_null": (
        [between("score", 0, 1)],
        {"score": [0.2, 1.3, float("nan"), None, -0.1, 1.0]},
    ),
    "strict_bounds": (
        [between("amount", 0, 1.0e12, strict_max=True), between("x", 0, None, strict_min=True)],
        {"amount": [0.0, 1e12, -1.0, 5.0], "x": [0, 1, 2, -3]},
    ),
    "dates_and_parameters": (
        [between("funded_on", date(1900, 1, 1), {"$PARAMETER": "today"})],
        {"funded_on": [date(2015, 1, 1), date(2914, 1, 1), None, date(1899, 12, 31), TODAY]},
    ),
    "vocabularies": (
        [
            {
                "type": "expect_column_values_to_be_in_set",
                "column": "country_code",
                "value_set": {"$PARAMETER": "iso3166_alpha3"},
            },
            {
                "type": "expect_column_values_to_be_in_set",
                "column": "stage",
                "value_set": ["seed", "series_a"],
                "severity": "warning",
            },
        ],
        {"country_code": ["FRA", "XXX", None, "FR"], "stage": ["seed", "mezz", "seed", None]},
    ),
    "compound_key_with_nulls": (
        [{"type": "expect_compound_columns_to_be_unique", "column_list": ["source", "key"]}],
        {
            "source": ["epoch", "epoch", "cb", None, None, "epoch", "epoch", "cb"],
            "key": ["k", "k", "k", None, None, None, None, "j"],
        },
    ),
    "pair": (
        [
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "column_A": "as_of",
                "column_B": "last_round_on",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            }
        ],
        {
            "as_of": [date(2015, 12, 9)] * 3 + [None],
            "last_round_on": [date(2015, 12, 10), date(2015, 12, 9), None, date(2020, 1, 1)],
        },
    ),
    # GX's default keeps a row with one missing value, and it fails; "neither" keeps them all
    "pair_with_missing_values": (
        [
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "column_A": "last_on",
                "column_B": "first_on",
                "or_equal": True,
            },
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "column_A": "total",
                "column_B": "part",
                "ignore_row_if": "neither",
            },
        ],
        {
            "last_on": [date(2015, 1, 2), None, date(2015, 1, 1), None, date(2014, 1, 1)],
            "first_on": [date(2015, 1, 1), date(2015, 1, 1), None, None, date(2015, 1, 1)],
            "total": [5.0, 3.0, None, None, 2.5],
            "part": [4.0, 3.0, 1.0, None, 2.0],
        },
    ),
    "row_condition": (
        [
            {
                "type": "expect_column_values_to_be_null",
                "column": "p",
                "row_condition": {"column": "in_population", "op": "==", "value": False},
            },
            {
                "type": "expect_column_values_to_not_be_null",
                "column": "code",
                "row_condition": {"column": "raw", "op": "is_not_null"},
            },
        ],
        {
            "in_population": [True, False, False, None],
            "p": [0.4, 0.2, None, 0.1],
            "raw": ["x", None, "y", "z"],
            "code": ["FRA", None, None, "USA"],
        },
    ),
    # every operator, on text with NULLs and floats with NaN: pandas' rules for missing values
    "row_condition_operators": (
        [
            {
                "type": "expect_column_values_to_not_be_null",
                "column": "code",
                "row_condition": {"column": column, "op": op, "value": value},
            }
            for column, op, value in [
                ("lane", "==", "fr"),
                ("lane", "!=", "fr"),
                ("lane", "in", ["fr", "ae"]),
                ("lane", "not_in", ["fr"]),
                ("lane", "is_null", None),
                ("score", ">", 0.5),
                ("score", "<=", 0.5),
                ("score", "!=", 0.5),
                ("score", "is_not_null", None),
                ("n", ">=", {"$PARAMETER": "shortlist_rows"}),
            ]
        ],
        {
            "lane": ["fr", "ae", None, "fr", "us", None],
            "score": [0.7, float("nan"), 0.2, None, 0.5, 0.9],
            "n": [1, 3, None, 5, 2, 4],
            "code": [None, None, None, None, None, "x"],
        },
    ),
    "table_level": (
        [
            {"type": "expect_table_row_count_to_equal", "value": {"$PARAMETER": "shortlist_rows"}},
            {
                "type": "expect_table_row_count_to_be_between",
                "min_value": {"$PARAMETER": "declared_min_rows"},
                "max_value": {"$PARAMETER": "declared_max_rows"},
            },
            {"type": "expect_column_to_exist", "column": "permalink"},
            {"type": "expect_column_to_exist", "column": "rank"},
            between("rank", 1, {"$PARAMETER": "rows"}),
            {
                "type": "expect_column_distinct_values_to_contain_set",
                "column": "currency",
                "value_set": ["EUR", "USD"],
            },
        ],
        {"rank": [1, 2, 4, 3], "currency": ["EUR", "EUR", "AED", None]},
    ),
    "mostly": (
        [
            {"type": "expect_column_values_to_not_be_null", "column": "a", "mostly": 0.8},
            {"type": "expect_column_values_to_not_be_null", "column": "b", "mostly": 0.8},
        ],
        {"a": ["x"] * 9 + [None], "b": ["x"] * 7 + [None] * 3},
    ),
    "missing_column": ([between("score", 0, 1)], {"other": [1.0]}),
    "all_good": (
        [
            {"type": "expect_column_values_to_be_unique", "column": "k"},
            {"type": "expect_column_values_to_not_be_null", "column": "k"},
            between("v", 0, 1),
        ],
        {"k": ["a", "b", "c"], "v": [0.0, 0.5, 1.0]},
    ),
}


def load(con, data: dict) -> None:
    n = len(next(iter(data.values())))
    frame = pl.DataFrame({**data, **lineage(n)}, strict=False)
    con.register("_frame", frame.to_arrow())
    con.execute("CREATE OR REPLACE TABLE q.x AS SELECT * FROM _frame")
    con.unregister("_frame")


def suite(expectations: list[dict], **extra):
    body = {"table": "q.x", "asset": "q/x", "row_id": ["_source_row"], **extra}
    return parse_suite({**body, "expectations": expectations}, "test.yaml")


def same(gx, sql) -> None:
    assert sql.expectation == gx.expectation
    where = gx.description
    assert sql.success == gx.success, where
    assert sql.unexpected_count == gx.unexpected_count, where
    assert (sql.error is None) == (gx.error is None), (where, gx.error, sql.error)
    if gx.unexpected_count is not None:
        assert sql.element_count == gx.element_count, where
        assert math.isclose(sql.unexpected_percent or 0, gx.unexpected_percent or 0), where
    if isinstance(gx.observed_value, int | list):
        assert sql.observed_value == gx.observed_value, where
    rows = lambda o: o.offending_rows.to_dicts() if o.offending_rows is not None else []  # noqa: E731
    assert rows(sql) == rows(gx), where


@pytest.mark.parametrize("case", list(CASES))
def test_sql_twin_agrees_with_gx(con, case):
    expectations, data = CASES[case]
    load(con, data)
    s = suite(expectations)
    gx = validate_table(con, s, PARAMS)
    sql = validate_table(con, s, PARAMS, gx_max_rows=0)
    assert gx.method == "GX on every row" and sql.method.startswith("SQL in DuckDB on all")
    assert sql.rows == gx.rows
    for g, q in zip(gx.outcomes, sql.outcomes, strict=True):
        same(g, q)
    if case != "all_good":
        assert not all(o.success for o in sql.outcomes)  # each case holds a violation


def test_referential_integrity_and_partition(con):
    con.execute("CREATE TABLE q.companies AS SELECT unnest(['c1', 'c2']) AS company_id")
    load(
        con,
        {
            "week_start": [date(2026, 11, 16)] * 2 + [date(2026, 11, 23)] * 4,
            "company_id": ["c1", "c9", "c1", "c9", None, "c8"],
            "total_score": [0.5, 0.5, 1.3, 0.2, 0.1, 0.4],
        },
    )
    s = suite(
        [
            {
                "type": "expect_column_values_to_be_in_table",
                "column": "company_id",
                "table": "q.companies",
            },
            between("total_score", 0, 1),
        ],
        partition_column="week_start",
    )
    for week in (date(2026, 11, 16), date(2026, 11, 23)):
        gx = validate_table(con, s, PARAMS, week)
        sql = validate_table(con, s, PARAMS, week, gx_max_rows=1)
        assert sql.rows == gx.rows and sql.method.startswith("SQL")
        for g, q in zip(gx.outcomes, sql.outcomes, strict=True):
            same(g, q)
    orphans = sql.outcomes[0]
    assert orphans.unexpected_count == 2 and orphans.sample_values == ["c9", "c8"]


@pytest.mark.parametrize("order_by", [["rank"], []])
def test_expectation_without_sql_twin_runs_in_gx_on_a_sample(con, order_by):
    load(con, {"rank": list(range(1, 11)), "rationale": ["ok"] * 8 + [" ", ""]})
    con.execute("CREATE TABLE q.ranks AS SELECT unnest(range(1, 11)) AS rank")
    s = suite(
        [
            {"type": "expect_column_values_to_match_regex", "column": "rationale", "regex": r"\S"},
            {"type": "expect_column_values_to_be_unique", "column": "rank"},
            {"type": "expect_column_values_to_be_in_table", "column": "rank", "table": "q.ranks"},
        ],
        order_by=order_by,
    )
    everything = validate_table(con, s, PARAMS, gx_max_rows=5)
    regex, unique, ranks = everything.outcomes
    assert ranks.success and ranks.element_count == 10
    assert "GX on a sample of 5 of 10 rows" in regex.description
    assert regex.element_count == 5 and unique.element_count == 10 and unique.success
    assert everything.method.endswith("GX on a sample of 5 rows for 1 expectation(s)")
    assert validate_table(con, s, PARAMS, gx_max_rows=10).method == "GX on every row"
    shown = regex.offending_rows["rationale"] if regex.offending_rows is not None else []
    assert regex.unexpected_count == len(shown)  # what the sample holds of the 2 blank ones


def test_one_condition_gives_both_forms():
    """A suite's row condition is data: GX gets GX Core's condition object, DuckDB a predicate,
    and both are built from the same `Condition`s (no text is parsed)."""
    from great_expectations.expectations.row_conditions import AndCondition, Column

    (e,) = suite(
        [
            {
                "type": "expect_column_values_to_not_be_null",
                "column": "rank",
                "row_condition": [
                    {"column": "lane", "op": "!=", "value": "portfolio"},
                    {"column": "score", "op": ">=", "value": {"$PARAMETER": "floor"}},
                ],
            }
        ]
    ).expectations
    assert e.condition_columns == ["lane", "score"] and e.parameters == {"floor"}
    params = {"floor": 0.5}
    assert e.describe(params) == '`rank` not null where `lane` != "portfolio" and `score` >= 0.5'
    assert gx_condition(e.where, params) == AndCondition(
        conditions=[Column("lane") != "portfolio", Column("score") >= 0.5]
    )
    types = {"lane": "VARCHAR", "score": "DOUBLE"}
    assert sql_condition(e.where, types, params) == (
        """("lane" IS NULL OR "lane" <> 'portfolio') AND """
        """(NOT ("score" IS NULL OR isnan("score")) AND "score" >= 0.5)"""
    )


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("lane != 'portfolio'", "must be a mapping"),
        ({"column": "lane", "op": "<>", "value": "x"}, "op must be one of"),
        ({"column": "lane", "op": "==", "value": None}, "value must be a number"),
        ({"column": "lane", "op": "is_null", "value": 1}, "value must be no value"),
        ({"column": "lane", "op": "in", "value": "x"}, "value must be a list"),
        ({"column": "lane", "op": "==", "value": 1, "or": 2}, "unknown key"),
    ],
)
def test_malformed_row_conditions_name_the_file(condition, message):
    expectation = {"type": "expect_column_values_to_be_null", "column": "a"}
    with pytest.raises(SuiteError, match=message) as err:
        suite([expectation | {"row_condition": condition}])
    assert "test.yaml" in str(err.value) and "expectation #1" in str(err.value)
