"""Every table analysts can query in the replica is a declared asset named after it, and every
declared table asset is in the replica: the UI's lineage names every table."""

import duckdb

from assets.publish.assets import PUBLISHED_SCHEMAS
from pipelines.definitions import defs

# assets that are not tables of the warehouse
NOT_TABLES = {"analyst_replica", "weekly_pack"}
# tables of the warehouse that are not published (the provider files as read)
UNPUBLISHED_SCHEMAS = {"raw"}


def replica_tables(database) -> set[str]:
    """The tables of a DuckDB file, as `schema.table`."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.sql(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database()"
        ).fetchall()
    return {f"{schema}.{table}" for schema, table in rows}


def declared_tables() -> set[str]:
    """The published tables the Definitions declare, as `schema.table`; fails on an asset that
    is neither a table nor listed in `NOT_TABLES`."""
    keys = {key.to_user_string(): key.path for key in defs.resolve_all_asset_keys()}
    odd = {
        name
        for name, path in keys.items()
        if name not in NOT_TABLES
        and (len(path) != 2 or path[0] not in {*PUBLISHED_SCHEMAS, *UNPUBLISHED_SCHEMAS})
    }
    assert odd == set(), f"assets that are not `schema/table` keys: {sorted(odd)}"
    return {
        ".".join(path)
        for name, path in keys.items()
        if name not in NOT_TABLES and path[0] in PUBLISHED_SCHEMAS
    }


def test_the_replica_holds_exactly_the_declared_tables(pipeline_run):
    in_replica, declared = replica_tables(pipeline_run.replica), declared_tables()
    assert in_replica - declared == set(), "tables analysts see that no asset declares"
    assert declared - in_replica == set(), "declared tables missing from the replica"


def test_the_run_leaves_no_scratch_table_behind(pipeline_run):
    """Scratch tables (schema `scratch`) live only while the step that made them runs."""
    tables = replica_tables(pipeline_run.home / "pipeline.duckdb")
    assert {t for t in tables if t.startswith("scratch.")} == set()
