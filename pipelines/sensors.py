"""Sensors: re-run the current week when a declared source file changes (off by default); load
each file delivered to the rounds drop folder as its own partition, then refresh the week's scores
from it (on by default; they do nothing until a drop folder is declared); backtest the success
model after each successful weekly run (on by default)."""

import hashlib
from datetime import date

import dagster as dg

from pipelines.jobs import (
    ROUND_DROP_ASSETS,
    ROUNDS_REFRESH_ASSETS,
    SUCCESS_MODELS,
    dealflow_job,
    model_evaluation_job,
    round_drops_job,
    rounds_refresh_job,
)
from transforms.drops import list_drops, new_or_changed, read_cursor, write_cursor
from transforms.sources import SourcesConfigError, load_sources
from warehouse.partitions import partition_key_for, round_drops_partitions
from warehouse.resources import DealflowSettings


def sources_fingerprint(settings: DealflowSettings) -> str:
    """Hash of the sources YAML and each declared file's (mapped exports' too) size and
    modification time."""
    path = settings.sources_path()
    parts = [f"{path}:{path.stat().st_mtime_ns}"]
    sources = load_sources(path)
    mapped = [(m.label, m.file) for m in sources.mapped]
    for kind, file in [*sorted(sources.files.items()), *mapped]:
        stat = file.stat() if file.exists() else None
        parts.append(
            f"{kind}:{file}:{stat.st_size if stat else -1}:{stat.st_mtime_ns if stat else -1}"
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dg.sensor(
    job=dealflow_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED
)
def source_files_sensor(context: dg.SensorEvaluationContext, settings: DealflowSettings):
    """Requests a run of the current week when the sources YAML or a declared file changed."""
    try:
        fingerprint = sources_fingerprint(settings)
    except (OSError, SourcesConfigError) as exc:
        return dg.SkipReason(f"sources not readable: {exc}")
    if fingerprint == context.cursor:
        return dg.SkipReason("no declared source file changed")
    context.update_cursor(fingerprint)
    key = partition_key_for(date.today())
    return dg.RunRequest(run_key=f"{key}:{fingerprint[:12]}", partition_key=key)


@dg.sensor(
    job=round_drops_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING
)
def round_drops_sensor(context: dg.SensorEvaluationContext, settings: DealflowSettings):
    """For each new or changed file in the rounds drop folder (`crunchbase: {rounds_drops:
    <folder>}`): adds its partition to `round_drops` and requests a run of `round_drops_job` for
    it. The cursor holds each file's size and modification time: a file delivered again unchanged
    is not loaded twice, a file that changed is loaded again (replacing its rows)."""
    try:
        folder = load_sources(settings.sources_path()).drop_folders.get("crunchbase.rounds")
    except (OSError, SourcesConfigError) as exc:
        return dg.SkipReason(f"sources not readable: {exc}")
    if folder is None:
        return dg.SkipReason("no rounds drop folder declared (crunchbase: rounds_drops)")
    seen = read_cursor(context.cursor)
    fresh = new_or_changed(list_drops(folder), seen)
    if not fresh:
        return dg.SkipReason(f"no new or changed file in {folder}")
    known = set(context.instance.get_dynamic_partitions(round_drops_partitions.name))
    added = [d.name for d in fresh if d.name not in known]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=f"{d.name}:{d.fingerprint}", partition_key=d.name) for d in fresh
        ],
        dynamic_partitions_requests=[round_drops_partitions.build_add_request(added)]
        if added
        else [],
        cursor=write_cursor(seen | {d.name: d.fingerprint for d in fresh}),
    )


def refresh_selection(instance: dg.DagsterInstance, week: str) -> list[dg.AssetKey]:
    """The assets a refresh of `week` materializes: the week's success model only when it has
    none yet (otherwise the model fitted earlier in the week scores the new rounds)."""
    fitted = week in instance.get_materialized_partitions(SUCCESS_MODELS)
    return [k for k in ROUNDS_REFRESH_ASSETS if not (fitted and k == SUCCESS_MODELS)]


@dg.asset_sensor(
    asset_key=ROUND_DROP_ASSETS[1],
    job=rounds_refresh_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def round_drops_refresh_sensor(
    context: dg.SensorEvaluationContext,
    asset_event: dg.EventLogEntry,
    settings: DealflowSettings,
):
    """When delivered rounds files have been staged (`staging/round_drops`), requests one run of
    `rounds_refresh_job` for the current week: rounds, exits and investor matches re-derived, the
    week's scores and shortlist rebuilt with the week's fitted success model, replica published.
    Several files staged since the last tick give one run (the sensor reads the latest staging)."""
    week = partition_key_for(settings.as_of_date())
    return dg.RunRequest(
        run_key=f"{week}:round_drops:{asset_event.run_id}",
        partition_key=week,
        asset_selection=refresh_selection(context.instance, week),
    )


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[dealflow_job],
    request_job=model_evaluation_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def model_evaluation_sensor(context: dg.RunStatusSensorContext):
    """After a successful weekly run, requests `model_evaluation_job` for the same week: the
    success model's backtest at past cutoffs, then the replica republished with it."""
    week = context.dagster_run.tags.get("dagster/partition")
    if week is None:
        return dg.SkipReason(f"run {context.dagster_run.run_id} has no weekly partition")
    return dg.RunRequest(run_key=f"{week}:{context.dagster_run.run_id}", partition_key=week)
