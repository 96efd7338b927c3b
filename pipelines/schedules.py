"""Monday 07:00 Europe/Paris: materialize the shortlist for the week that starts that day."""

import dagster as dg

from pipelines.jobs import dealflow_job
from pipelines.partitions import partition_key_for


@dg.schedule(
    job=dealflow_job,
    cron_schedule="0 7 * * 1",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def dealflow_job_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Runs the whole graph for the current week's partition (idempotent per week)."""
    key = partition_key_for(context.scheduled_execution_time.date())
    return dg.RunRequest(run_key=key, partition_key=key)
