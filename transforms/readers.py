"""Read provider export files exactly as they are, into all-text polars frames with lineage.

Every value stays a string (typing happens in staging, where failures are counted, not lost).
Invalid UTF-8 is replaced, never fatal; gzip is detected from the file's magic bytes.
"""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

LINEAGE_COLUMNS = ("_source_file", "_source_row", "_loaded_at")


class SourceFileError(ValueError):
    """A provider file cannot be read as declared. The message names file, row and column."""


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise SourceFileError(f"{path}: file not found")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise SourceFileError(f"{path}: corrupt or truncated gzip ({exc})") from exc
    return raw


def _normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip()


def read_provider_csv(path: Path | str, loaded_at: datetime | None = None) -> pl.DataFrame:
    """Read one CSV export as text columns plus `_source_file`, `_source_row`, `_loaded_at`.

    `_source_row` is the 1-based record number after the header (a multi-line quoted cell is one
    record). Raises `SourceFileError` naming the file when it cannot be read as CSV.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        frame = pl.read_csv(
            io.BytesIO(raw),
            infer_schema=False,
            encoding="utf8-lossy",
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise SourceFileError(f"{path}: not a readable CSV file ({exc})") from exc
    frame = frame.rename({c: _normalise_header(c) for c in frame.columns})
    frame = frame.select([c for c in frame.columns if c])  # drop the unnamed trailing column
    stamp = loaded_at or datetime.now(UTC)
    return frame.with_columns(
        pl.lit(str(path)).alias("_source_file"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_source_row"),
        pl.lit(stamp).alias("_loaded_at"),
    )
