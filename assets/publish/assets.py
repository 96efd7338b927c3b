"""Publish the analysts' read-only replica once every upstream step and blocking check passed."""

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from assets.investors.assets import fund_shortlist
from assets.shortlist.assets import weekly_shortlist
from assets.shortlist.changes import shortlist_changes
from assets.staging.ledger import staging_ledger
from assets.tables import table_result, table_spec
from models.investors import fund_lanes
from models.lanes import Lane, lane_order_sql
from models.scoring import company_lanes
from reports.frames import round_floats
from warehouse.catalog import apply_comments
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.runs import RUNS_TABLE, mark_published

PUBLISHED_SCHEMAS = ("ref", "staging", "core", "marts", "meta")
LEDGER_KEYS = sorted(staging_ledger.keys)


def _run_week(context: dg.AssetExecutionContext) -> date | None:
    """The week of the run's partition (this asset is not partitioned; the weekly run is)."""
    key = context.run.tags.get("dagster/partition")
    try:
        return date.fromisoformat(key) if key else None
    except ValueError:  # a partition of another kind (a drop file)
        return None


def publish_replica(con: duckdb.DuckDBPyConnection, replica: Path) -> list[str]:
    """Build the published schemas into a new file beside `replica`, then swap it in with
    `os.replace` (atomic): a reader holding the old file keeps reading it undisturbed.

    When the warehouse is a local DuckDB file, the new file starts as a copy of it (checkpointed
    first, so the file holds every committed table) from which every unpublished schema and
    private table is dropped: the operating system copies the bytes instead of DuckDB rewriting
    every table. Otherwise (a remote warehouse, or a checkpoint another transaction blocks) the
    published tables are copied one by one. Either way the replica holds the same tables."""
    tmp = replica.with_name(replica.name + ".tmp")
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    tables = _published_tables(con, "current_database()")
    source = _checkpointed_file(con)
    if source is not None:
        shutil.copyfile(source, tmp)
    con.execute("ATTACH ? AS replica", [str(tmp)])
    try:
        if source is not None:
            _drop_unpublished(con)
        else:
            for schema in sorted({s for s, _ in tables}):
                con.execute(f"CREATE SCHEMA replica.{schema}")
            for schema, table in tables:
                con.execute(
                    f"CREATE TABLE replica.{schema}.{table} AS SELECT * FROM {schema}.{table}"
                )
        apply_comments(con, "replica")
        con.execute("CHECKPOINT replica")
    finally:
        con.execute("DETACH replica")
    os.replace(tmp, replica)
    return [f"{s}.{t}" for s, t in tables]


def _published_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.sql(
        f"SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = {database} "
        "AND schema_name IN ? AND NOT temporary AND NOT starts_with(table_name, '_') ORDER BY ALL",
        params=[list(PUBLISHED_SCHEMAS)],
    ).fetchall()


def _checkpointed_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The warehouse's file once everything committed is in it (no write-ahead log left), or
    None when it is not a local file or cannot be checkpointed now."""
    path = con.sql(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()[0][0]
    if not path or not Path(path).is_file():
        return None
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error:
        return None
    wal = Path(path + ".wal")
    return None if wal.exists() and wal.stat().st_size > 0 else Path(path)


def _drop_unpublished(con: duckdb.DuckDBPyConnection) -> None:
    """In the `replica` copy: drop every view, table and schema analysts are not given."""
    kept = set(_published_tables(con, "'replica'"))
    for schema, view in con.sql(
        "SELECT schema_name, view_name FROM duckdb_views() "
        "WHERE database_name = 'replica' AND NOT internal"
    ).fetchall():
        con.execute(f'DROP VIEW replica."{schema}"."{view}"')
    for schema, table in con.sql(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'replica'"
    ).fetchall():
        if (schema, table) not in kept:
            con.execute(f'DROP TABLE replica."{schema}"."{table}"')
    for (schema,) in con.sql(
        "SELECT schema_name FROM duckdb_schemas() WHERE database_name = 'replica' "
        "AND NOT internal AND schema_name NOT IN ?",
        params=[[*PUBLISHED_SCHEMAS, "main"]],
    ).fetchall():
        con.execute(f'DROP SCHEMA replica."{schema}" CASCADE')


def export_weeks(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    table: str,
    prefix: str,
    lists: tuple[str, ...],
    lanes: list[Lane],
    week: date | None = None,
) -> list[Path]:
    """`<prefix>_<week>.csv` for every week of `table` (list columns joined with "; "), grouped by
    lane in the configured order, best first inside each lane, in UTF-8 with a byte-order mark (so
    Excel reads "−" and accents right) and floats rounded (`reports.frames.round_floats`: scores
    to 3 decimals, amounts to units); each written beside its target and
    renamed into place (a reader never sees half a file). The run's `week` gets its file even
    without a row (the header only): an empty week replaces the file an earlier run of that week
    wrote, and the path `make run` prints exists."""
    weeks = [
        r[0] for r in con.sql(f"SELECT DISTINCT week_start FROM {table} ORDER BY 1").fetchall()
    ]
    if week is not None and week not in weeks:
        weeks.append(week)
    joined = ", ".join(f"array_to_string({c}, '; ') AS {c}" for c in lists)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for week in weeks:
        rows = con.sql(
            f"SELECT * REPLACE ({joined}) FROM {table} WHERE week_start = ? "
            f"ORDER BY {lane_order_sql(lanes)} NULLS LAST, lane_rank, rank",
            params=[week],
        ).pl()
        target = folder / f"{prefix}_{week.isoformat()}.csv"
        tmp = target.with_name(target.name + ".tmp")
        round_floats(rows).write_csv(tmp, include_bom=True)
        os.replace(tmp, target)
        written.append(target)
    return written


def export_shortlists(
    con: duckdb.DuckDBPyConnection, folder: Path, week: date | None = None
) -> list[Path]:
    """`shortlist_<week>.csv` for every week of `marts.weekly_shortlist` (and `week`)."""
    return export_weeks(
        con,
        folder,
        "marts.weekly_shortlist",
        "shortlist",
        ("fra_investors", "are_investors"),
        company_lanes(),
        week,
    )


def export_fund_shortlists(
    con: duckdb.DuckDBPyConnection, folder: Path, week: date | None = None
) -> list[Path]:
    """`fund_shortlist_<week>.csv` for every week of `marts.fund_shortlist` (and `week`)."""
    return export_weeks(
        con,
        folder,
        "marts.fund_shortlist",
        "fund_shortlist",
        ("fra_coinvestors", "are_coinvestors"),
        fund_lanes(),
        week,
    )


REPLICA_DESCRIPTION = """`dealflow.duckdb` in the pipeline home: a read-only copy of the ref,
staging, core, marts and meta tables, with table and column comments,
`shortlists/shortlist_<week>.csv` and `shortlists/fund_shortlist_<week>.csv`. Runs last: only when
every upstream step and blocking check of the run passed, so a failed run leaves what analysts have
exactly as it was. The replica is swapped in atomically; open it read-only (`harlequin -r`, `duckdb
-readonly`) even while the pipeline runs."""
REPLICA_DEPS = [weekly_shortlist.key, shortlist_changes.key, fund_shortlist.key, *LEDGER_KEYS]


@dg.multi_asset(
    name="analyst_replica",
    specs=[
        dg.AssetSpec(
            "analyst_replica",
            group_name="publish",
            kinds={"duckdb"},
            deps=REPLICA_DEPS,
            description=REPLICA_DESCRIPTION,
        ),
        # the run bookkeeping: each run records itself when it starts (`Warehouse`), and the
        # replica marks the run published
        table_spec(RUNS_TABLE, group_name="publish", deps=REPLICA_DEPS),
    ],
)
def analyst_replica(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """Publish the analysts' replica and the week's CSVs; mark the run published."""
    with warehouse.connect() as con:
        yield dg.MaterializeResult(
            asset_key="analyst_replica", metadata=publish_week(context, settings, con)
        )
        yield table_result(con, RUNS_TABLE)


def publish_week(
    context: dg.AssetExecutionContext, settings: DealflowSettings, con: duckdb.DuckDBPyConnection
) -> dict:
    """Publish the warehouse as the analysts' replica, with the run's week's CSVs: the weekly run's
    `analyst_replica`, and the model evaluation's `marts/shortlist_backtest` once the backtests
    are written. Returns the materialization's metadata."""
    replica = settings.replica_db()
    mark_published(con, context.run_id)  # meta.runs: the latest published run's week
    tables = publish_replica(con, replica)
    week = _run_week(context)
    csvs = export_shortlists(con, settings.outputs_dir(), week)
    fund_csvs = export_fund_shortlists(con, settings.outputs_dir(), week)
    return {
        "replica": dg.MetadataValue.path(str(replica)),
        "tables": dg.MetadataValue.int(len(tables)),
        "table_list": dg.MetadataValue.md("\n".join(f"- `{t}`" for t in tables)),
        "size_mb": dg.MetadataValue.float(round(replica.stat().st_size / 1e6, 2)),
        "shortlist_csvs": dg.MetadataValue.int(len(csvs)),
        "fund_shortlist_csvs": dg.MetadataValue.int(len(fund_csvs)),
    }
