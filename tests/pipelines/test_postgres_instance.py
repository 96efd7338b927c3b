"""The Dagster instance on PostgreSQL (docs/deployment.md): with `deploy/dagster-postgres.yaml` as
its dagster.yaml, a run of `dealflow_job` stores its run, event log, asset materializations and
check results in PostgreSQL tables, and nothing in SQLite files under DAGSTER_HOME.

The test starts its own PostgreSQL server from the Debian package's binaries, installing the
package when they are missing and it runs as root with apt-get; otherwise it skips, except under
CI (CI=true), where a missing server fails.
"""

import os
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from pipelines.runner import run_week
from tests.helpers import PROJECT_DIR, SAMPLE_SOURCES
from tests.postgres_server import PostgresServer, ServerUnavailable, postgres_server

pytestmark = pytest.mark.postgres

INSTANCE_YAML = PROJECT_DIR / "deploy" / "dagster-postgres.yaml"
AS_OF = date(2026, 11, 4)
DB_NAME = "dagster"
# The ingest group (every raw table and its GX checks) keeps the run short; the instance stores
# a subset run of the job exactly as a full one.
GROUPS = ["ingest"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def server():
    try:
        with postgres_server() as running:
            yield running
    except ServerUnavailable as exc:
        if in_ci():
            pytest.fail(f"CI must run the PostgreSQL instance test: {exc}")
        pytest.skip(str(exc))


@pytest.fixture
def dagster_home(tmp_path: Path, server: PostgresServer, monkeypatch) -> Path:
    """A DAGSTER_HOME holding deploy/dagster-postgres.yaml, its variables pointing at `server`."""
    server.create_database(DB_NAME)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML.read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_HOST", server.host)
    monkeypatch.setenv("DAGSTER_PG_PORT", str(server.port))
    monkeypatch.setenv("DAGSTER_PG_DB", DB_NAME)
    monkeypatch.setenv("DAGSTER_PG_USERNAME", server.username)
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", server.password)
    return home


def rows(server: PostgresServer, sql: str, params: tuple = ()) -> list[tuple]:
    con = server.connect(DB_NAME)
    try:
        with con.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        con.close()


def test_the_postgres_instance_file_only_adds_storage_to_the_local_one():
    postgres = yaml.safe_load(INSTANCE_YAML.read_text())
    local = yaml.safe_load((PROJECT_DIR / "dagster.yaml").read_text())
    assert set(postgres.pop("storage")) == {"postgres"}
    assert postgres == local


def test_a_run_through_the_postgres_instance_is_stored_in_postgres(
    server: PostgresServer, dagster_home: Path, tmp_path: Path
):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        result = run_week(
            SAMPLE_SOURCES, tmp_path / "home", AS_OF, groups=GROUPS, instance=instance
        )
    assert result.success
    run_id = result.run_id
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["raw", "crunchbase_companies"]) in materialized

    # The tables Dagster created in PostgreSQL hold the run ...
    assert rows(server, "SELECT pipeline_name, status FROM runs WHERE run_id = %s", (run_id,)) == [
        ("dealflow_job", "SUCCESS")
    ]
    assert rows(
        server,
        "SELECT value FROM run_tags WHERE run_id = %s AND key = 'dagster/partition'",
        (run_id,),
    ) == [("2026-11-02",)]
    # ... its event log, from start to success, with every materialization and check result.
    event_types = {
        t
        for (t,) in rows(
            server, "SELECT dagster_event_type FROM event_logs WHERE run_id = %s", (run_id,)
        )
    }
    expected = {
        dg.DagsterEventType.RUN_START,  # stored under its legacy name, PIPELINE_START
        dg.DagsterEventType.ASSET_MATERIALIZATION,
        dg.DagsterEventType.ASSET_CHECK_EVALUATION,
        dg.DagsterEventType.RUN_SUCCESS,
    }
    assert {t.value for t in expected} <= event_types
    stored_keys = rows(
        server,
        "SELECT DISTINCT asset_key FROM event_logs "
        "WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
        (run_id,),
    )
    assert {dg.AssetKey.from_db_string(k) for (k,) in stored_keys} == materialized
    assert rows(
        server,
        "SELECT count(*) FROM asset_check_executions WHERE run_id = %s",
        (run_id,),
    )[0][0] == len(list(result.get_asset_check_evaluations()))

    # A new instance from the same dagster.yaml (another process, the UI) reads it all back.
    with dg.DagsterInstance.get() as reopened:
        assert reopened.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
        latest = reopened.get_latest_materialization_event(
            dg.AssetKey(["raw", "crunchbase_companies"])
        )
        assert latest is not None and latest.run_id == run_id
    # Nothing went to the local SQLite storage.
    assert not list(dagster_home.rglob("*.db"))
