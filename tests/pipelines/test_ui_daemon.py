"""`make ui` (python -m pipelines.ui: `dagster dev`) runs the webserver and the daemon together:
a run submitted through the webserver's GraphQL leaves the queue and finishes, the weekly
schedule's tick produces a run tagged with what it reads, and one signal stops both."""

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR
from tests.pipelines.tiny_sources import write_sources
from tests.ui_server import RunningUI, graphql, make_ui, new_instance

pytestmark = pytest.mark.webserver

LOCATION = "pipelines.definitions"  # workspace.yaml's python_module
REPOSITORY = "__repository__"
SCHEDULE = "dealflow_job_schedule"
RUN_FIELDS = "runId status tags { key value }"


def runs(ui: RunningUI, tags: dict[str, str] | None = None) -> list[dict]:
    tag_filter = [{"key": k, "value": v} for k, v in (tags or {}).items()]
    data = graphql(
        ui.url,
        "query($tags: [ExecutionTag!]) { runsOrError(filter: {tags: $tags}) "
        f"{{ ... on Runs {{ results {{ {RUN_FIELDS} }} }} }} }}",
        {"tags": tag_filter},
    )
    return [
        {**r, "tags": {t["key"]: t["value"] for t in r["tags"]}}
        for r in data["runsOrError"]["results"]
    ]


def wait_until(what: str, probe, seconds: float = 240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(1)
    raise TimeoutError(what)


def seed_schedule_state(dagster_home: Path) -> None:
    """The schedule as if started a week ago: the daemon's first iteration then has last
    Monday's 07:00 tick to evaluate (Dagster's scheduler evaluates the ticks since the schedule's
    start timestamp, at most `max_catchup_runs`)."""
    from dagster import DagsterInstance
    from dagster._core.remote_origin import (
        InProcessCodeLocationOrigin,
        RemoteInstigatorOrigin,
        RemoteRepositoryOrigin,
    )
    from dagster._core.scheduler.instigation import (
        InstigatorState,
        InstigatorStatus,
        InstigatorType,
        ScheduleInstigatorData,
    )
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    from warehouse.partitions import schedule_config

    target = LoadableTargetOrigin(
        executable_path=sys.executable, module_name=LOCATION, working_directory=str(PROJECT_DIR)
    )
    origin = RemoteInstigatorOrigin(
        RemoteRepositoryOrigin(
            InProcessCodeLocationOrigin(target, location_name=LOCATION), REPOSITORY
        ),
        SCHEDULE,
    )
    started = (datetime.now(UTC) - timedelta(days=7, minutes=-1)).timestamp()  # one Monday
    state = InstigatorState(
        origin,
        InstigatorType.SCHEDULE,
        InstigatorStatus.RUNNING,
        ScheduleInstigatorData(schedule_config()["cron"], start_timestamp=started),
    )
    with DagsterInstance.from_ref(_instance_ref(dagster_home)) as instance:
        instance.add_instigator_state(state)


def _instance_ref(dagster_home: Path):
    from dagster._core.instance.ref import InstanceRef

    return InstanceRef.from_dir(str(dagster_home))


def test_make_ui_runs_the_webserver_and_the_daemon(tmp_path: Path):
    dagster_home = new_instance(tmp_path / "dagster_home")
    sources = write_sources(tmp_path / "tiny")
    home = tmp_path / "home"
    seed_schedule_state(dagster_home)
    with make_ui(dagster_home, sources, home) as ui:
        # (b) the schedule's tick produced a run, tagged with what it reads
        scheduled = wait_until(
            "a run of the schedule's tick",
            lambda: runs(ui, {"dagster/schedule_name": SCHEDULE}),
        )[0]
        tags = scheduled["tags"]
        assert tags["dealflow/sources"] == str(sources)
        assert tags["dealflow/home"] == str(home)
        week = tags["dealflow/week"]
        assert tags["dagster/partition"] == week
        assert datetime.fromisoformat(week).weekday() == 0
        assert "dealflow/as_of" in tags
        # the whole week's run is not this test's subject: stop it so the queue moves on
        graphql(
            ui.url,
            "mutation($id: String!) { terminateRun(runId: $id) { __typename } }",
            {"id": scheduled["runId"]},
        )
        wait_until(
            "the scheduled run to stop",
            lambda: (
                runs(ui, {"dagster/schedule_name": SCHEDULE})[0]["status"]
                in ("CANCELED", "FAILURE", "SUCCESS")
            ),
        )

        # (a) a run launched through the webserver is queued, then launched by the daemon
        launched = graphql(
            ui.url,
            "mutation($p: ExecutionParams!) { launchPipelineExecution(executionParams: $p) {"
            f" __typename ... on LaunchRunSuccess {{ run {{ {RUN_FIELDS} }} }}"
            " ... on PythonError { message } } }",
            {
                "p": {
                    "selector": {
                        "repositoryLocationName": LOCATION,
                        "repositoryName": REPOSITORY,
                        "pipelineName": "dealflow_job",
                        # one step: it writes both tables (a multi-asset runs whole)
                        "assetSelection": [
                            {"path": ["ref", "round_stage_map"]},
                            {"path": ["ref", "stages"]},
                        ],
                    },
                    "mode": "default",
                    "runConfigData": {},
                    "executionMetadata": {"tags": [{"key": "dagster/partition", "value": week}]},
                }
            },
        )["launchPipelineExecution"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        assert launched["run"]["status"] in ("QUEUED", "STARTING", "STARTED"), launched

        def finished() -> dict | None:
            run = next(r for r in runs(ui) if r["runId"] == run_id)
            return run if run["status"] in ("SUCCESS", "FAILURE", "CANCELED") else None

        run = wait_until("the daemon to launch and finish the queued run", finished)
        assert run["status"] == "SUCCESS", ui.log.read_text()[-3000:]
        assert run["tags"]["dealflow/sources"] == str(sources)  # tagged when the run starts
        assert run["tags"]["dealflow/week"] == week
    # webserver, daemon and code server went with the one SIGTERM
    assert ui.stopped_cleanly, "`dagster dev` left processes behind after SIGTERM"
