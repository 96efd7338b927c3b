"""Turn one declared provider file into the frame stored as its `raw.*` table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from transforms.readers import LINEAGE_COLUMNS, SourceFileError, read_provider_csv
from transforms.sources import SourceKind


def empty_raw_frame(kind: SourceKind) -> pl.DataFrame:
    """The raw table of a source that is not declared: its columns, no rows."""
    schema = {c: pl.String for c in kind.columns}
    schema |= {"_source_file": pl.String, "_source_row": pl.Int64}
    schema["_loaded_at"] = pl.Datetime("us", "UTC")
    return pl.DataFrame(schema=schema)


def raw_frame(
    kind: SourceKind, path: Path | None, loaded_at: datetime | None = None
) -> pl.DataFrame:
    """All columns of the file as text (extra ones kept), the kind's columns guaranteed present,
    lineage columns last."""
    if path is None:
        return empty_raw_frame(kind)
    frame = read_provider_csv(path, loaded_at=loaded_at)
    renames = {
        old: new for old, new in kind.aliases if old in frame.columns and new not in frame.columns
    }
    frame = frame.rename(renames)
    missing_required = [c for c in kind.required if c not in frame.columns]
    if missing_required:
        raise SourceFileError(
            f"{path}: row 1 (header): missing required column(s) {missing_required} for "
            f"source kind {kind.key!r}; found {[c for c in frame.columns if not c.startswith('_')]}"
        )
    frame = frame.with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in kind.optional if c not in frame.columns]
    )
    data = [c for c in frame.columns if c not in LINEAGE_COLUMNS]
    return frame.select([*data, *LINEAGE_COLUMNS])
