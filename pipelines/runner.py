"""Run the job in-process for one week with the configuration contract's variables set: shared by
the tests and the benchmarks (`make run` goes through pipelines/cli.py with the real instance)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from warehouse.partitions import partition_key_for
from warehouse.resources import default_unset_variables, settings_from_environment


@contextmanager
def contract_env(**values: str | None) -> Iterator[None]:
    """Set the DEALFLOW_* variables (sources=, home=, as_of=, warehouse=) for the duration; None
    unsets ("" is the variable's default: a run needs every variable set, see
    `default_unset_variables`)."""
    keys = {f"DEALFLOW_{k.upper()}": v for k, v in values.items()}
    saved = {k: os.environ.get(k) for k in keys}
    try:
        for k, v in keys.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_week(
    sources: Path,
    home: Path,
    as_of: date,
    raise_on_error: bool = True,
    groups: list[str] | None = None,
    instance: dg.DagsterInstance | None = None,
    job_name: str = "dealflow_job",
    settings: dict | None = None,
) -> dg.ExecuteInProcessResult:
    """Materialize every asset of `job_name` (the weekly `dealflow_job` unless told, or only the
    job's assets in `groups`) for the week containing `as_of`, into `home`, on an ephemeral
    instance unless one is given; `settings` sets other fields of the `settings` resource (e.g.
    `{"gx_max_rows": 0}`), as the launchpad would."""
    job = defs.resolve_job_def(job_name)
    selection = None
    if groups:
        in_job = job.asset_layer.executable_asset_keys  # the drop assets are another job's
        graph = defs.resolve_asset_graph()
        selection = [k for k in dg.AssetSelection.groups(*groups).resolve(graph) if k in in_job]
    # The warehouse is always the file in `home`: a run from here never writes DEALFLOW_WAREHOUSE.
    with contract_env(sources=str(sources), home=str(home), as_of=as_of.isoformat(), warehouse=""):
        return job.execute_in_process(
            partition_key=partition_key_for(as_of),
            instance=instance or dg.DagsterInstance.ephemeral(),
            raise_on_error=raise_on_error,
            asset_selection=selection,
            run_config={"resources": {"settings": {"config": settings}}} if settings else None,
        )


@dataclass
class SensorTick:
    """What one evaluation of a sensor asked for, and the runs executed for it."""

    sensor: str
    run_requests: list[dg.RunRequest]
    skip_message: str | None
    cursor: str | None
    results: list[dg.ExecuteInProcessResult] = field(default_factory=list)


def tick_and_run(
    sensor_name: str,
    instance: dg.DagsterInstance,
    cursor: str | None = None,
    raise_on_error: bool = True,
) -> SensorTick:
    """Evaluate one sensor of the code location once (as the daemon does: its dynamic partitions
    added to `instance`), then execute each run it requested, in process, on `instance`. The
    DEALFLOW_* variables must already be set (see `contract_env`); unset ones mean their default."""
    default_unset_variables()
    sensor = defs.resolve_sensor_def(sensor_name)
    context = dg.build_sensor_context(
        instance=instance,
        instance_ref=instance.get_ref(),
        cursor=cursor,
        sensor_name=sensor_name,
        definitions=defs,
        resources={"settings": settings_from_environment()},
    )
    data = sensor.evaluate_tick(context)
    for request in data.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
    tick = SensorTick(sensor_name, list(data.run_requests or []), data.skip_message, data.cursor)
    for request in tick.run_requests:
        job = defs.resolve_job_def(request.job_name or sensor.job_name)
        tick.results.append(
            job.execute_in_process(
                partition_key=request.partition_key,
                asset_selection=request.asset_selection,
                instance=instance,
                raise_on_error=raise_on_error,
                tags=dict(request.tags),
            )
        )
    return tick


def run_drops(
    sources: Path,
    home: Path,
    as_of: date,
    instance: dg.DagsterInstance,
    drops_cursor: str | None = None,
    raise_on_error: bool = True,
) -> tuple[SensorTick, SensorTick | None]:
    """The incremental path, as the sensor daemon would run it: `round_drops_sensor` loads each
    new file of the rounds drop folder (one `round_drops_job` run per file), then, when any was
    staged, `round_drops_refresh_sensor` refreshes the week (one `rounds_refresh_job` run). The
    instance must be persistent (`dg.instance_for_test()`) and have seen the week's full run."""
    with contract_env(sources=str(sources), home=str(home), as_of=as_of.isoformat(), warehouse=""):
        drops = tick_and_run("round_drops_sensor", instance, drops_cursor, raise_on_error)
        if not drops.results or not all(r.success for r in drops.results):
            return drops, None
        refresh = tick_and_run(
            "round_drops_refresh_sensor", instance, None, raise_on_error=raise_on_error
        )
        return drops, refresh
