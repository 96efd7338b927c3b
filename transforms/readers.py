"""Read provider export files exactly as they are, into all-text polars frames with lineage.

Every value stays a string (typing happens in staging, where failures are counted, not lost).
What the reader copes with, and reports: gzip (by magic bytes), UTF-8 with or without BOM,
invalid UTF-8 bytes in a UTF-8 file (replaced), Latin-1/cp1252 and UTF-16 files, `,` `;` tab and
`|` delimiters (sniffed from the header), multi-line quoted cells, and records with the wrong
number of fields (kept with the raw text in `_malformed`, so staging can quarantine them).
What it refuses, with the file named: a missing, empty, binary or corrupt-gzip file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import polars as pl

from transforms.sources import SourceKind

LINEAGE_COLUMNS = ("_source_file", "_source_row", "_loaded_at")
MALFORMED = "_malformed"
DELIMITERS = (",", ";", "\t", "|")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class SourceFileError(ValueError):
    """A provider file cannot be read as declared. The message names file, row and column."""


@dataclass
class ReadReport:
    """How a file was read: shown in the raw asset's metadata."""

    encoding: str = "utf-8"
    delimiter: str = ","
    invalid_bytes_replaced: bool = False
    malformed_records: int = 0
    notes: list[str] = field(default_factory=list)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise SourceFileError(f"{path}: file not found")
    if path.is_dir():
        raise SourceFileError(f"{path}: is a folder, not a file")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise SourceFileError(f"{path}: corrupt or truncated gzip ({exc})") from exc
    return raw


def _is_valid_utf8(raw: bytes, chunk: int = 1 << 24) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(raw), chunk):
            decoder.decode(raw[start : start + chunk], final=start + chunk >= len(raw))
    except UnicodeDecodeError:
        return False
    return True


def to_utf8(raw: bytes, path: Path) -> tuple[bytes, ReadReport]:
    """The file's bytes as UTF-8 (BOM removed) and what was detected."""
    report = ReadReport()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.encoding = "utf-16"
        return raw.decode("utf-16").encode("utf-8"), report
    head = raw[:4096]
    if b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            report.encoding = (
                "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
            )
            return raw.decode(report.encoding, errors="replace").encode("utf-8"), report
        raise SourceFileError(f"{path}: binary content (NUL bytes) — not a CSV text file")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        report.notes.append("UTF-8 byte-order mark removed")
    if _is_valid_utf8(raw):
        return raw, report
    if _UTF8_MULTIBYTE.search(raw):  # mostly UTF-8 with some broken bytes: keep UTF-8, replace
        report.invalid_bytes_replaced = True
        report.notes.append("invalid UTF-8 bytes replaced with U+FFFD")
        return raw, report
    report.encoding = "cp1252"
    text = raw.decode("cp1252", errors="replace")
    return text.encode("utf-8"), report


def sniff_delimiter(raw: bytes) -> str:
    """The delimiter that splits the header line into the most fields (`,` on ties)."""
    header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _read_strict(raw: bytes, delimiter: str) -> pl.DataFrame:
    return pl.read_csv(
        io.BytesIO(raw),
        separator=delimiter,
        infer_schema=False,
        encoding="utf8-lossy",
        truncate_ragged_lines=False,
        raise_if_empty=False,
    ).with_columns(pl.lit(None, dtype=pl.String).alias(MALFORMED))


def _read_tolerant(raw: bytes, delimiter: str, path: Path, report: ReadReport) -> pl.DataFrame:
    """Record by record: a record whose field count differs from the header's is kept as one
    row whose `_malformed` column holds its text and line number."""
    reader = csv.reader(
        io.StringIO(raw.decode("utf-8", errors="replace"), newline=""), delimiter=delimiter
    )
    header = next(reader, None)
    if not header:
        raise SourceFileError(f"{path}: no header row")
    if len(set(header)) != len(header):
        raise SourceFileError(f"{path}: row 1 (header): duplicate column names {header}")
    rows: list[list[str | None]] = []
    start = reader.line_num + 1
    for record in reader:
        if len(record) == len(header):
            rows.append([*record, None])
        else:
            text = delimiter.join(record)[:500]
            rows.append(
                [None] * len(header)
                + [f"line {start}: {len(record)} fields, header has {len(header)}: {text}"]
            )
            report.malformed_records += 1
        start = reader.line_num + 1
    return pl.DataFrame(rows, schema=[*header, MALFORMED], orient="row")


def _normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip()


def read_provider_csv(
    path: Path | str, loaded_at: datetime | None = None
) -> tuple[pl.DataFrame, ReadReport]:
    """Read one CSV export as text columns plus `_malformed`, `_source_file`, `_source_row` (the
    1-based record number after the header; a multi-line quoted cell is one record) and
    `_loaded_at`. Raises `SourceFileError` naming the file when it cannot be read at all."""
    path = Path(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise SourceFileError(f"{path}: empty file (no header row)")
    raw, report = to_utf8(raw, path)
    report.delimiter = sniff_delimiter(raw)
    try:
        frame = _read_strict(raw, report.delimiter)
    except pl.exceptions.PolarsError:
        frame = _read_tolerant(raw, report.delimiter, path, report)
    frame = frame.rename({c: _normalise_header(c) for c in frame.columns})
    frame = frame.select([c for c in frame.columns if c])  # drop the unnamed trailing column
    stamp = loaded_at or datetime.now(UTC)
    return frame.with_columns(
        pl.lit(str(path)).alias("_source_file"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_source_row"),
        pl.lit(stamp).alias("_loaded_at"),
    ), report


EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def _cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold: dates ISO, whole numbers without
    `.0`, blanks NULL."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if hasattr(value, "isoformat"):  # date, time
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def read_provider_excel(
    path: Path | str, loaded_at: datetime | None = None
) -> tuple[pl.DataFrame, ReadReport]:
    """Read the first sheet of an Excel workbook (.xlsx) like `read_provider_csv`: the first row
    is the header, every value text (dates as ISO dates), `_source_row` the record number after
    the header (spreadsheet row minus one). Fully blank rows are skipped. Raises
    `SourceFileError` naming the file when it is not a readable workbook."""
    import openpyxl  # imported when an Excel file is declared, not at code-location load

    path = Path(path)
    if not path.is_file():
        raise SourceFileError(f"{path}: file not found")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise SourceFileError(f"{path}: not a readable Excel workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        report = ReadReport(encoding="xlsx", delimiter="")
        report.notes.append(f"Excel workbook, sheet {sheet.title!r}")
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header or not any(h is not None for h in header):
            raise SourceFileError(f"{path}: empty sheet {sheet.title!r} (no header row)")
        names = [_normalise_header(str(h)) if h is not None else "" for h in header]
        named = [i for i, n in enumerate(names) if n]
        if len({names[i] for i in named}) != len(named):
            raise SourceFileError(f"{path}: row 1 (header): duplicate column names {names}")
        records, numbers = [], []
        for number, row in enumerate(rows, start=1):
            cells = [_cell_text(row[i]) if i < len(row) else None for i in named]
            if any(c is not None for c in cells):
                records.append(cells)
                numbers.append(number)
    finally:
        book.close()
    frame = pl.DataFrame(
        records, schema={names[i]: pl.String for i in named}, orient="row"
    ).with_columns(pl.lit(None, dtype=pl.String).alias(MALFORMED))
    stamp = loaded_at or datetime.now(UTC)
    return frame.with_columns(
        pl.lit(str(path)).alias("_source_file"),
        pl.Series("_source_row", numbers, dtype=pl.Int64),
        pl.lit(stamp).alias("_loaded_at"),
    ), report


def read_provider_file(
    path: Path | str, loaded_at: datetime | None = None
) -> tuple[pl.DataFrame, ReadReport]:
    """`read_provider_excel` for an .xlsx workbook, else `read_provider_csv`."""
    if Path(path).suffix.lower() in EXCEL_SUFFIXES:
        return read_provider_excel(path, loaded_at)
    return read_provider_csv(path, loaded_at)


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
