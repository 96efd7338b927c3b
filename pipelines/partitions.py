"""Weekly partitions (weeks start Monday, Europe/Paris) and the as_of date of a partition; dynamic
partitions of delivered round files (one per file in the rounds drop folder)."""

from datetime import date, timedelta

import dagster as dg

WEEK_START = "2000-01-03"

weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date=WEEK_START, day_offset=1, timezone="Europe/Paris", end_offset=1
)

# One partition per file delivered to the rounds drop folder (its file name), added by
# `round_drops_sensor`.
round_drops_partitions = dg.DynamicPartitionsDefinition(name="round_drops")


def week_start(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


def partition_key_for(day: date) -> str:
    return week_start(day).isoformat()


def resolve_as_of(partition_key: str, configured: date, today: date) -> date:
    """The date a weekly partition is scored as of: the configured as_of (default today) when it
    falls in that week, else the week's last day (never after today), so backfills of past weeks
    reproduce."""
    monday = date.fromisoformat(partition_key)
    if monday <= configured <= monday + timedelta(days=6):
        return configured
    return max(monday, min(monday + timedelta(days=6), today))
