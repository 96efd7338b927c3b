"""Investor edges matched to companies again after new rounds: only the edges whose name several
companies share are rematched (`investments_rematch.sql`), and `core.investments` equals a full
matching (`investments.sql`); `core/investors` takes that path only when Dagster's event log shows
the same materializations of the companies and the edges as the matches were built from."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from assets.core.assets import MATCH_INPUTS, SQL_DIR, investors
from pipelines.resources import DealflowSettings, Warehouse
from tests.helpers import query
from transforms.sql import install_macros, sql_text

INVESTMENTS = "SELECT * FROM core.investments ORDER BY _source_file, _source_row"
INVESTORS = "SELECT * FROM core.investors ORDER BY investor_id"


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(source / "pipeline.duckdb", folder / "pipeline.duckdb")
    return folder / "pipeline.duckdb"


def _tables(db: Path, *changes: str, rematch: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    with duckdb.connect(str(db)) as con:
        install_macros(con)
        for change in changes:
            con.execute(change)
        con.execute(sql_text("investments_rematch" if rematch else "investments", SQL_DIR))
        con.execute(sql_text("investors", SQL_DIR))
        return con.sql(INVESTMENTS).pl(), con.sql(INVESTORS).pl()


# Rounds that decide homonym matches move: the round behind each `name+round_date` match is
# deleted (the edge becomes ambiguous), and for every other such edge another company of that name
# gets a round on the edge's date (the edge now matches that company).
ROUND_CHANGES = (
    "CREATE TEMP TABLE moved AS SELECT i.*, s.company_name_norm FROM core.investments AS i "
    "JOIN staging.investor_edges AS s USING (_source_file, _source_row) "
    "WHERE i.match_method = 'name+round_date'",
    "DELETE FROM core.funding_rounds AS r USING moved AS m "
    "WHERE r.company_id = m.company_id AND r.funded_on = m.funded_on",
    "INSERT INTO core.funding_rounds BY NAME "
    "SELECT r.* REPLACE (m.funded_on AS funded_on, r.round_key || '+' || m._source_row AS round_key) "
    "FROM moved AS m "
    "JOIN core.companies AS c ON c.name_norm = m.company_name_norm AND c.company_id <> m.company_id "
    "JOIN (SELECT DISTINCT ON (company_id) * FROM core.funding_rounds ORDER BY ALL) AS r "
    "  ON r.company_id = c.company_id "
    "WHERE m._source_row % 2 = 0 AND (c.founded_on IS NULL OR c.founded_on <= m.funded_on) "
    "QUALIFY row_number() OVER (PARTITION BY m._source_file, m._source_row ORDER BY c.company_id) = 1",
)


def test_rematching_homonyms_equals_a_full_matching(pipeline_run, tmp_path):
    before = _copy(pipeline_run.home, tmp_path / "before")
    matches = query(before, INVESTMENTS)
    if not (matches["match_method"] == "name+round_date").any():
        pytest.skip("no edge matched by a round on its date")
    rematched = _tables(before, *ROUND_CHANGES, rematch=True)
    full = _tables(_copy(pipeline_run.home, tmp_path / "full"), *ROUND_CHANGES, rematch=False)
    assert_frame_equal(rematched[0], full[0])
    assert_frame_equal(rematched[1], full[1])
    # the rounds moved matches both ways: the comparison above means something
    moved = matches.join(rematched[0], on=["_source_file", "_source_row"], suffix="_after").filter(
        pl.col("match_method") != pl.col("match_method_after")
    )
    assert set(moved["match_method_after"]) == {"ambiguous_name"}
    switched = matches.join(rematched[0], on=["_source_file", "_source_row"], suffix="_after")
    assert (
        switched.filter(pl.col("company_id") != pl.col("company_id_after"))
        .filter(pl.col("match_method_after") == "name+round_date")
        .height
        > 0
    )


def _materialize(instance: dg.DagsterInstance, run, home: Path) -> dict:
    settings = DealflowSettings(sources=str(run.sources), home=str(home))
    result = dg.materialize(
        [investors],
        instance=instance,
        resources={"settings": settings, "warehouse": Warehouse(settings=settings)},
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def test_the_asset_rematches_only_edges_of_the_inputs_it_matched(pipeline_run, tmp_path):
    db = _copy(pipeline_run.home, tmp_path / "home")
    with dg.instance_for_test() as instance:
        # inputs without a materialization in this instance come from elsewhere: match all
        assert _materialize(instance, pipeline_run, db.parent)["edges_rematched"] == "all"
        for key in MATCH_INPUTS:
            instance.report_runless_asset_event(dg.AssetMaterialization(key))
        assert _materialize(instance, pipeline_run, db.parent)["edges_rematched"] == "all"
        full = query(db, INVESTMENTS)
        meta = _materialize(instance, pipeline_run, db.parent)
        assert isinstance(meta["edges_rematched"], int)
        assert_frame_equal(query(db, INVESTMENTS), full)
        # a new materialization of either input: every edge is matched again
        for key in MATCH_INPUTS:
            instance.report_runless_asset_event(dg.AssetMaterialization(key))
            assert _materialize(instance, pipeline_run, db.parent)["edges_rematched"] == "all"
            assert isinstance(
                _materialize(instance, pipeline_run, db.parent)["edges_rematched"], int
            )
