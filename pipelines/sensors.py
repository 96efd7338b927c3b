"""Sensor: re-run the current week when a declared source file changes (off by default)."""

import hashlib
from datetime import date

import dagster as dg

from pipelines.jobs import dealflow_job
from pipelines.partitions import partition_key_for
from pipelines.resources import DealflowSettings
from transforms.sources import SourcesConfigError, load_sources


def sources_fingerprint(settings: DealflowSettings) -> str:
    """Hash of the sources YAML and each declared file's size and modification time."""
    path = settings.sources_path()
    parts = [f"{path}:{path.stat().st_mtime_ns}"]
    for kind, file in sorted(load_sources(path).files.items()):
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
