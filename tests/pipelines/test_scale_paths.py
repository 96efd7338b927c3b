"""The SQL-side paths used at scale agree with the in-memory ones, on the published run.

Floats are compared to a relative 1e-9: DuckDB's parallel `avg` (investor_exit_rate) may differ
in the last bit from one run of the same query to the next."""

import shutil

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transforms.features import (
    SHARED_CTES,
    create_features_table,
    data_end,
    extent_as_of,
    feature_extent,
    feature_params,
    features_as_of,
    features_sql,
    materialize_shared,
    population_as_of,
)


@pytest.fixture(scope="module")
def con(pipeline_run, tmp_path_factory):
    copy = tmp_path_factory.mktemp("scale_paths") / "replica.duckdb"
    shutil.copy(pipeline_run.replica, copy)
    connection = duckdb.connect(str(copy))
    yield connection
    connection.close()


def test_features_table_holds_the_features_frame(con, pipeline_run):
    frame = features_as_of(con, pipeline_run.as_of)
    rows = create_features_table(con, "marts._f", pipeline_run.as_of)
    table = con.sql("SELECT * FROM marts._f ORDER BY company_id").pl()
    assert rows == frame.height > 0
    assert_frame_equal(table, frame, rtol=1e-9)
    assert data_end(feature_extent(con, "marts._f")) == data_end(frame) is not None


def test_population_is_filtered_and_capped_in_sql(con, pipeline_run):
    cutoff = pipeline_run.as_of.replace(year=pipeline_run.as_of.year - 3)
    frame = features_as_of(con, cutoff).filter(pl.col("in_population"))
    assert frame.height > 40
    assert_frame_equal(population_as_of(con, cutoff), frame, rtol=1e-9)
    assert_frame_equal(population_as_of(con, cutoff, limit=10**9), frame, rtol=1e-9)
    capped = population_as_of(con, cutoff, limit=40)
    assert capped.height == 40 and capped["company_id"].is_sorted()
    # the lowest-hashing 40 of the population, each row as the whole query computes it, though
    # only their rows were computed
    lowest = con.sql(
        "SELECT company_id FROM frame ORDER BY hash(company_id), company_id LIMIT 40"
    ).pl()["company_id"]
    assert set(capped["company_id"]) == set(lowest)
    expected = frame.filter(pl.col("company_id").is_in(lowest.implode()))
    assert_frame_equal(capped, expected, rtol=1e-9)
    again = population_as_of(con, cutoff, limit=40)
    assert capped["company_id"].equals(again["company_id"])  # the same sample every time


def test_data_extent_is_read_without_computing_rows(con, pipeline_run):
    for as_of in (pipeline_run.as_of, pipeline_run.as_of.replace(year=pipeline_run.as_of.year - 3)):
        for usable in (False, True):
            frame = features_as_of(con, as_of, usable)
            extent = extent_as_of(con, as_of, usable)
            assert extent.columns == ["last_round_on", "exited_on"] and extent.height == 1
            assert extent.row(0) == (frame["last_round_on"].max(), frame["exited_on"].max())
            assert data_end(extent) == data_end(frame)


def test_features_of_named_subjects_equal_the_whole_querys_rows(con, pipeline_run):
    whole = features_as_of(con, pipeline_run.as_of, True)
    some = whole["company_id"].gather_every(7)
    con.register("_some", pl.DataFrame({"company_id": some}).to_arrow())
    rows = con.sql(
        f"{features_sql(subjects='_some')} ORDER BY company_id",
        params=feature_params(pipeline_run.as_of, True, subjects="_some"),
    ).pl()
    assert rows.height == len(some)
    assert_frame_equal(rows, whole.filter(pl.col("company_id").is_in(some.implode())), rtol=1e-9)


def test_features_read_from_shared_tables_equal_the_whole_query(con, pipeline_run):
    """The shared CTEs (facts known at as_of, market statistics) materialized once and read by
    the feature SQL give the rows the whole query gives, for every company and for subjects."""
    params = feature_params(pipeline_run.as_of, True)
    shared = materialize_shared(con, params)
    assert set(shared) == set(SHARED_CTES)
    text = features_sql(shared=shared)
    for name in SHARED_CTES:  # none of them is computed any more
        assert f"{name} AS (SELECT * FROM _shared_{name})" in text
    whole = features_as_of(con, pipeline_run.as_of, True)
    create_features_table(con, "_from_shared", pipeline_run.as_of, True, shared=shared)
    rows = con.sql("SELECT * FROM _from_shared ORDER BY company_id").pl()
    assert_frame_equal(rows, whole)
    some = whole["company_id"].gather_every(5)
    con.register("_some", pl.DataFrame({"company_id": some}).to_arrow())
    create_features_table(
        con,
        "_from_shared",
        pipeline_run.as_of,
        True,
        subjects="_some",
        shared=shared,
    )
    rows = con.sql("SELECT * FROM _from_shared ORDER BY company_id").pl()
    assert_frame_equal(rows, whole.filter(pl.col("company_id").is_in(some.implode())))


def check_results(con, run, tmp_path, gx_max_rows: int) -> dict:
    """Every suite whose table is in the replica, as run by the checks: name -> (passed,
    unexpected rows, failed expectations)."""
    from quality.checks import run_suites
    from quality.spec import load_suites
    from warehouse.resources import DealflowSettings

    settings = DealflowSettings(
        sources=str(run.sources), home=str(tmp_path), gx_max_rows=gx_max_rows
    )
    tables = {
        r[0]
        for r in con.sql("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()
    }
    suites = [s for s in load_suites() if s.table in tables]
    week = run.week.isoformat()
    out = {}
    for suite in suites:
        partition = week if suite.partition_column else None
        params = None
        if suite.asset == "marts/weekly_shortlist":
            from assets.shortlist.checks import shortlist_parameters as params
        if suite.asset == "marts/shortlist_changes":
            from assets.shortlist.checks import changes_parameters as params
        if suite.asset == "marts/fund_shortlist":
            from assets.investors.checks import fund_shortlist_parameters as params
        for r in run_suites(con, settings, [suite], partition, params):
            meta = r.metadata
            out[(suite.name, r.check_name)] = (
                r.passed,
                meta["unexpected_rows"].value,
                meta["failed"].value,
                meta["method"].value.split(" ")[0],
            )
    return out


def test_real_suites_give_the_same_verdicts_in_sql(pipeline_run, tmp_path):
    copy = tmp_path / "replica.duckdb"
    shutil.copy(pipeline_run.replica, copy)
    con = duckdb.connect(str(copy))
    # break a few things the suites guard
    con.execute("INSERT INTO core.companies SELECT * FROM core.companies LIMIT 2")
    con.execute("UPDATE core.funding_rounds SET amount_usd = -5 WHERE rowid < 3")
    con.execute("UPDATE core.funding_rounds SET company_id = 'nobody' WHERE rowid = 7")
    con.execute("UPDATE staging.rounds SET funded_on = NULL WHERE rowid IN (1, 2)")
    con.execute("UPDATE marts.company_scores_history SET total_score = 1.5 WHERE score_rank = 3")
    gx = check_results(con, pipeline_run, tmp_path, gx_max_rows=10**9)
    sql = check_results(con, pipeline_run, tmp_path, gx_max_rows=0)
    assert len(gx) > 20 and {v[3] for v in gx.values()} == {"GX"}
    # an empty table (the first week's changes) has no row past gx_max_rows=0: GX validates it
    from quality.spec import load_suites

    def rows(suite) -> int:
        where = f" WHERE {suite.partition_column} = ?" if suite.partition_column else ""
        params = [pipeline_run.week] if suite.partition_column else None
        return con.sql(f"SELECT count(*) FROM {suite.table}{where}", params=params).fetchall()[0][0]

    empty = {s.name for s in load_suites() if s.name in {k[0] for k in sql} and rows(s) == 0}
    assert {v[3] for k, v in sql.items() if k[0] not in empty} == {"SQL"}
    failed = {k for k, v in gx.items() if not v[0]}
    assert len(failed) >= 4
    for key in gx:
        assert sql[key][:2] == gx[key][:2], (key, gx[key], sql[key])
        assert sql[key][2] == gx[key][2]  # the same expectations failed, with the same counts
    con.close()


def test_out_of_memory_is_retried_on_one_thread():
    from transforms.features import one_thread_if_out_of_memory

    con = duckdb.connect(config={"threads": 2})
    seen = []

    def run():
        seen.append(con.sql("SELECT current_setting('threads')").fetchall()[0][0])
        if len(seen) == 1:
            raise duckdb.OutOfMemoryException("could not allocate block")
        return "done"

    assert one_thread_if_out_of_memory(con, run) == "done"
    assert seen == [2, 1]
    assert con.sql("SELECT current_setting('threads')").fetchall()[0][0] == 2
    with pytest.raises(duckdb.OutOfMemoryException):
        one_thread_if_out_of_memory(
            con, lambda: (_ for _ in ()).throw(duckdb.OutOfMemoryException("x"))
        )
