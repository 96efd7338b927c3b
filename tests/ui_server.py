"""`make ui` for tests: `python -m pipelines.ui` (`dagster dev`: webserver and daemon) on a free
port, in its own Dagster instance folder, with the sources, home and as-of given; its GraphQL API;
and one SIGTERM that must take every process it started with it."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.helpers import PROJECT_DIR
from tests.pipelines.test_webserver import free_port, wait_for


def new_instance(folder: Path) -> Path:
    """A DAGSTER_HOME holding the project's instance file (local SQLite)."""
    folder.mkdir(parents=True)
    (folder / "dagster.yaml").write_text((PROJECT_DIR / "dagster.yaml").read_text())
    return folder


@dataclass
class RunningUI:
    port: int
    log: Path
    # set once stopped: whether SIGTERM took the webserver, daemon and code server with it
    stopped_cleanly: bool | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def make_ui(
    dagster_home: Path, sources: Path, home: Path, as_of: date | None = None
) -> Iterator[RunningUI]:
    """What `make ui` runs, on another port, until the block ends; then SIGTERM (killing the
    process group only if something outlived it)."""
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "DEALFLOW_SOURCES": str(sources),
        "DEALFLOW_HOME": str(home),
    }
    env.pop("DEALFLOW_WAREHOUSE", None)
    env.pop("DEALFLOW_AS_OF", None)
    if as_of is not None:
        env["DEALFLOW_AS_OF"] = as_of.isoformat()
    ui = RunningUI(free_port(), dagster_home.parent / "ui.log")
    with open(ui.log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines.ui", "--port", str(ui.port)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(f"{ui.url}/server_info", seconds=120)
        yield ui
    finally:
        ui.stopped_cleanly = _stop(proc)


def _stop(proc: subprocess.Popen) -> bool:
    os.kill(proc.pid, signal.SIGTERM)  # the one process `make ui` started
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.5)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    return False


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    """The answer's data from the webserver at `url` (errors fail the test)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"{url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert "errors" not in answer, answer
    return answer["data"]
