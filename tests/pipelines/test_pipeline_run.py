"""The whole graph into a temporary DuckDB: replica, the marts' contract, idempotence, readers."""

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from assets.staging.assets import STAGED
from tests.helpers import expected_shortlist_rows, query, run_week
from warehouse.runs import LATEST_WEEK_SQL

VERTICALS = {"generative_models", "sector_applications", "ai_semiconductors"}
SECTORS = {"health", "financial_services", "software", "retail_distribution", "industry"}


def test_replica_holds_the_documented_tables(pipeline_run):
    replica = pipeline_run.replica
    assert replica.exists() and not replica.with_name("dealflow.duckdb.tmp").exists()
    tables = set(
        query(replica, "SELECT schema_name || '.' || table_name AS t FROM duckdb_tables()")["t"]
    )
    expected = {
        "marts.company_scores",
        "marts.weekly_shortlist",
        "core.company_source_ids",
        "core.companies",
        "core.investors",
        "meta.quarantine",
        "meta.row_accounting",
    }
    assert expected <= tables
    assert not any(
        t.startswith("raw.") for t in tables
    )  # the replica publishes conformed data only
    comment = query(
        replica, "SELECT comment FROM duckdb_tables() WHERE table_name = 'weekly_shortlist'"
    )
    assert "shortlist" in comment["comment"][0]


def test_company_scores_contract(pipeline_run):
    scores = query(pipeline_run.replica, "SELECT * FROM marts.company_scores")
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
    assert scores.height > 0 and scores["company_id"].is_unique().all()
    assert scores["as_of"].unique().to_list() == [pipeline_run.as_of]
    assert set(scores["vertical"].drop_nulls()) <= VERTICALS
    assert set(scores["sector"].drop_nulls()) <= SECTORS
    assert scores["success_probability"].drop_nulls().is_between(0, 1).all()
    assert sorted(scores["score_rank"].to_list()) == list(range(1, scores.height + 1))
    assert scores.filter(pl.col("score_rank") == 1)["total_score"][0] == scores["total_score"].max()
    assert scores["country_code"].drop_nulls().str.len_chars().eq(3).all()
    if pipeline_run.on_sample:
        assert {"FRA", "ARE"} <= set(scores["country_code"].drop_nulls())
        assert scores["success_probability"].drop_nulls().len() > 100
        assert set(scores["vertical"].drop_nulls()) == VERTICALS


def test_success_probability_only_for_the_population(pipeline_run):
    scores = query(
        pipeline_run.replica,
        "SELECT in_population, success_probability, model_version FROM marts.company_scores",
    )
    outside = scores.filter(~pl.col("in_population"))
    assert outside["success_probability"].null_count() == outside.height
    if scores["model_version"].drop_nulls().len():  # a model was trained: every member is scored
        assert scores.filter(pl.col("in_population"))["success_probability"].null_count() == 0


def test_weekly_shortlist(pipeline_run):
    listed = query(pipeline_run.replica, "SELECT * FROM marts.weekly_shortlist ORDER BY rank")
    assert listed.height == expected_shortlist_rows(pipeline_run.replica, pipeline_run.week)
    assert listed["week_start"].unique().to_list() == [pipeline_run.week]
    # the analysts' portfolio companies are listed apart, without an overall rank
    portfolio = listed.filter(pl.col("lane") == "portfolio")
    assert portfolio["rank"].null_count() == portfolio.height
    assert (portfolio["analyst_status"] == "portfolio").all()
    shortlist = listed.filter(pl.col("lane") != "portfolio")
    assert shortlist["rank"].to_list() == list(range(1, shortlist.height + 1))
    assert shortlist["total_score"].is_sorted(descending=True)
    assert shortlist["rationale"].str.contains(r"Score \d\.\d\d \(thesis fit ").all()
    undecided = shortlist.filter(pl.col("analyst_status").is_null())["rationale"]
    assert undecided.str.contains(r"^Score \d\.\d\d \(thesis fit ").all()
    assert shortlist["vertical"].null_count() == 0
    for _lane, rows in shortlist.group_by("lane"):
        assert sorted(rows["lane_rank"]) == list(range(1, rows.height + 1))
        assert rows.sort("lane_rank")["total_score"].is_sorted(descending=True)
    # lanes hold their scope only: HQ in France, HQ in the UAE, else a French/Emirati tie
    lanes = dict(zip(shortlist["company_id"], shortlist["lane"], strict=True))
    for row in shortlist.iter_rows(named=True):
        expected = {"FRA": "france", "ARE": "uae"}.get(row["country_code"], "bridge")
        assert lanes[row["company_id"]] == expected, row["name"]
    # the CSV lists the lanes in order, best first inside each
    path = pipeline_run.home / "shortlists" / f"shortlist_{pipeline_run.week}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads "−" right
    csv = pl.read_csv(path.read_text(encoding="utf-8-sig").encode(), infer_schema=False)
    for column in ("total_score", "thesis_fit", "momentum", "success_probability"):
        decimals = csv[column].drop_nulls().str.split(".").list.get(1, null_on_oob=True)
        assert (decimals.str.len_chars().fill_null(0) <= 3).all(), column
    assert {"link", "city", "founded_year"} <= set(csv.columns)
    order = {"france": 0, "uae": 1, "bridge": 2, "portfolio": 3}
    assert csv["company_id"].to_list() == (
        listed.sort(pl.col("lane").replace_strict(order), "lane_rank")["company_id"].to_list()
    )
    if pipeline_run.on_sample:
        assert set(shortlist["lane"]) == {"france", "uae", "bridge"}
        assert shortlist.filter(pl.col("lane") == "france").height == 25


def test_source_ids_map_crunchbase_permalinks(pipeline_run):
    ids = query(
        pipeline_run.replica, "SELECT * FROM core.company_source_ids WHERE source = 'crunchbase'"
    )
    assert ids["source_key"].str.starts_with("/organization/").all()
    assert (ids["source_key"] == ids["source_key"].str.to_lowercase()).all()


def test_every_row_accounted_for(pipeline_run):
    acc = query(pipeline_run.replica, "SELECT * FROM meta.row_accounting")
    # one row per staged source (assets/staging STAGED: Crunchbase 3, investor edges, Epoch AI 4,
    # the semiconductor list 2, analysts' decisions, the Crunchbase bulk export 4), declared or not
    assert acc["reconciled"].all() and acc.height == len(STAGED)
    assert "analyst_decisions" in set(acc["source"])
    assert (
        acc["rows_read"]
        == acc["rows_staged"] + acc["rows_quarantined"] + acc["duplicates_collapsed"]
    ).all()


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
before = con.sql("SELECT count(*) FROM marts.weekly_shortlist").fetchall()[0][0]
print("open", flush=True)
sys.stdin.readline()
print(before == con.sql("SELECT count(*) FROM marts.weekly_shortlist").fetchall()[0][0])
"""
SHORTLIST = "SELECT * FROM marts.weekly_shortlist WHERE week_start = ? ORDER BY rank"


@pytest.fixture(scope="module")
def rerun(pipeline_run):
    """The same week run again while an analyst session in another process holds the replica
    open read-only: (the week's shortlist before, the rerun's success, the session's verdict)."""
    before = query(pipeline_run.replica, SHORTLIST, [pipeline_run.week])
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(pipeline_run.replica)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        success = run_week(pipeline_run.sources, pipeline_run.home, pipeline_run.as_of).success
        out, _ = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    return before, success, out.strip()


def test_shortlist_partition_is_idempotent(pipeline_run, rerun, tmp_path):
    """Re-running a week on the same inputs gives the same rows; another week leaves it alone.
    The latest week is that of the latest published run (here a backfill of the week before, in
    a copy of the home: the session's home keeps its week), not the largest week_start."""
    run, (before, success, _) = pipeline_run, rerun
    assert success
    assert query(run.replica, SHORTLIST, [run.week]).equals(before)
    from reports.paths import REPORT, WORKBOOK, pack_folder

    home = tmp_path / "home"
    shutil.copytree(run.home, home)
    replica = home / "dealflow.duckdb"
    pack = pack_folder(home, run.week)
    pack_before = {name: (pack / name).read_bytes() for name in (REPORT, WORKBOOK)}
    earlier = run.as_of - timedelta(days=7)
    assert run_week(run.sources, home, earlier).success
    assert query(replica, SHORTLIST, [run.week]).equals(before)
    # the earlier week gets its own pack; this week's stays as it was
    assert {name: (pack / name).read_bytes() for name in (REPORT, WORKBOOK)} == pack_before
    assert (pack_folder(home, run.week - timedelta(days=7)) / REPORT).exists()
    weeks = query(replica, "SELECT DISTINCT week_start FROM marts.weekly_shortlist ORDER BY 1")
    assert weeks["week_start"].to_list() == [run.week - timedelta(days=7), run.week]
    latest = query(replica, "SELECT DISTINCT week_start FROM marts.company_scores")
    assert latest["week_start"].to_list() == [run.week - timedelta(days=7)]
    assert query(replica, LATEST_WEEK_SQL)["week_start"].to_list() == [run.week - timedelta(days=7)]


def test_reader_holding_the_replica_does_not_block_a_run(pipeline_run, rerun):
    """An analyst session in another process keeps the replica open read-only during a whole
    run: the run succeeds, the session keeps reading its snapshot, a new session sees the new one."""
    _, success, verdict = rerun
    assert success and verdict == "True"
    assert query(pipeline_run.replica, "SELECT count(*) AS n FROM marts.company_scores")["n"][0] > 0


def test_replica_opens_read_only_in_harlequin(pipeline_run):
    hsql = Path(sys.executable).parent / "hsql"
    if not hsql.exists():
        pytest.skip("harlequin not installed")
    out = subprocess.run(
        [
            str(hsql),
            "-r",
            str(pipeline_run.replica),
            "--csv",
            "-c",
            "SELECT count(*) AS n FROM marts.company_scores",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert int(out.stdout.strip().splitlines()[-1]) > 0


def test_weekly_pack(pipeline_run):
    """The week's pack is written after the weekly run and again with the backtest: the workbook
    has a sheet per lane with the week's companies, the report lists them all and is offline."""
    from html import escape

    import openpyxl

    from models.scoring import company_lanes
    from reports.paths import REPORT, WORKBOOK, pack_folder

    folder = pack_folder(pipeline_run.home, pipeline_run.week)
    shortlist = query(
        pipeline_run.replica,
        "SELECT * FROM marts.weekly_shortlist WHERE week_start = ? ORDER BY lane_rank",
        [pipeline_run.week],
    )
    book = openpyxl.load_workbook(folder / WORKBOOK)
    lanes = [lane.name for lane in company_lanes()]
    if (shortlist["lane"] == "portfolio").any():
        lanes.append("portfolio")  # the analysts' portfolio, listed apart after the lanes
    assert book.sheetnames == ["summary", *lanes, "funds", "changes", "backtest"]
    for lane in lanes:
        names = shortlist.filter(pl.col("lane") == lane)["name"].to_list()
        if names:
            ws = book[lane]
            assert ws.freeze_panes == "C2"
            assert [ws.cell(r, 2).value for r in range(2, len(names) + 2)] == names
    assert book["backtest"]["A1"].value.startswith("The shortlist lane by lane")
    page = (folder / REPORT).read_text(encoding="utf-8")
    assert all(escape(name) in page for name in shortlist["name"])
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert page.count("<svg") >= 4  # lanes, scores, the two backtest charts
