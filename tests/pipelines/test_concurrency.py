"""One writer at a time, and a killed run never hurts what analysts have.

Two runs started at once: the second waits for the writer lock and both succeed. A run killed
with SIGKILL halfway leaves the replica byte-for-byte intact and the next run succeeds.
"""

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from tests.helpers import PROJECT_DIR, SAMPLE_SOURCES, expected_shortlist_rows, query
from warehouse.resources import DealflowSettings, Warehouse, WriterLockTimeout

AS_OF = "2026-11-04"


def cli(home: Path, dagster_home: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEALFLOW_SOURCES": str(SAMPLE_SOURCES),
        "DEALFLOW_HOME": str(home),
        "DEALFLOW_AS_OF": AS_OF,
        "DEALFLOW_WAREHOUSE": "",  # the file in `home`, whatever the caller's environment says
        "DAGSTER_HOME": str(dagster_home),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "--no-evaluation"],  # the weekly run only
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_held_writer_lock_makes_a_run_wait_then_fail_clearly(tmp_path):
    warehouse = Warehouse(settings=DealflowSettings(home=str(tmp_path)), lock_timeout_seconds=1)
    with open(tmp_path / "pipeline.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 4242, since 2026-11-26T08:00:00+00:00")
        held.flush()
        started = time.monotonic()
        with pytest.raises(WriterLockTimeout, match=r"another pipeline run \(pid 4242.*waited 1s"):
            warehouse.setup_for_execution(dg.build_init_resource_context())
        assert time.monotonic() - started >= 1
    warehouse.setup_for_execution(dg.build_init_resource_context())  # free again: acquired
    assert f"pid {os.getpid()}" in (tmp_path / "pipeline.lock").read_text()
    warehouse.teardown_after_execution(dg.build_init_resource_context())


@pytest.fixture(scope="module")
def serialised(tmp_path_factory) -> tuple[Path, list]:
    """Two runs started at once on one home: (the home, their outputs and return codes)."""
    tmp = tmp_path_factory.mktemp("concurrency")
    first, second = cli(tmp / "home", tmp / "dh1"), cli(tmp / "home", tmp / "dh2")
    outputs = [(*p.communicate(timeout=600), p.returncode) for p in (first, second)]
    return tmp / "home", outputs


def test_two_runs_started_at_once_are_serialised(serialised):
    home, outputs = serialised
    assert [code for *_, code in outputs] == [0, 0], outputs
    shortlist = query(home / "dealflow.duckdb", "SELECT count(*) AS n FROM marts.weekly_shortlist")
    assert shortlist["n"][0] == expected_shortlist_rows(home / "dealflow.duckdb") > 0


def test_sigkill_halfway_leaves_the_replica_intact(serialised, tmp_path):
    home = serialised[0]  # published by the two runs above
    replica = home / "dealflow.duckdb"
    before = sha(replica)

    victim = cli(home, tmp_path / "dh")
    deadline = time.monotonic() + 120
    while f"pid {victim.pid}" not in (home / "pipeline.lock").read_text():
        assert time.monotonic() < deadline and victim.poll() is None
        time.sleep(0.05)
    time.sleep(1.0)  # the run is past ingest, in the middle of its steps
    assert victim.poll() is None, "the run finished before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert sha(replica) == before  # byte-for-byte as published

    again = cli(home, tmp_path / "dh")
    _out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    listed = query(replica, "SELECT count(*) AS n FROM marts.weekly_shortlist")["n"][0]
    assert listed == expected_shortlist_rows(replica) > 0
    assert not (home / "dealflow.duckdb.tmp").exists()
