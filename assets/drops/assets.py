"""Round drops: files delivered to the rounds drop folder, one dynamic partition per file.

Each file is read by the same reader as the main rounds file and staged by the same SQL, the same
quarantine and the same row accounting (source `round_drops/<file name>`). Re-materializing a
partition replaces that file's rows only. `core/funding_rounds` merges them with the main file.
"""

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.ingest.assets import declared_sources
from assets.staging.assets import SQL_DIR as STAGING_SQL_DIR
from transforms.ingest import raw_frame
from transforms.readers import LINEAGE_COLUMNS, MALFORMED, SourceFileError
from transforms.sources import SOURCE_KINDS
from transforms.staging import quarantine_sample, stage
from warehouse.metadata import markdown_table, table_metadata
from warehouse.partitions import round_drops_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.runs import run_started_on
from warehouse.sql import sql_text
from warehouse.tables import registered, scratch_table

KIND = SOURCE_KINDS["crunchbase.rounds"]
DROP_COLUMN = "_drop"  # the partition key: the delivered file's name
DROP_STAGED = scratch_table("drop_staged")  # a drop's staged rows before they replace its partition


def drop_source(drop: str) -> str:
    """The `source` of a drop's rows in `meta.quarantine`, `meta.value_issues` and
    `meta.row_accounting`."""
    return f"round_drops/{drop}"


def drop_path(settings: DealflowSettings, drop: str) -> Path:
    folder = declared_sources(settings).drop_folders.get(KIND.key)
    if folder is None:
        raise dg.Failure(
            f"{settings.sources_path()}: no rounds drop folder declared "
            f"(crunchbase: rounds_drops: <folder>), cannot load the drop {drop!r}"
        )
    return folder / drop


def replace_partition(
    con: duckdb.DuckDBPyConnection, table: str, rows: str, drop: str, params=None
) -> None:
    """Replace the rows of `drop` in `table` with those of the query `rows` (created on first
    use with the query's columns)."""
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM ({rows}) LIMIT 0", params or None
    )
    con.execute(f"DELETE FROM {table} WHERE {DROP_COLUMN} = ?", [drop])
    con.execute(f"INSERT INTO {table} BY NAME {rows}", params or None)


RAW_DESCRIPTION = """A file delivered to the rounds drop folder (`crunchbase: {rounds_drops: <folder>}` in the
sources YAML), loaded as read like the main rounds file: the rounds columns as text plus
`_source_file`, `_source_row`, `_loaded_at` and `_drop` (the file name, the partition). Loaded by
`round_drops_job` (started by `round_drops_sensor`), not by "Materialize all" or the weekly job."""

STAGING_DESCRIPTION = """A delivered rounds file typed and conformed exactly like `staging.rounds` (same SQL, same
quarantine rules: a round of a company not in `staging.companies` is quarantined), with `_drop`
naming the file. Rejected rows are in `meta.quarantine` under the source `round_drops/<file
name>`; `meta.row_accounting` reconciles the drop's counts (the run fails when they do not add
up). Staged by `round_drops_job`, not by "Materialize all" or the weekly job."""

# The drop assets are declared, not materializable from the UI: their partitions are files (a
# dynamic partitions definition), the rest of the graph is weekly. Were they materializable,
# "Materialize all" on the lineage page would ask for a drop file, and the weekly job's launchpad
# would warn that `staging/round_drops` was never materialized. `round_drops_job` (ops below)
# loads a file and reports their materializations for its partition.
raw_round_drops = dg.AssetSpec(
    key=["raw", "round_drops"],
    group_name="drops",
    kinds={"duckdb", "polars"},
    partitions_def=round_drops_partitions,
    description=RAW_DESCRIPTION,
)
staging_round_drops = dg.AssetSpec(
    key=["staging", "round_drops"],
    group_name="drops",
    kinds={"duckdb"},
    partitions_def=round_drops_partitions,
    deps=[
        raw_round_drops,
        dg.AssetKey(["staging", "companies"]),
        dg.AssetKey(["ref", "fx_rates"]),
        dg.AssetKey(["ref", "round_stage_map"]),
    ],
    description=STAGING_DESCRIPTION,
)


def load_raw_drop(drop: str, settings: DealflowSettings, warehouse: Warehouse) -> dict:
    """Load the delivered file `drop` into `raw.round_drops` (its rows replaced); metadata."""
    path = drop_path(settings, drop)
    try:
        frame, report = raw_frame(KIND, path)
    except SourceFileError as exc:
        raise dg.Failure(str(exc)) from exc
    frame = frame.select([*KIND.columns, MALFORMED, *LINEAGE_COLUMNS]).with_columns(
        pl.lit(drop).alias(DROP_COLUMN)
    )
    with warehouse.connect() as con:
        with registered(con, "_drop_frame", frame):
            replace_partition(con, "raw.round_drops", "SELECT * FROM _drop_frame", drop)
        meta = table_metadata(
            con,
            "raw.round_drops",
            source_file=str(path),
            rows_in_drop=frame.height,
            encoding=report.encoding,
            delimiter=repr(report.delimiter),
            malformed_records=report.malformed_records,
            read_notes=dg.MetadataValue.md("\n".join(f"- {n}" for n in report.notes) or "_(none)_"),
        )
    meta["dagster/row_count"] = dg.MetadataValue.int(frame.height)
    return meta


def stage_drop(drop: str, warehouse: Warehouse, load_day: date) -> dict:
    """Stage `raw.round_drops`' rows of `drop` into `staging.round_drops` (dates after `load_day`,
    the run's, are implausible); metadata. Fails when a delivered file's rows read differ from
    staged + quarantined + duplicates collapsed."""
    source = drop_source(drop)
    with warehouse.connect() as con:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _drop_raw AS SELECT * EXCLUDE ({DROP_COLUMN}) "
            f"FROM raw.round_drops WHERE {DROP_COLUMN} = ?",
            [drop],
        )
        # the rounds' staging SQL, reading the drop's rows instead of raw.crunchbase_rounds
        typed_sql = sql_text("rounds", STAGING_SQL_DIR)
        counts = stage(con, source, "_drop_raw", typed_sql, DROP_STAGED, load_day)
        replace_partition(
            con,
            "staging.round_drops",
            f"SELECT *, ?::VARCHAR AS {DROP_COLUMN} FROM {DROP_STAGED}",
            drop,
            [drop],
        )
        con.execute(f"DROP TABLE {DROP_STAGED}")
        meta = table_metadata(
            con,
            "staging.round_drops",
            **counts,
            quarantine_sample=dg.MetadataValue.md(markdown_table(quarantine_sample(con, source))),
        )
        unreconciled = con.sql(UNRECONCILED_SQL).pl()
    if not unreconciled.is_empty():
        raise dg.Failure(
            "rows read != staged + quarantined + duplicates collapsed for "
            + ", ".join(unreconciled["source"].to_list())
            + " (meta.row_accounting)"
        )
    meta["dagster/row_count"] = dg.MetadataValue.int(int(counts["rows_staged"]))
    return meta


UNRECONCILED_SQL = (
    "SELECT * FROM meta.row_accounting WHERE starts_with(source, 'round_drops/') AND NOT reconciled"
)
RAW_KEY = raw_round_drops.key
STAGING_KEY = staging_round_drops.key


@dg.op(description="Load the delivered rounds file (the run's partition) into raw.round_drops.")
def load_round_drop(
    context: dg.OpExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> str:
    drop = context.partition_key
    meta = load_raw_drop(drop, settings, warehouse)
    context.log_event(dg.AssetMaterialization(RAW_KEY, partition=drop, metadata=meta))
    return drop


@dg.op(description="Stage the delivered rounds file like staging.rounds into staging.round_drops.")
def stage_round_drop(context: dg.OpExecutionContext, warehouse: Warehouse, drop: str) -> None:
    with warehouse.connect() as con:
        load_day = run_started_on(con, context.run_id)
    meta = stage_drop(drop, warehouse, load_day)
    context.log_event(dg.AssetMaterialization(STAGING_KEY, partition=drop, metadata=meta))


@dg.job(
    partitions_def=round_drops_partitions,
    executor_def=dg.in_process_executor,
    description="Load and stage one file delivered to the rounds drop folder (its partition): "
    "reports the materializations of raw/round_drops and staging/round_drops.",
)
def round_drops_job() -> None:
    stage_round_drop(load_round_drop())
