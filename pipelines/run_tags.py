"""The tags a run carries so the runs list says what it read: the sources file, as_of, the week
and the home it writes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.resources import DealflowSettings

SOURCES_TAG = "dealflow/sources"
AS_OF_TAG = "dealflow/as_of"
WEEK_TAG = "dealflow/week"
HOME_TAG = "dealflow/home"


def run_tags(settings: DealflowSettings, week: str | None, as_of: date) -> dict[str, str]:
    """Tags for a run of `week` (None for a run that is not weekly, e.g. a dropped file's)."""
    tags = {
        SOURCES_TAG: str(settings.sources_path()),
        AS_OF_TAG: as_of.isoformat(),
        HOME_TAG: str(settings.home_path()),
    }
    return tags | ({WEEK_TAG: week} if week else {})
