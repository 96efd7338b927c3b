"""`make run`: materialize every asset for the week containing DEALFLOW_AS_OF (default today),
record the run in the project's Dagster instance, and say where the results are."""

import os
import sys
import time
from pathlib import Path

import dagster as dg

from pipelines.partitions import partition_key_for
from pipelines.resources import DealflowSettings

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _instance() -> dg.DagsterInstance:
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    dagster_yaml = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text((PROJECT_DIR / "dagster.yaml").read_text())
    return dg.DagsterInstance.get()


def main() -> int:
    from pipelines.definitions import defs

    settings = DealflowSettings()
    try:
        as_of = settings.as_of_date()
    except dg.Failure as exc:
        print(f"error: {exc.description}", file=sys.stderr)
        return 2
    key = partition_key_for(as_of)
    started = time.perf_counter()
    result = defs.resolve_job_def("dealflow_job").execute_in_process(
        instance=_instance(),
        partition_key=key,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    seconds = time.perf_counter() - started
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        for event in failures:
            error = event.step_failure_data.error
            while error is not None and error.cause is not None:
                error = error.cause
            message = error.message.strip() if error else "failed"
            print(f"error in {event.step_key}: {message}", file=sys.stderr)
        print(
            f"run {result.run_id} FAILED after {seconds:.1f}s; the analyst replica was not replaced.",
            file=sys.stderr,
        )
        return 1
    print(f"run {result.run_id} succeeded in {seconds:.1f}s (week {key}, as of {as_of})")
    print(f"shortlist:         {settings.outputs_dir() / f'shortlist_{key}.csv'}")
    print(f"                   table marts.weekly_shortlist, week_start = '{key}'")
    print(
        f"analyst database:  {settings.replica_db()}  (open read-only: duckdb -readonly {settings.replica_db()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
