"""Turn one declared provider file into the frame stored as its `raw.*` table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from transforms.readers import (
    EXCEL_SUFFIXES,
    LINEAGE_COLUMNS,
    MALFORMED,
    ReadReport,
    SourceFileError,
    read_provider_file,
)
from transforms.sources import SourceKind
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
        from transforms.streaming import NotStreamable, load_large_csv

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


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def conform(frame: Frame, kind: SourceKind, path: Path, report: ReadReport) -> Frame:
    """The read file's columns under the kind's names (eager or lazy frame alike): aliases
    renamed, required columns checked, missing optional ones added as NULL, drift noted."""
    columns = frame.collect_schema().names()
    renames = {old: new for old, new in kind.aliases if old in columns and new not in columns}
    frame = frame.rename(renames)
    columns = [renames.get(c, c) for c in columns]
    data = [c for c in columns if c not in (*LINEAGE_COLUMNS, MALFORMED)]
    missing_required = [c for c in kind.required if c not in columns]
    if missing_required:
        raise SourceFileError(
            f"{path}: row 1 (header): missing required column(s) {missing_required} for source kind "
            f"{kind.key!r}; found {data} (delimiter {report.delimiter!r}, encoding {report.encoding})"
        )
    missing_optional = [c for c in kind.optional if c not in columns]
    extra = [c for c in data if c not in kind.columns]
    if missing_optional:
        report.notes.append(f"optional column(s) absent, filled with NULL: {missing_optional}")
    if extra:
        report.notes.append(f"extra column(s) kept in raw, not used: {extra}")
    frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing_optional])
    return frame.select([*data, *missing_optional, MALFORMED, *LINEAGE_COLUMNS])
