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
from assets.tables import markdown_table, table_metadata
from pipelines.partitions import round_drops_partitions
from pipelines.resources import DealflowSettings, Warehouse
from transforms.ingest import raw_frame
from transforms.readers import LINEAGE_COLUMNS, MALFORMED, SourceFileError
from transforms.sources import SOURCE_KINDS
from transforms.sql import sql_text
from transforms.staging import quarantine_sample, stage

KIND = SOURCE_KINDS["crunchbase.rounds"]
DROP_COLUMN = "_drop"  # the partition key: the delivered file's name


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


@dg.asset(
    key_prefix="raw",
    name="round_drops",
    group_name="ingest",
    kinds={"duckdb", "polars"},
    partitions_def=round_drops_partitions,
)
def raw_round_drops(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """A file delivered to the rounds drop folder (`crunchbase: {rounds_drops: <folder>}` in the
    sources YAML), loaded as read like the main rounds file: the rounds columns as text plus
    `_source_file`, `_source_row`, `_loaded_at` and `_drop` (the file name, the partition)."""
    drop = context.partition_key
    path = drop_path(settings, drop)
    try:
        frame, report = raw_frame(KIND, path)
    except SourceFileError as exc:
        raise dg.Failure(str(exc)) from exc
    frame = frame.select([*KIND.columns, MALFORMED, *LINEAGE_COLUMNS]).with_columns(
        pl.lit(drop).alias(DROP_COLUMN)
    )
    with warehouse.connect() as con:
        con.register("_drop_frame", frame.to_arrow())
        try:
            replace_partition(con, "raw.round_drops", "SELECT * FROM _drop_frame", drop)
        finally:
            con.unregister("_drop_frame")
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
    return dg.MaterializeResult(metadata=meta)


@dg.asset(
    key_prefix="staging",
    name="round_drops",
    group_name="staging",
    kinds={"duckdb"},
    partitions_def=round_drops_partitions,
    deps=[
        raw_round_drops,
        dg.AssetKey(["staging", "companies"]),
        dg.AssetKey(["ref", "fx_rates"]),
        dg.AssetKey(["ref", "round_stage_map"]),
    ],
)
def staging_round_drops(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """A delivered rounds file typed and conformed exactly like `staging.rounds` (same SQL, same
    quarantine rules: a round of a company not in `staging.companies` is quarantined), with
    `_drop` naming the file. Rejected rows are in `meta.quarantine` under the source
    `round_drops/<file name>`; `meta.row_accounting` reconciles the drop's counts."""
    drop = context.partition_key
    source = drop_source(drop)
    typed_sql = sql_text("rounds", STAGING_SQL_DIR).replace("raw.crunchbase_rounds", "_drop_raw")
    with warehouse.connect() as con:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _drop_raw AS SELECT * EXCLUDE ({DROP_COLUMN}) "
            f"FROM raw.round_drops WHERE {DROP_COLUMN} = ?",
            [drop],
        )
        counts = stage(con, source, "_drop_raw", typed_sql, "staging._drop_staged", date.today())
        replace_partition(
            con,
            "staging.round_drops",
            f"SELECT *, ?::VARCHAR AS {DROP_COLUMN} FROM staging._drop_staged",
            drop,
            [drop],
        )
        con.execute("DROP TABLE staging._drop_staged")
        meta = table_metadata(
            con,
            "staging.round_drops",
            **counts,
            quarantine_sample=dg.MetadataValue.md(markdown_table(quarantine_sample(con, source))),
        )
    meta["dagster/row_count"] = dg.MetadataValue.int(int(counts["rows_staged"]))
    return dg.MaterializeResult(metadata=meta)
