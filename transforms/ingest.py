"""Turn one declared provider file into the frame stored as its `raw.*` table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from transforms.readers import (
    LINEAGE_COLUMNS,
    MALFORMED,
    ReadReport,
    SourceFileError,
    read_provider_csv,
)
from transforms.sources import SourceKind


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
    frame, report = read_provider_csv(path, loaded_at=loaded_at)
    renames = {
        old: new for old, new in kind.aliases if old in frame.columns and new not in frame.columns
    }
    frame = frame.rename(renames)
    data = [c for c in frame.columns if c not in (*LINEAGE_COLUMNS, MALFORMED)]
    missing_required = [c for c in kind.required if c not in frame.columns]
    if missing_required:
        raise SourceFileError(
            f"{path}: row 1 (header): missing required column(s) {missing_required} for source kind "
            f"{kind.key!r}; found {data} (delimiter {report.delimiter!r}, encoding {report.encoding})"
        )
    missing_optional = [c for c in kind.optional if c not in frame.columns]
    extra = [c for c in data if c not in kind.columns]
    if missing_optional:
        report.notes.append(f"optional column(s) absent, filled with NULL: {missing_optional}")
    if extra:
        report.notes.append(f"extra column(s) kept in raw, not used: {extra}")
    frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing_optional])
    return frame.select([*data, *missing_optional, MALFORMED, *LINEAGE_COLUMNS]), report
