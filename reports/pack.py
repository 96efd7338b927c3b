"""The weekly pack on disk: `<home>/packs/<week_start>/shortlist.xlsx` and `report.html`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.data import PackData
from reports.frames import write_atomic
from reports.html import report_html
from reports.paths import REPORT, WORKBOOK
from reports.xlsx import workbook_bytes


@dataclass(frozen=True)
class PackFiles:
    folder: Path
    workbook: Path
    report: Path


def write_pack(folder: Path, data: PackData) -> PackFiles:
    """Build the workbook and the report in memory, then write each under a temporary name and
    rename it into place: a run that fails while building leaves the folder as it was (the week's
    previous pack, or none), and other weeks' folders are never touched."""
    workbook = workbook_bytes(data)
    report = report_html(data).encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    files = PackFiles(folder, folder / WORKBOOK, folder / REPORT)
    write_atomic(files.workbook, workbook)
    write_atomic(files.report, report)
    return files
