"""Tables updated instead of rebuilt after new rounds, equal to a rebuild.

Investor edges: only the edges whose name several companies share are matched again
(`investments_rematch.sql`), and `core.investments` equals a full matching (`investments.sql`).
Funding rounds: only the round keys of new or re-delivered drop files are written again
(`funding_rounds_refresh.sql`). Each asset takes that path only when Dagster's event log shows
the same materializations of its other inputs as its tables were built from (assets/built_from.py).
"""

import itertools
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from assets.core.assets import MATCH_INPUTS, SQL_DIR, investors
from assets.core.rounds import ROUND_INPUTS, funding_rounds, funding_rounds_sql
from assets.drops.assets import staging_round_drops
from tests.helpers import query
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.sql import install_macros, sql_text

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
        con.execute(sql_text("investment_edges", SQL_DIR))  # the edges both read
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


def _materialize(instance: dg.DagsterInstance, run, home: Path, asset=investors) -> dict:
    settings = DealflowSettings(sources=str(run.sources), home=str(home))
    result = dg.materialize(
        [asset],
        instance=instance,
        resources={"settings": settings, "warehouse": Warehouse(settings=settings)},
    )
    assert result.success
    # the step also reports the tables it writes beside its own: the asset's own event
    (event,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.path[-1] == asset.op.name
    ]
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


ROUNDS = "SELECT * FROM core.funding_rounds ORDER BY round_key"
EXITS = "SELECT * FROM core.company_exits ORDER BY ALL"


def _deliver(db: Path, drop: str, select: str) -> None:
    """Rows of `staging.rounds` chosen by `select` (a query over `r`), staged as drop `drop`."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS staging.round_drops AS "
            "SELECT *, NULL::VARCHAR AS _drop FROM staging.rounds LIMIT 0"
        )
        con.execute("DELETE FROM staging.round_drops WHERE _drop = ?", [drop])
        con.execute(
            f"INSERT INTO staging.round_drops BY NAME SELECT * REPLACE ('drops/{drop}' AS "
            f"_source_file), '{drop}' AS _drop FROM ({select})"
        )


def _rebuilt(db: Path, folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`core.funding_rounds` and `core.company_exits` rebuilt from scratch on a copy of `db`."""
    folder.mkdir()
    copy = folder / "pipeline.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(funding_rounds_sql())
        return con.sql(ROUNDS).pl(), con.sql(EXITS).pl()


def test_new_drops_rewrite_their_round_keys_only(pipeline_run, tmp_path):
    db = _copy(pipeline_run.home, tmp_path / "home")
    home = db.parent
    with dg.instance_for_test() as instance:
        for key in ROUND_INPUTS:
            instance.report_runless_asset_event(dg.AssetMaterialization(key))
        assert (
            _materialize(instance, pipeline_run, home, funding_rounds)["drops_refreshed"] == "all"
        )

        deliveries = itertools.count()

        def deliver(drop: str, select: str) -> str:
            _deliver(db, drop, select)
            event = dg.AssetMaterialization(staging_round_drops.key, partition=drop)
            instance.add_dynamic_partitions("round_drops", [drop])
            instance.report_runless_asset_event(event)
            meta = _materialize(instance, pipeline_run, home, funding_rounds)
            rebuilt = _rebuilt(db, tmp_path / f"rebuilt_{next(deliveries)}")
            assert_frame_equal(query(db, ROUNDS), rebuilt[0])
            assert_frame_equal(query(db, EXITS), rebuilt[1])
            return meta["drops_refreshed"]

        # a drop re-delivering rounds of the main file (new amounts: it wins) and new rounds,
        # one of them an IPO round (a new exit)
        first = (
            "SELECT * REPLACE (amount_usd * 2 AS amount_usd) FROM staging.rounds AS r "
            "WHERE _source_row % 7 = 0 UNION ALL "
            "SELECT * REPLACE (round_key || '-new' AS round_key, 'post_ipo' AS stage) "
            "FROM staging.rounds AS r WHERE _source_row % 11 = 1"
        )
        assert deliver("a.csv", first) == "a.csv"
        before = query(db, ROUNDS)
        # a later drop over the first, and the first delivered again without half its rows:
        # their main-file rounds come back
        assert (
            deliver("b.csv", "SELECT * FROM staging.rounds WHERE _source_row % 14 = 0") == "b.csv"
        )
        smaller = f"SELECT * FROM ({first}) WHERE _source_row % 2 = 1"
        assert deliver("a.csv", smaller) == "a.csv"
        assert not query(db, ROUNDS).equals(before)
        # nothing new: nothing written; another rounds file: everything rebuilt
        assert (
            _materialize(instance, pipeline_run, home, funding_rounds)["drops_refreshed"] == "none"
        )
        instance.report_runless_asset_event(dg.AssetMaterialization(ROUND_INPUTS[1]))
        assert (
            _materialize(instance, pipeline_run, home, funding_rounds)["drops_refreshed"] == "all"
        )
