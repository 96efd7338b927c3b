"""Turn one declared provider file into the frame stored as its `raw.*` table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from transforms.readers import (
    EXCEL_SUFFIXES,
    MALFORMED,
    ReadReport,
    conform,
    read_provider_file,
)
from transforms.sources import SourceKind
from transforms.streaming import NotStreamable, load_large_csv
from warehouse.tables import write_frame

STREAM_MIN_BYTES = 16 * 2**20


def load_raw(
    con: duckdb.DuckDBPyConnection,
    table: str,
    kind: SourceKind,
    path: Path | None,
    loaded_at: datetime | None = None,
    workdir: Path | None = None,
    stream_min_bytes: int = STREAM_MIN_BYTES,
) -> ReadReport:
    """Create `table` with the rows of `raw_frame(kind, path)`. A file of `stream_min_bytes` or
    more on disk is streamed into DuckDB (`transforms.streaming`, temporary files in `workdir`)
    instead of being read whole into memory; the table is the same either way."""
    if (
        path is not None
        and path.is_file()
        and path.suffix.lower() not in EXCEL_SUFFIXES
        and path.stat().st_size >= stream_min_bytes
    ):
        try:
            return load_large_csv(con, table, kind, path, loaded_at, workdir)
        except NotStreamable:
            pass
    frame, report = raw_frame(kind, path, loaded_at)
    write_frame(con, table, frame)
    return report


def empty_raw_frame(kind: SourceKind) -> pl.DataFrame:
    """The raw table of a source that is not declared: its columns, no rows."""
    schema = {c: pl.String for c in (*kind.columns, MALFORMED, "_source_file")}
    schema |= {"_source_row": pl.Int64, "_loaded_at": pl.Datetime("us", "UTC")}
    return pl.DataFrame(schema=schema)


def raw_frame(
    kind: SourceKind, path: Path | None, loaded_at: datetime | None = None
) -> tuple[pl.DataFrame, ReadReport]:
    """All columns of the file as text, the kind's columns guaranteed present (missing optional
    ones as NULL), extra columns kept, `_malformed` and lineage columns last. The report notes
    schema drift: extra columns, and optional columns the file does not have."""
    if path is None:
        return empty_raw_frame(kind), ReadReport(notes=["source not declared"])
    frame, report = read_provider_file(path, loaded_at=loaded_at)  # CSV or .xlsx
    return conform(frame, kind, path, report), report
