"""The GX runner on small frames: each expectation kind passes on good data and fails on bad data
with the right unexpected count and the offending rows (row id + value)."""

from datetime import date

import duckdb
import pandas as pd
import polars as pl
import pytest

from quality.parameters import standard_parameters
from quality.runner import fetch_frame, frame_query, validate_frame, validate_table
from quality.spec import CRITICAL, WARNING, parse_suite

TODAY = date(2026, 11, 26)
PARAMS = standard_parameters(today=TODAY, week=date(2026, 11, 23))


def suite(*expectations: dict, row_id=("_source_file", "_source_row"), **extra):
    return parse_suite(
        {
            "table": "t.x",
            "asset": "t/x",
            "row_id": list(row_id),
            **extra,
            "expectations": list(expectations),
        },
        "test.yaml",
    )


def lineage(n: int) -> dict:
    return {"_source_file": ["f.csv"] * n, "_source_row": list(range(1, n + 1))}


def only(outcome):
    assert len(outcome.outcomes) == 1
    return outcome.outcomes[0]


def offending(o) -> list[dict]:
    return o.offending_rows.to_dicts() if o.offending_rows is not None else []


def test_unique_passes_then_reports_both_duplicates():
    s = suite({"type": "expect_column_values_to_be_unique", "column": "company_id"})
    good = pl.DataFrame({"company_id": ["a", "b", "c"], **lineage(3)})
    assert only(validate_frame(s, good, PARAMS)).success
    bad = pl.DataFrame({"company_id": ["a", "b", "a", None], **lineage(4)})
    o = only(validate_frame(s, bad, PARAMS))
    assert not o.success and o.unexpected_count == 2
    assert offending(o) == [
        {"_source_file": "f.csv", "_source_row": 1, "company_id": "a"},
        {"_source_file": "f.csv", "_source_row": 3, "company_id": "a"},
    ]


def test_not_null_counts_missing_keys():
    s = suite({"type": "expect_column_values_to_not_be_null", "column": "company_id"})
    assert only(validate_frame(s, pl.DataFrame({"company_id": ["a"], **lineage(1)}))).success
    o = only(validate_frame(s, pl.DataFrame({"company_id": ["a", None, None], **lineage(3)})))
    assert not o.success and o.unexpected_count == 2
    assert [r["_source_row"] for r in offending(o)] == [2, 3]
    assert offending(o)[0]["company_id"] is None


def test_score_out_of_range():
    s = suite(
        {
            "type": "expect_column_values_to_be_between",
            "column": "score",
            "min_value": 0,
            "max_value": 1,
        }
    )
    assert only(
        validate_frame(s, pl.DataFrame({"score": [0.0, 0.5, 1.0, None], **lineage(4)}))
    ).success
    o = only(validate_frame(s, pl.DataFrame({"score": [0.2, 1.3, -0.1], **lineage(3)})))
    assert not o.success and o.unexpected_count == 2
    assert [r["score"] for r in offending(o)] == [1.3, -0.1]


def test_amount_bound_is_strict():
    s = suite(
        {
            "type": "expect_column_values_to_be_between",
            "column": "amount_usd",
            "min_value": 0,
            "max_value": 1.0e12,
            "strict_max": True,
        }
    )
    assert only(validate_frame(s, pl.DataFrame({"amount_usd": [0.0, 999e9], **lineage(2)}))).success
    o = only(validate_frame(s, pl.DataFrame({"amount_usd": [5.0, 1e12, -1.0], **lineage(3)})))
    assert o.unexpected_count == 2 and [r["_source_row"] for r in offending(o)] == [2, 3]


def test_dates_between_1900_and_today_parameter():
    s = suite(
        {
            "type": "expect_column_values_to_be_between",
            "column": "funded_on",
            "min_value": date(1900, 1, 1),
            "max_value": {"$PARAMETER": "today"},
        }
    )
    good = pl.DataFrame({"funded_on": [date(1900, 1, 1), TODAY, None], **lineage(3)})
    assert only(validate_frame(s, good, PARAMS)).success
    bad = pl.DataFrame(
        {"funded_on": [date(2015, 1, 1), date(2914, 1, 1), date(1899, 12, 31)], **lineage(3)}
    )
    o = only(validate_frame(s, bad, PARAMS))
    assert o.unexpected_count == 2
    assert [r["funded_on"] for r in offending(o)] == [date(2914, 1, 1), date(1899, 12, 31)]
    assert "$today=2026-11-26" in o.description


def test_unknown_country_stage_and_currency():
    s = suite(
        {
            "type": "expect_column_values_to_be_in_set",
            "column": "country_code",
            "value_set": {"$PARAMETER": "iso3166_alpha3"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "column": "stage",
            "value_set": {"$PARAMETER": "stages"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "column": "currency",
            "value_set": {"$PARAMETER": "iso4217"},
        },
    )
    good = pl.DataFrame(
        {
            "country_code": ["FRA", "ARE", None],
            "stage": ["seed", "series_a", "late"],
            "currency": ["EUR", "AED", "FRF"],
            **lineage(3),
        }
    )
    assert validate_frame(s, good, PARAMS).passed()
    bad = pl.DataFrame(
        {
            "country_code": ["FRA", "XXX", "FR"],
            "stage": ["mezzanine", "seed", "seed"],
            "currency": ["EUR", "EUR", "XYZ"],
            **lineage(3),
        }
    )
    country, stage, currency = validate_frame(s, bad, PARAMS).outcomes
    assert country.unexpected_count == 2 and [r["country_code"] for r in offending(country)] == [
        "XXX",
        "FR",
    ]
    assert stage.unexpected_count == 1 and offending(stage) == [
        {"_source_file": "f.csv", "_source_row": 1, "stage": "mezzanine"}
    ]
    assert currency.unexpected_count == 1 and offending(currency)[0]["currency"] == "XYZ"


def test_compound_key():
    s = suite(
        {"type": "expect_compound_columns_to_be_unique", "column_list": ["source", "source_key"]},
        row_id=["company_id"],
    )
    good = pl.DataFrame(
        {"company_id": ["c1", "c2"], "source": ["crunchbase", "epoch"], "source_key": ["k", "k"]}
    )
    assert only(validate_frame(s, good)).success
    bad = pl.DataFrame(
        {
            "company_id": ["c1", "c2", "c3"],
            "source": ["epoch", "epoch", "crunchbase"],
            "source_key": ["k", "k", "k"],
        }
    )
    o = only(validate_frame(s, bad))
    assert o.unexpected_count == 2 and [r["company_id"] for r in offending(o)] == ["c1", "c2"]


def test_nothing_dated_after_as_of():
    s = suite(
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "column_A": "as_of",
            "column_B": "last_round_on",
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        row_id=["company_id"],
    )
    as_of = date(2015, 12, 9)
    good = pl.DataFrame(
        {
            "company_id": ["a", "b", "c"],
            "as_of": [as_of] * 3,
            "last_round_on": [as_of, date(2015, 1, 1), None],
        }
    )
    assert only(validate_frame(s, good)).success
    bad = pl.DataFrame(
        {
            "company_id": ["a", "b"],
            "as_of": [as_of] * 2,
            "last_round_on": [date(2015, 12, 10), as_of],
        }
    )
    o = only(validate_frame(s, bad))
    assert o.unexpected_count == 1
    assert offending(o) == [
        {"company_id": "a", "as_of": as_of, "last_round_on": date(2015, 12, 10)}
    ]


def test_row_condition_limits_the_rows_checked():
    s = suite(
        {
            "type": "expect_column_values_to_be_null",
            "column": "p",
            "row_condition": {"column": "in_population", "op": "==", "value": False},
        },
        row_id=["company_id"],
    )
    good = pl.DataFrame(
        {"company_id": ["a", "b"], "in_population": [True, False], "p": [0.4, None]}
    )
    assert only(validate_frame(s, good)).success
    bad = pl.DataFrame(
        {
            "company_id": ["a", "b", "c"],
            "in_population": [True, False, False],
            "p": [0.4, 0.2, None],
        }
    )
    o = only(validate_frame(s, bad))
    assert o.unexpected_count == 1
    assert offending(o) == [{"company_id": "b", "p": 0.2, "in_population": False}]


def test_row_count_and_ranks_with_parameters():
    s = suite(
        {"type": "expect_table_row_count_to_equal", "value": {"$PARAMETER": "shortlist_rows"}},
        {
            "type": "expect_column_values_to_be_between",
            "column": "rank",
            "min_value": 1,
            "max_value": {"$PARAMETER": "rows"},
        },
        {"type": "expect_column_values_to_be_unique", "column": "rank"},
        {"type": "expect_column_values_to_be_decreasing", "column": "total_score"},
        row_id=["rank"],
    )
    good = pl.DataFrame({"rank": [1, 2, 3], "total_score": [0.9, 0.8, 0.8]})
    assert validate_frame(s, good, {"shortlist_rows": 3}).passed()
    bad = pl.DataFrame({"rank": [1, 2, 4], "total_score": [0.9, 0.7, 0.8]})
    size, rank, unique, order = validate_frame(s, bad, {"shortlist_rows": 25}).outcomes
    assert not size.success and size.observed_value == 3 and "25" in size.description
    assert rank.unexpected_count == 1 and offending(rank) == [{"rank": 4}]
    assert unique.success
    assert not order.success and offending(order)[0]["rank"] == 4


def test_raw_structure_declared_and_undeclared():
    s = suite(
        {"type": "expect_column_to_exist", "column": "permalink"},
        {
            "type": "expect_table_row_count_to_be_between",
            "min_value": {"$PARAMETER": "declared_min_rows"},
            "max_value": {"$PARAMETER": "declared_max_rows"},
        },
    )
    empty = pl.DataFrame(
        schema={"permalink": pl.String, "_source_file": pl.String, "_source_row": pl.Int64}
    )
    undeclared = {"declared_min_rows": 0, "declared_max_rows": 0}
    declared = {"declared_min_rows": 1, "declared_max_rows": None}
    assert validate_frame(s, empty, undeclared).passed()
    exists, count = validate_frame(s, empty, declared).outcomes
    assert exists.success and not count.success and count.observed_value == 0
    renamed = pl.DataFrame({"Permalink": ["/organization/a"], **lineage(1)})
    exists, count = validate_frame(s, renamed, declared).outcomes
    assert not exists.success and "permalink" in exists.error and count.success


def test_blank_rationale():
    s = suite(
        {"type": "expect_column_values_to_match_regex", "column": "rationale", "regex": r"\S"},
        row_id=["rank"],
    )
    assert only(
        validate_frame(s, pl.DataFrame({"rank": [1], "rationale": ["Thesis fit 0.8"]}))
    ).success
    o = only(validate_frame(s, pl.DataFrame({"rank": [1, 2, 3], "rationale": ["ok", " ", ""]})))
    assert o.unexpected_count == 2 and [r["rank"] for r in offending(o)] == [2, 3]


def test_mostly_tolerates_a_share_of_failures():
    s = suite(
        {"type": "expect_column_values_to_not_be_null", "column": "company_id", "mostly": 0.8}
    )
    assert only(
        validate_frame(s, pl.DataFrame({"company_id": ["a"] * 9 + [None], **lineage(10)}))
    ).success
    o = only(validate_frame(s, pl.DataFrame({"company_id": ["a"] * 7 + [None] * 3, **lineage(10)})))
    assert not o.success and o.unexpected_count == 3


def test_missing_column_is_a_failure_with_a_clear_error():
    s = suite(
        {
            "type": "expect_column_values_to_be_between",
            "column": "score",
            "min_value": 0,
            "max_value": 1,
        }
    )
    o = only(validate_frame(s, pl.DataFrame({"other": [1.0]})))
    assert not o.success and o.error == "missing column(s) ['score']"


def test_severity_splits_blocking_from_warnings():
    s = suite(
        {"type": "expect_column_values_to_not_be_null", "column": "company_key"},
        {
            "type": "expect_column_values_to_be_in_set",
            "column": "status",
            "value_set": ["operating"],
            "severity": "warning",
        },
    )
    outcome = validate_frame(
        s, pl.DataFrame({"company_key": ["a"], "status": ["zombie"], **lineage(1)})
    )
    assert outcome.passed(CRITICAL) and not outcome.passed(WARNING)
    assert [o.description for o in outcome.failed(WARNING)] == ["`status` in {operating}"]


def test_pandas_input_and_whole_table_no_sampling():
    """A single violation at the end of a larger frame is found (GX validates every row)."""
    n = 20_000
    frame = pd.DataFrame({"score": [0.5] * (n - 1) + [1.3], **lineage(n)})
    s = suite(
        {
            "type": "expect_column_values_to_be_between",
            "column": "score",
            "min_value": 0,
            "max_value": 1,
        }
    )
    o = only(validate_frame(s, frame))
    assert o.element_count == n and o.unexpected_count == 1
    assert offending(o) == [{"_source_file": "f.csv", "_source_row": n, "score": 1.3}]


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE core.companies AS SELECT * FROM (VALUES ('c1'), ('c2')) AS t(company_id)"
    )
    con.execute(
        "CREATE TABLE core.funding_rounds AS SELECT * FROM (VALUES "
        "('r1', 'c1', DATE '2015-01-01', 'f.csv', 1), ('r2', 'c9', DATE '2015-02-01', 'f.csv', 2), "
        "('r3', NULL, DATE '2015-03-01', 'f.csv', 3)) AS t(round_key, company_id, funded_on, _source_file, _source_row)"
    )
    con.execute(
        "CREATE TABLE core.history AS SELECT * FROM (VALUES "
        "(DATE '2026-11-16', 'a', 0.5), (DATE '2026-11-23', 'a', 1.3), (DATE '2026-11-23', 'b', 0.2)) AS t(week_start, company_id, total_score)"
    )
    yield con
    con.close()


def test_orphan_round_found_through_duckdb(con):
    s = suite(
        {
            "type": "expect_column_values_to_be_in_table",
            "column": "company_id",
            "table": "core.companies",
        },
        table="core.funding_rounds",
    )
    frame = fetch_frame(con, s)
    assert list(frame.columns) == [
        "_source_file",
        "_source_row",
        "company_id",
        s.expectations[0].flag_column,
    ]
    assert isinstance(frame.loc[0, "_source_row"].item(), int)
    o = only(validate_frame(s, frame))
    assert not o.success and o.unexpected_count == 1  # the NULL company_id is not an orphan
    assert offending(o) == [{"_source_file": "f.csv", "_source_row": 2, "company_id": "c9"}]
    assert o.description == "`company_id` exists in `core.companies.company_id`"


def test_fetch_reads_only_the_suite_columns_and_the_partition(con):
    s = suite(
        {
            "type": "expect_column_values_to_be_between",
            "column": "total_score",
            "min_value": 0,
            "max_value": 1,
        },
        table="core.history",
        row_id=["company_id"],
        partition_column="week_start",
    )
    sql, params = frame_query(s, ["week_start", "company_id", "total_score"], date(2026, 11, 16))
    assert 'week_start" = ?' in sql and params == [date(2026, 11, 16)]
    assert validate_table(con, s, PARAMS, date(2026, 11, 16)).passed()
    outcome = validate_table(con, s, PARAMS, date(2026, 11, 23))
    assert outcome.rows == 2 and offending(outcome.outcomes[0]) == [
        {"company_id": "a", "total_score": 1.3}
    ]
    frame = fetch_frame(con, s, date(2026, 11, 23))
    assert list(frame.columns) == ["company_id", "total_score"]  # week_start not needed
    assert isinstance(
        fetch_frame(
            con,
            suite(
                {"type": "expect_column_to_exist", "column": "funded_on"},
                table="core.funding_rounds",
                row_id=[],
            ),
        ).loc[0, "funded_on"],
        date,
    )
