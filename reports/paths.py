"""Where a week's pack lives (no heavy import: the shortlist asset links it at load time)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

WORKBOOK = "shortlist.xlsx"
REPORT = "report.html"


def pack_folder(home: Path, week: date) -> Path:
    """`<home>/packs/<week_start>/`: one folder per week."""
    return home / "packs" / week.isoformat()
