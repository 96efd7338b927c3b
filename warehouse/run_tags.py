"""The tags a run carries so the runs list says what it read: the sources file, as_of, the week
and the home it writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

SOURCES_TAG = "dealflow/sources"
AS_OF_TAG = "dealflow/as_of"
WEEK_TAG = "dealflow/week"
HOME_TAG = "dealflow/home"


def run_tags(sources: Path, home: Path, week: str | None, as_of: date) -> dict[str, str]:
    """Tags for a run of `week` (None for a run that is not weekly, e.g. a dropped file's)."""
    tags = {SOURCES_TAG: str(sources), AS_OF_TAG: as_of.isoformat(), HOME_TAG: str(home)}
    return tags | ({WEEK_TAG: week} if week else {})
