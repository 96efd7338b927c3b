"""Monday 07:00 Europe/Paris (config/schedule.yaml): materialize the shortlist for the week that
starts that day, the run tagged with the sources file, as_of and week it reads."""

import dagster as dg

from pipelines.jobs import dealflow_job
from warehouse.partitions import partition_key_for, schedule_config
from warehouse.resources import DealflowSettings
from warehouse.run_tags import run_tags


@dg.schedule(
    job=dealflow_job,
    cron_schedule=schedule_config()["cron"],
    execution_timezone=schedule_config()["timezone"],
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def dealflow_job_schedule(
    context: dg.ScheduleEvaluationContext, settings: DealflowSettings
) -> dg.RunRequest:
    """Runs the whole graph for the current week's partition (idempotent per week)."""
    key = partition_key_for(context.scheduled_execution_time.date())
    as_of = settings.week_as_of(key)
    return dg.RunRequest(
        run_key=key,
        partition_key=key,
        tags=run_tags(settings.sources_path(), settings.home_path(), key, as_of),
    )
