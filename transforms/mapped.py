"""Mapped exports: any provider's CSV or Excel download read through the column mapping the user
declares (`mapped_exports:` in the sources YAML), stacked by entity into one raw frame whose
columns are ours. Nothing is guessed: a mapped column the file does not have is an error naming
the file and the mapping key.
"""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import polars as pl

from transforms.ingest import empty_raw_frame
from transforms.readers import LINEAGE_COLUMNS, MALFORMED, ReadReport, SourceFileError
from transforms.readers import read_provider_file as read_file
from transforms.sources import MAPPED_KINDS, MappedExport
from warehouse.tables import registered


def _loose(name: str) -> str:
    """A header compared loosely: case, repeated spaces and a trailing unit of spaces ignored."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def resolve_columns(export: MappedExport, header: list[str]) -> dict[str, str]:
    """Our column -> the file's header name, exact first, else matched ignoring case and spacing.
    Raises `SourceFileError` naming the file, the header row and the mapping key."""
    loose = {}
    for name in header:
        loose.setdefault(_loose(name), name)
    resolved = {}
    for ours, theirs in export.columns.items():
        found = theirs if theirs in header else loose.get(_loose(theirs))
        if found is None:
            shown = [h for h in header if h not in (*LINEAGE_COLUMNS, MALFORMED)]
            raise SourceFileError(
                f"{export.file}: row 1 (header): {export.label} key 'columns.{ours}' names "
                f"column {theirs!r}, which the file does not have; its columns: {shown}"
            )
        resolved[ours] = found
    return resolved


def mapped_frame(
    export: MappedExport, loaded_at: datetime | None = None
) -> tuple[pl.DataFrame, ReadReport]:
    """One mapped file as the raw rows of its entity: our columns (unmapped ones NULL), the
    file's `amount_unit` and default currency on every row, `_malformed` and lineage."""
    frame, report = read_file(export.file, loaded_at=loaded_at)
    resolved = resolve_columns(export, frame.columns)
    kind = MAPPED_KINDS[export.entity]
    unused = [
        c
        for c in frame.columns
        if c not in resolved.values() and c not in (*LINEAGE_COLUMNS, MALFORMED)
    ]
    if unused:
        report.notes.append(f"{export.file.name}: column(s) not mapped, not used: {unused}")
    settings = {
        "amount_unit": repr(export.amount_unit),
        "default_currency": export.currency,
    }
    columns = [
        pl.col(resolved[c]).alias(c)
        if c in resolved
        else pl.lit(settings.get(c), dtype=pl.String).alias(c)
        for c in kind.columns
    ]
    return frame.select([*columns, MALFORMED, *LINEAGE_COLUMNS]), report


def mapped_raw_frame(
    entity: str, exports: tuple[MappedExport, ...], loaded_at: datetime | None = None
) -> tuple[pl.DataFrame, ReadReport]:
    """Every mapped file of `entity` stacked (declaration order), with one report for them all.
    No file: the entity's empty raw frame."""
    kind = MAPPED_KINDS[entity]
    if not exports:
        return empty_raw_frame(kind), ReadReport(notes=["no mapped export of this entity"])
    frames, notes, malformed = [], [], 0
    for export in exports:
        frame, report = mapped_frame(export, loaded_at)
        frames.append(frame)
        malformed += report.malformed_records
        notes += [f"{export.label}: {len(frame)} rows, {report.encoding}", *report.notes]
    stacked = pl.concat(frames, how="vertical")
    return stacked, ReadReport(
        encoding="mapped",
        delimiter="",
        malformed_records=malformed,
        notes=notes,
    )


def name_file_columns(
    con: duckdb.DuckDBPyConnection, source: str, exports: tuple[MappedExport, ...]
) -> None:
    """The staging ledger (`meta.quarantine`, `meta.value_issues`) of `source` names a mapped
    file's columns as its mapping does (e.g. `COMPANY NAME`, not our `company`), so a row can be
    found and fixed in the file; a value of no mapped column (the file's default currency) keeps
    our name."""
    rows = [(str(e.file), ours, theirs) for e in exports for ours, theirs in e.columns.items()]
    frame = pl.DataFrame(
        rows,
        schema={"source_file": pl.String, "ours": pl.String, "theirs": pl.String},
        orient="row",
    )
    with registered(con, "_mapped_columns", frame):
        for table in ("meta.quarantine", "meta.value_issues"):
            con.execute(
                f"UPDATE {table} AS t SET column_name = m.theirs FROM _mapped_columns AS m "
                "WHERE t.source = ? AND t.source_file = m.source_file AND t.column_name = m.ours",
                [source],
            )
