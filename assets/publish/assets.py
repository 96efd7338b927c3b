"""Publish the analysts' read-only replica once every upstream step and blocking check passed."""

import os
from pathlib import Path

import dagster as dg
import duckdb

from assets.shortlist.assets import weekly_shortlist
from pipelines.resources import DealflowSettings, Warehouse
from transforms.catalog import apply_comments

PUBLISHED_SCHEMAS = ("ref", "staging", "core", "marts", "meta")


def publish_replica(con: duckdb.DuckDBPyConnection, replica: Path) -> list[str]:
    """Copy the published schemas into a new file beside `replica`, then swap it in with
    `os.replace` (atomic): a reader holding the old file keeps reading it undisturbed."""
    tmp = replica.with_name(replica.name + ".tmp")
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    tables = con.sql(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name IN ? AND NOT temporary AND NOT starts_with(table_name, '_') ORDER BY ALL",
        params=[list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    con.execute("ATTACH ? AS replica", [str(tmp)])
    try:
        for schema in sorted({s for s, _ in tables}):
            con.execute(f"CREATE SCHEMA replica.{schema}")
        for schema, table in tables:
            con.execute(f"CREATE TABLE replica.{schema}.{table} AS SELECT * FROM {schema}.{table}")
        apply_comments(con, "replica")
        con.execute("CHECKPOINT replica")
    finally:
        con.execute("DETACH replica")
    os.replace(tmp, replica)
    return [f"{s}.{t}" for s, t in tables]


@dg.asset(group_name="publish", kinds={"duckdb"}, deps=[weekly_shortlist])
def analyst_replica(settings: DealflowSettings, warehouse: Warehouse) -> dg.MaterializeResult:
    """`dealflow.duckdb` in the pipeline home: a read-only copy of the ref, staging, core, marts
    and meta tables, with table and column comments, swapped in atomically at the end of a
    successful run. Open it read-only (`duckdb -readonly`, `harlequin -r`) while the pipeline runs."""
    replica = settings.replica_db()
    with warehouse.connect() as con:
        tables = publish_replica(con, replica)
    return dg.MaterializeResult(
        metadata={
            "replica": dg.MetadataValue.path(str(replica)),
            "tables": dg.MetadataValue.int(len(tables)),
            "table_list": dg.MetadataValue.md("\n".join(f"- `{t}`" for t in tables)),
            "size_mb": dg.MetadataValue.float(round(replica.stat().st_size / 1e6, 2)),
        }
    )
