"""The whole graph on the bundled sample, into a temporary DuckDB: replica, marts, idempotence."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl

from tests.conftest import SAMPLE_AS_OF
from tests.helpers import SAMPLE_SOURCES, query, run_week

WEEK = "2026-11-02"


def test_replica_holds_the_documented_tables(sample_run):
    replica = sample_run / "dealflow.duckdb"
    assert replica.exists() and not (sample_run / "dealflow.duckdb.tmp").exists()
    tables = set(
        query(replica, "SELECT schema_name || '.' || table_name AS t FROM duckdb_tables()")["t"]
    )
    for t in [
        "marts.company_scores",
        "marts.weekly_shortlist",
        "core.company_source_ids",
        "core.companies",
        "core.investors",
        "meta.quarantine",
        "meta.row_accounting",
    ]:
        assert t in tables
    assert "raw.crunchbase_companies" not in tables  # the replica publishes conformed data only
    comment = query(
        replica, "SELECT comment FROM duckdb_tables() WHERE table_name = 'weekly_shortlist'"
    )
    assert "shortlist" in comment["comment"][0]


def test_company_scores_contract(sample_run):
    scores = query(sample_run / "dealflow.duckdb", "SELECT * FROM marts.company_scores")
    for col in [
        "company_id",
        "name",
        "country_code",
        "vertical",
        "sector",
        "success_probability",
        "total_score",
        "score_rank",
        "as_of",
    ]:
        assert col in scores.columns
    assert scores["company_id"].is_unique().all()
    assert scores["as_of"].unique().to_list() == [SAMPLE_AS_OF]
    assert set(scores["vertical"].drop_nulls()) <= {
        "generative_models",
        "sector_applications",
        "ai_semiconductors",
    }
    assert set(scores["sector"].drop_nulls()) <= {
        "health",
        "financial_services",
        "software",
        "retail_distribution",
        "industry",
    }
    assert scores["success_probability"].drop_nulls().is_between(0, 1).all()
    assert scores["success_probability"].drop_nulls().len() > 100
    assert sorted(scores["score_rank"].to_list()) == list(range(1, scores.height + 1))
    assert scores.filter(pl.col("score_rank") == 1)["total_score"][0] == scores["total_score"].max()
    assert scores["country_code"].drop_nulls().str.len_chars().eq(3).all()
    assert {"FRA", "ARE"} <= set(scores["country_code"].drop_nulls())


def test_success_probability_only_for_the_population(sample_run):
    scores = query(
        sample_run / "dealflow.duckdb",
        "SELECT in_population, success_probability FROM marts.company_scores",
    )
    assert (
        scores.filter(~pl.col("in_population"))["success_probability"].null_count()
        == scores.filter(~pl.col("in_population")).height
    )
    assert scores.filter(pl.col("in_population"))["success_probability"].null_count() == 0


def test_weekly_shortlist(sample_run):
    shortlist = query(
        sample_run / "dealflow.duckdb", "SELECT * FROM marts.weekly_shortlist ORDER BY rank"
    )
    assert shortlist.height == 25
    assert shortlist["week_start"].unique().to_list() == [date(2026, 11, 2)]
    assert shortlist["rank"].to_list() == list(range(1, 26))
    assert shortlist["total_score"].is_sorted(descending=True)
    assert shortlist["rationale"].str.contains("Thesis fit").all()
    assert shortlist["vertical"].null_count() == 0
    csv = pl.read_csv(sample_run / "shortlists" / f"shortlist_{WEEK}.csv")
    assert csv["company_id"].to_list() == shortlist["company_id"].to_list()


def test_source_ids_map_crunchbase_permalinks(sample_run):
    ids = query(
        sample_run / "dealflow.duckdb",
        "SELECT * FROM core.company_source_ids WHERE source = 'crunchbase'",
    )
    assert ids["source_key"].str.starts_with("/organization/").all()
    assert (ids["source_key"] == ids["source_key"].str.to_lowercase()).all()


def test_every_row_accounted_for(sample_run):
    acc = query(sample_run / "dealflow.duckdb", "SELECT * FROM meta.row_accounting")
    assert acc["reconciled"].all() and acc.height == 6
    assert (
        acc["rows_read"]
        == acc["rows_staged"] + acc["rows_quarantined"] + acc["duplicates_collapsed"]
    ).all()


def test_shortlist_partition_is_idempotent(sample_run):
    """Re-running a week on the same inputs gives the same rows; another week leaves it alone."""
    replica = sample_run / "dealflow.duckdb"
    sql = "SELECT * FROM marts.weekly_shortlist WHERE week_start = ? ORDER BY rank"
    before = query(replica, sql, [date(2026, 11, 2)])
    assert run_week(SAMPLE_SOURCES, sample_run, SAMPLE_AS_OF).success
    assert query(replica, sql, [date(2026, 11, 2)]).equals(before)
    assert run_week(SAMPLE_SOURCES, sample_run, date(2026, 10, 28)).success
    assert query(replica, sql, [date(2026, 11, 2)]).equals(before)
    weeks = query(
        replica,
        "SELECT week_start, count(*) AS n FROM marts.weekly_shortlist GROUP BY 1 ORDER BY 1",
    )
    assert weeks["week_start"].to_list() == [date(2026, 10, 26), date(2026, 11, 2)]
    assert weeks["n"].to_list() == [25, 25]
    latest = query(replica, "SELECT DISTINCT week_start FROM marts.company_scores")
    assert latest["week_start"].to_list() == [date(2026, 11, 2)]  # company_scores = latest week


def test_reader_holding_the_replica_does_not_block_a_run(sample_run):
    """An analyst session (another process) keeps the replica open read-only during a whole run:
    the run succeeds, the session keeps reading, and a new session sees the new replica."""
    replica = sample_run / "dealflow.duckdb"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(replica)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        assert run_week(SAMPLE_SOURCES, sample_run, SAMPLE_AS_OF).success
        out, _ = reader.communicate("go\n", timeout=60)
        assert int(out.strip()) == 25  # the old snapshot is still readable in the open session
    finally:
        reader.kill()
    assert (
        query(
            replica,
            "SELECT count(*) AS n FROM marts.weekly_shortlist WHERE week_start = ?",
            [date(2026, 11, 2)],
        )["n"][0]
        == 25
    )


def test_replica_opens_read_only_in_harlequin(sample_run):
    hsql = Path(sys.executable).parent / "hsql"
    out = subprocess.run(
        [
            str(hsql),
            "-r",
            str(sample_run / "dealflow.duckdb"),
            "--csv",
            "-c",
            "SELECT count(*) AS n FROM marts.company_scores",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert int(out.stdout.strip().splitlines()[-1]) > 1000


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.sql("SELECT count(*) FROM marts.weekly_shortlist").fetchall()
print("open", flush=True)
sys.stdin.readline()
print(con.sql("SELECT count(*) FROM marts.weekly_shortlist WHERE week_start = DATE '2026-11-02'").fetchall()[0][0])
"""
