"""Re-scoring a week recomputes only the companies whose inputs changed (models/incremental.py),
and gives exactly the rows a full scoring gives: every column, momentum and rank included.

Each case changes facts in a copy of the whole-graph run's warehouse, scores the week again with
the saved state (incremental) and, on a second copy, without it (full), and compares."""

import shutil
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from assets.scoring.assets import company_scores
from models.incremental import STATE, drop_state
from warehouse.resources import DealflowSettings, Warehouse

SCORES = "SELECT * FROM marts.company_scores_history WHERE week_start = ? ORDER BY company_id"


def _home(source: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(source / "pipeline.duckdb", folder / "pipeline.duckdb")
    return folder


def _score(run, home: Path, as_of: date | None = None) -> dict:
    """Materialize the week's `company_scores` in `home` (as of the run's date unless told);
    returns its metadata."""
    settings = DealflowSettings(
        sources=str(run.sources), home=str(home), as_of=(as_of or run.as_of).isoformat()
    )
    result = dg.materialize(
        [company_scores],
        partition_key=run.week.isoformat(),
        resources={"settings": settings, "warehouse": Warehouse(settings=settings)},
    )
    assert result.success
    (event,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["marts", "company_scores"])
    ]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def _scores(home: Path, week: date) -> pl.DataFrame:
    with duckdb.connect(str(home / "pipeline.duckdb"), read_only=True) as con:
        return con.sql(SCORES, params=[week]).pl()


def _execute(home: Path, *statements: str) -> None:
    with duckdb.connect(str(home / "pipeline.duckdb")) as con:
        for statement in statements:
            con.execute(statement)


@pytest.fixture
def homes(pipeline_run, tmp_path):
    """Two copies of the run's warehouse: one keeps the saved state, one forgets it."""
    incremental = _home(pipeline_run.home, tmp_path / "incremental")
    full = _home(pipeline_run.home, tmp_path / "full")
    with duckdb.connect(str(full / "pipeline.duckdb")) as con:
        drop_state(con)
    return incremental, full


def _rescore_both(run, homes, *changes: str) -> tuple[dict, pl.DataFrame]:
    incremental, full = homes
    for home in homes:
        _execute(home, *changes)
    meta = _score(run, incremental)
    full_meta = _score(run, full)
    assert full_meta["companies_recomputed"] == "all"
    got, expected = _scores(incremental, run.week), _scores(full, run.week)
    assert got.height == expected.height > 0
    assert_frame_equal(got, expected)  # exact: same bits, same ranks
    return meta, got


def test_the_weekly_run_saves_the_state_of_its_scores(pipeline_run):
    with duckdb.connect(str(pipeline_run.home / "pipeline.duckdb"), read_only=True) as con:
        (week,) = con.sql(f"SELECT week_start FROM {STATE}").fetchall()[0]
    assert week == pipeline_run.week


def test_nothing_changed_recomputes_no_company(pipeline_run, homes):
    before = _scores(pipeline_run.home, pipeline_run.week)
    meta, after = _rescore_both(pipeline_run, homes)
    assert meta["companies_recomputed"] == 0 and meta["predicted"] == 0
    assert_frame_equal(after, before)


def test_new_rounds_recompute_their_companies_only(pipeline_run, homes):
    """Two funded companies raise again on as_of: their rows change, momentum ranks move for all."""
    as_of = pipeline_run.as_of.isoformat()
    meta, after = _rescore_both(
        pipeline_run,
        homes,
        "CREATE TEMP TABLE picked AS SELECT company_id FROM core.funding_rounds "
        "GROUP BY ALL ORDER BY company_id LIMIT 2",
        "INSERT INTO core.funding_rounds BY NAME SELECT r.* REPLACE ("
        f"r.round_key || '-again' AS round_key, DATE '{as_of}' AS funded_on, "
        "r.amount_usd * 3 AS amount_usd) FROM core.funding_rounds AS r "
        "WHERE company_id IN (SELECT company_id FROM picked) "
        "QUALIFY row_number() OVER (PARTITION BY company_id ORDER BY funded_on DESC) = 1",
    )
    assert 2 <= meta["companies_recomputed"] < after.height / 4
    before = _scores(pipeline_run.home, pipeline_run.week)
    moved = after.join(before, on="company_id", suffix="_before").filter(
        pl.col("n_rounds") != pl.col("n_rounds_before")
    )
    assert moved.height == 2


def _exit(exited_on: date) -> tuple[str, str]:
    """Statements giving an exit on `exited_on` to a company, not exited, backed by then by an
    investor that backed another company by then too."""
    return (
        "CREATE TEMP TABLE picked AS SELECT i.company_id FROM core.investments AS i "
        "JOIN core.investments AS o ON o.investor_id = i.investor_id "
        "AND o.company_id <> i.company_id "
        "WHERE i.company_id NOT IN (SELECT company_id FROM core.company_exits) "
        f"AND i.funded_on <= DATE '{exited_on}' AND o.funded_on <= DATE '{exited_on}' "
        "ORDER BY i.company_id LIMIT 1",
        f"INSERT INTO core.company_exits SELECT company_id, 'acquisition', DATE '{exited_on}' "
        "FROM picked",
    )


def test_an_exit_before_the_quarter_recomputes_its_investors_whole_portfolios(pipeline_run, homes):
    """An exit before the quarter's first day changes the track record of the exited company's
    investors (measured then), hence the features of every company they backed."""
    quarter = date(pipeline_run.as_of.year, 3 * ((pipeline_run.as_of.month - 1) // 3) + 1, 1)
    meta, _ = _rescore_both(pipeline_run, homes, *_exit(quarter - timedelta(days=1)))
    assert meta["companies_recomputed"] > 1


def test_an_exit_during_the_quarter_recomputes_its_own_company_only(pipeline_run, homes):
    meta, _ = _rescore_both(pipeline_run, homes, *_exit(pipeline_run.as_of))
    assert meta["companies_recomputed"] == 1


def test_a_removed_company_and_a_changed_category_are_handled(pipeline_run, homes):
    _rescore_both(
        pipeline_run,
        homes,
        "DELETE FROM core.companies WHERE company_id = "
        "(SELECT min(company_id) FROM core.funding_rounds)",
        "UPDATE core.companies SET categories = list_append(categories, 'robotics') "
        "WHERE company_id = (SELECT max(company_id) FROM core.companies)",
    )


def test_another_as_of_scores_everything(pipeline_run, homes):
    """Every company's age-based features move with as_of: no row can be carried."""
    if pipeline_run.week == pipeline_run.as_of:
        pytest.skip("as_of is the week's first day")
    meta = _score(pipeline_run, homes[0], as_of=pipeline_run.week)  # another day, same week
    assert meta["companies_recomputed"] == "all"
