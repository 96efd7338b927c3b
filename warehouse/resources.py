"""Typed configuration and the one DuckDB writer.

Values come from explicit resource config (e.g. the launchpad) first, then the environment
variables of the configuration contract, then the bundled defaults. The environment is read when a
run starts, never at import time.
"""

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from warehouse.config import PROJECT_DIR
from warehouse.partitions import resolve_as_of
from warehouse.run_tags import run_tags
from warehouse.runs import OtherDatasetError, check_dataset, record_run
from warehouse.sql import install_macros
from warehouse.tables import SCRATCH_SCHEMA

DEFAULT_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.yaml"
DEFAULT_HOME = PROJECT_DIR / "data" / "warehouse"


def _setting(explicit: str, env_var: str) -> str:
    return explicit or os.environ.get(env_var, "")


def dataset_name(sources: Path) -> str:
    """The default home's folder for a sources file: its stem without a `sources.` prefix, or its
    folder's name when the file is just `sources.yaml` (`data/sample/sources.yaml` -> `sample`,
    `config/sources.shared-datasets.yaml` -> `shared-datasets`)."""
    stem = sources.stem
    for prefix in ("sources.", "sources-", "sources_"):
        if stem.startswith(prefix) and len(stem) > len(prefix):
            return stem[len(prefix) :]
    return sources.parent.name if stem == "sources" and sources.parent.name else stem


class DealflowSettings(dg.ConfigurableResource):
    """Where inputs and outputs are, and the date scores are computed as of.

    Empty values fall back to `DEALFLOW_SOURCES`, `DEALFLOW_HOME` and `DEALFLOW_AS_OF`, then to
    the bundled sample, `data/warehouse/<sources name>/` (one home per sources file, see
    `dataset_name`) and today. A home holds one dataset: a run on another sources file than the
    home's is refused (`warehouse/runs.py`).
    """

    sources: str = ""
    home: str = ""
    as_of: str = ""
    # companies per shortlist lane; 0: each lane's size in config/thesis.yaml (`lanes:`)
    shortlist_size: int = 0
    # scikit-learn workers (rows predicted and explained side by side, each on one native thread:
    # models/threads.py); 0 = one per core
    model_workers: int = 0
    # larger tables are checked in SQL (quality/sql_checks.py): at 192k rows and 48 expectations,
    # fetching and validating in GX took 2.9 s, the same counts in DuckDB 0.2 s
    gx_max_rows: int = 100_000

    def sources_path(self) -> Path:
        value = _setting(self.sources, "DEALFLOW_SOURCES")
        return Path(value).expanduser().resolve() if value else DEFAULT_SOURCES

    def home_path(self) -> Path:
        value = _setting(self.home, "DEALFLOW_HOME")
        path = (
            Path(value).expanduser().resolve()
            if value
            else DEFAULT_HOME / dataset_name(self.sources_path())
        )
        path.mkdir(parents=True, exist_ok=True)
        return path

    def as_of_date(self) -> date:
        value = _setting(self.as_of, "DEALFLOW_AS_OF")
        if not value:
            return date.today()
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise dg.Failure(f"DEALFLOW_AS_OF={value!r} is not an ISO date (YYYY-MM-DD)") from exc

    def week_as_of(self, partition_key: str | None) -> date:
        """The date a run of the week `partition_key` is scored as of: the configured as_of when
        it falls in that week, else the week's last day, never after today (`resolve_as_of`);
        the configured as_of for a run that is not weekly (no key, or a dropped file's)."""
        configured = self.as_of_date()
        try:
            date.fromisoformat(partition_key or "")
        except ValueError:
            return configured
        return resolve_as_of(partition_key, configured, date.today())

    def model_worker_count(self) -> int:
        """How many threads predict and explain the success model side by side."""
        if self.model_workers > 0:
            return self.model_workers
        # the cores this process may run on (a container may allow fewer than the machine has)
        cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        return max(1, len(cores) if cores else os.cpu_count() or 1)

    def pipeline_db(self) -> Path:
        """The pipeline's own DuckDB file (single writer; analysts never open it)."""
        return self.home_path() / "pipeline.duckdb"

    def replica_db(self) -> Path:
        """The analysts' read-only replica, swapped in atomically after each successful run."""
        return self.home_path() / "dealflow.duckdb"

    def outputs_dir(self) -> Path:
        path = self.home_path() / "shortlists"
        path.mkdir(parents=True, exist_ok=True)
        return path


class WriterLockTimeout(dg.Failure):
    """Another run holds the pipeline's writer lock for longer than this run may wait."""


class Warehouse(dg.ConfigurableResource):
    """The pipeline's DuckDB database. One connection per step, macros installed.

    `database` is any DuckDB database string: empty falls back to `DEALFLOW_WAREHOUSE`, then to
    `<home>/pipeline.duckdb`. A DuckDB-compatible service works by its connection string, e.g.
    `md:dealflow` for MotherDuck (token from `MOTHERDUCK_TOKEN`; see docs/deployment.md).

    A run holds `<home>/pipeline.lock` (an exclusive `flock`) from its first step to its end, so
    two runs never write the same warehouse at once: a second run waits up to
    `lock_timeout_seconds`, then fails without having written anything. The lock dies with its
    process, so a killed run never leaves it behind.
    """

    settings: DealflowSettings
    database: str = ""
    # DuckDB spills to disk past this; with Python, polars chunks and scikit-learn beside it the
    # run stays under 6 GiB of resident memory at 3M companies (benchmarks/README.md)
    memory_limit: str = "4GB"
    threads: int = 0
    lock_timeout_seconds: float = 1800.0
    _lock_file: object = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        path = self.settings.home_path() / "pipeline.lock"
        handle = open(path, "a+")  # noqa: SIM115  (held for the whole run, closed in teardown)
        deadline = time.monotonic() + self.lock_timeout_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    handle.close()
                    raise WriterLockTimeout(
                        f"another pipeline run ({holder}) is writing {self.settings.home_path()}; "
                        f"waited {self.lock_timeout_seconds:.0f}s, stopping without writing anything"
                    ) from None
                time.sleep(0.5)
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}, since {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        self._lock_file = handle
        try:
            self._start_run(context)
        except BaseException:
            self.teardown_after_execution(context)
            raise

    def _start_run(self, context: dg.InitResourceContext) -> None:
        """Refuse a run on another dataset than the home's, record the run in `meta.runs` and tag
        it with its sources file, as_of and week (shown in the UI's runs list)."""
        run = context.dagster_run
        if run is None:  # a resource built outside a run (tests)
            return
        key = run.tags.get("dagster/partition", "")
        try:
            week = date.fromisoformat(key)
        except ValueError:  # no partition, or a dropped file's
            week = None
        as_of = self.settings.week_as_of(key)
        sources = self.settings.sources_path()
        with self.connect() as con:
            try:
                check_dataset(con, sources, self.settings.home_path())
            except OtherDatasetError as exc:
                raise dg.Failure(str(exc)) from None
            record_run(con, run.run_id, run.job_name, sources, week, as_of)
        if context.instance is not None:
            tags = run_tags(
                sources, self.settings.home_path(), week.isoformat() if week else None, as_of
            )
            context.instance.add_run_tags(run.run_id, tags)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def database_target(self) -> str:
        """What `connect` opens: `database`, else `DEALFLOW_WAREHOUSE`, else the local file."""
        return _setting(self.database, "DEALFLOW_WAREHOUSE") or str(self.settings.pipeline_db())

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        config: dict[str, str | int] = {"memory_limit": self.memory_limit}
        if self.threads:
            config["threads"] = self.threads
        con = duckdb.connect(self.database_target(), config=config)
        try:
            for schema in ("raw", "staging", "ref", "core", "marts", "meta", SCRATCH_SCHEMA):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            install_macros(con)
            yield con
        finally:
            con.close()
