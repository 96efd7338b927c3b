"""Weekly partitions (weeks start Monday, Europe/Paris, from the first week of
`config/schedule.yaml`) and the as_of date of a partition; dynamic partitions of delivered round
files (one per file in the rounds drop folder)."""

from datetime import date, timedelta
from functools import cache

import dagster as dg

from warehouse.config import config_file, load_config

SCHEDULE_FILE = config_file("schedule.yaml")


@cache
def schedule_config() -> dict:
    """`config/schedule.yaml`: `first_week` (a date), `cron`, `timezone`."""
    config = load_config("schedule.yaml")
    first = config["first_week"]
    first = first if isinstance(first, date) else date.fromisoformat(str(first))
    if first.weekday() != 0:
        raise ValueError(f"{SCHEDULE_FILE}: first_week {first} is not a Monday")
    return {**config, "first_week": first}


FIRST_WEEK: date = schedule_config()["first_week"]

weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date=FIRST_WEEK.isoformat(),
    day_offset=1,
    timezone=schedule_config()["timezone"],
    end_offset=1,
)

# One partition per file delivered to the rounds drop folder (its file name), added by
# `round_drops_sensor`.
round_drops_partitions = dg.DynamicPartitionsDefinition(name="round_drops")


def week_start(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


def partition_key_for(day: date) -> str:
    return week_start(day).isoformat()


def check_week(day: date) -> None:
    """Fail, saying what to do, when `day` falls before the first weekly partition."""
    if week_start(day) < FIRST_WEEK:
        raise dg.Failure(
            f"as of {day} is before the first week {FIRST_WEEK} of the weekly partitions: "
            f"move `first_week` back in {SCHEDULE_FILE} to run that week"
        )


def resolve_as_of(partition_key: str, configured: date, today: date) -> date:
    """The date a weekly partition is scored as of: the configured as_of (default today) when it
    falls in that week, else the week's last day (never after today), so backfills of past weeks
    reproduce."""
    monday = date.fromisoformat(partition_key)
    if monday <= configured <= monday + timedelta(days=6):
        return configured
    return max(monday, min(monday + timedelta(days=6), today))
