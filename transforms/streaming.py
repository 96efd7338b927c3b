"""Read large provider files into DuckDB without holding them in memory, with the same result as
`transforms.readers.read_provider_csv` (tests/transforms/test_streaming.py reads every case both
ways and compares).

1. One streaming pass in Python over the (gunzipped) bytes checks what the whole-file reader
   checks (empty, binary, valid UTF-8, any UTF-8 multi-byte sequence) and writes a plain copy
   when the file is gzipped or starts with a byte-order mark; a cp1252 file is then transcoded to
   UTF-8 chunk by chunk (a single-byte code, so chunks cut anywhere).
2. polars' streaming engine parses that file with the same parser and options as the in-memory
   reader (`scan_csv`, every column text, invalid UTF-8 replaced) and writes Parquet in batches;
   a file with records of the wrong field count is read instead record by record (`csv`), each
   such record kept in `_malformed` with its line, in batches.
3. DuckDB creates the raw table from that Parquet file.

Files that start as UTF-16 are left to the whole-file reader (they are small in practice).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb
import polars as pl

from transforms.readers import (
    _UTF8_MULTIBYTE,
    MALFORMED,
    ReadReport,
    SourceFileError,
    _normalise_header,
    conform,
    sniff_delimiter,
)
from transforms.sources import SourceKind

CHUNK_BYTES = 1 << 24
HEAD_BYTES = 1 << 16
TOLERANT_BATCH_ROWS = 100_000
BOM = b"\xef\xbb\xbf"


class NotStreamable(Exception):
    """The file needs the whole-file reader (UTF-16, or an oddity seen in its first bytes)."""


def _is_gzip(path: Path) -> bool:
    if not path.exists():
        raise SourceFileError(f"{path}: file not found")
    if path.is_dir():
        raise SourceFileError(f"{path}: is a folder, not a file")
    with path.open("rb") as raw:
        return raw.read(2) == b"\x1f\x8b"


def _chunks(path: Path, is_gzip: bool) -> Iterator[bytes]:
    """The file's bytes (gunzipped), a chunk at a time."""
    with gzip.open(path, "rb") if is_gzip else path.open("rb") as stream:
        try:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk
        except (OSError, EOFError) as exc:
            raise SourceFileError(f"{path}: corrupt or truncated gzip ({exc})") from exc


def _head(path: Path, is_gzip: bool) -> bytes:
    """The first bytes of the (gunzipped) file: where the whole-file reader looks for NULs."""
    with gzip.open(path, "rb") if is_gzip else path.open("rb") as stream:
        try:
            return stream.read(HEAD_BYTES)
        except (OSError, EOFError) as exc:
            raise SourceFileError(f"{path}: corrupt or truncated gzip ({exc})") from exc


def _plain_utf8(path: Path, workdir: Path) -> tuple[Path, ReadReport]:
    """A plain (not gzipped, no BOM) file of the input's text for polars, and what was detected
    -- the decisions of `readers.to_utf8`, taken over the whole file in one streaming pass."""
    report = ReadReport()
    is_gzip = _is_gzip(path)
    target = workdir / "plain.csv"
    copy: BinaryIO | None = None
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid, multibyte, content, tail, first = True, False, False, b"", True
    head = _head(path, is_gzip)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise NotStreamable("UTF-16 or binary")  # the whole-file reader decides
    try:
        for chunk in _chunks(path, is_gzip):
            if first:
                if chunk.startswith(BOM):
                    chunk = chunk[len(BOM) :]
                    report.notes.append("UTF-8 byte-order mark removed")
                if is_gzip or report.notes:
                    copy = target.open("wb")
                first = False
            content = content or bool(chunk.strip())
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
            if not multibyte:
                multibyte = bool(_UTF8_MULTIBYTE.search(tail + chunk))
                tail = chunk[-3:]
            if copy is not None:
                copy.write(chunk)
        if valid:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                valid = False
    finally:
        if copy is not None:
            copy.close()
    if not content:
        raise SourceFileError(f"{path}: empty file (no header row)")
    source = target if copy is not None else path
    if valid:
        return source, report
    if multibyte:
        report.invalid_bytes_replaced = True
        report.notes.append("invalid UTF-8 bytes replaced with U+FFFD")
        return source, report
    report.encoding = "cp1252"
    transcoded = workdir / "utf8.csv"
    with source.open("rb") as src, transcoded.open("wb") as out:
        while chunk := src.read(CHUNK_BYTES):
            out.write(chunk.decode("cp1252", errors="replace").encode("utf-8"))
    return transcoded, report


def _lineage(frame: pl.LazyFrame | pl.DataFrame, path: Path, stamp: datetime, offset: int = 1):
    return frame.with_row_index("_source_row", offset=offset).with_columns(
        pl.lit(str(path)).alias("_source_file"),
        pl.col("_source_row").cast(pl.Int64),
        pl.lit(stamp).alias("_loaded_at"),
    )


def _named(frame: pl.LazyFrame | pl.DataFrame):
    names = frame.collect_schema().names()
    frame = frame.rename({c: _normalise_header(c) for c in names})
    return frame.select([c for c in (_normalise_header(c) for c in names) if c])


def _strict_parquet(
    plain: Path, report: ReadReport, kind: SourceKind, path: Path, stamp: datetime, out: Path
) -> None:
    lazy = pl.scan_csv(
        plain,
        separator=report.delimiter,
        infer_schema=False,
        encoding="utf8-lossy",
        truncate_ragged_lines=False,
        raise_if_empty=False,
    ).with_columns(pl.lit(None, dtype=pl.String).alias(MALFORMED))
    lazy = _lineage(_named(lazy), path, stamp)
    conform(lazy, kind, path, report).sink_parquet(out)


def _tolerant_parquet(
    plain: Path, report: ReadReport, kind: SourceKind, path: Path, stamp: datetime, out: Path
) -> None:
    """`readers._read_tolerant`, record by record from the file, written in batches."""
    with plain.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        reader = csv.reader(text, delimiter=report.delimiter)
        header = next(reader, None)
        if not header:
            raise SourceFileError(f"{path}: no header row")
        if len(set(header)) != len(header):
            raise SourceFileError(f"{path}: row 1 (header): duplicate column names {header}")
        schema = {c: pl.String for c in [*header, MALFORMED]}
        writer, rows, done = None, [], 0
        start = reader.line_num + 1
        try:
            for record in reader:
                if len(record) == len(header):
                    rows.append([*record, None])
                else:
                    text_ = report.delimiter.join(record)[:500]
                    rows.append(
                        [None] * len(header)
                        + [f"line {start}: {len(record)} fields, header has {len(header)}: {text_}"]
                    )
                    report.malformed_records += 1
                start = reader.line_num + 1
                if len(rows) >= TOLERANT_BATCH_ROWS:
                    writer = _write_batch(
                        writer, rows, schema, done, kind, path, report, stamp, out
                    )
                    done, rows = done + len(rows), []
            if rows or writer is None:
                writer = _write_batch(writer, rows, schema, done, kind, path, report, stamp, out)
        finally:
            if writer is not None:
                writer.close()
    report.notes = list(dict.fromkeys(report.notes))  # each batch noted the same drift


def _write_batch(writer, rows, schema, done, kind, path, report, stamp, out):
    import pyarrow.parquet as pq

    frame = pl.DataFrame(rows, schema=schema, orient="row")
    frame = conform(_lineage(_named(frame), path, stamp, offset=done + 1), kind, path, report)
    table = frame.to_arrow()
    if writer is None:
        writer = pq.ParquetWriter(str(out), table.schema)
    writer.write_table(table)
    return writer


def load_large_csv(
    con: duckdb.DuckDBPyConnection,
    table: str,
    kind: SourceKind,
    path: Path,
    loaded_at: datetime | None = None,
    workdir: Path | None = None,
) -> ReadReport:
    """Create `table` from a provider file as `raw_frame` would shape it, streaming. Raises
    `NotStreamable` (nothing written) when the whole-file reader must read it."""
    stamp = loaded_at or datetime.now(UTC)
    folder = Path(tempfile.mkdtemp(prefix="dealflow-ingest-", dir=workdir))
    try:
        plain, report = _plain_utf8(path, folder)
        with plain.open("rb") as head:
            report.delimiter = sniff_delimiter(head.read(HEAD_BYTES))
        out = folder / "raw.parquet"
        try:
            _strict_parquet(plain, report, kind, path, stamp, out)
        except pl.exceptions.PolarsError:
            out.unlink(missing_ok=True)
            _tolerant_parquet(plain, report, kind, path, stamp, out)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet(?)", [str(out)])
        return report
    finally:
        shutil.rmtree(folder, ignore_errors=True)
