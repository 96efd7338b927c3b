"""Typed configuration and the one DuckDB writer.

Values come from the resources' config: the code location binds them to the environment variables
of the configuration contract with `dg.EnvVar` (pipelines/definitions.py, documented in
`.env.example`), which the launchpad can override for a run; an empty value means the bundled
default. Dagster reads the variables when a run (or a sensor's tick) starts, never at import time,
and refuses an unset one: the entry points call `default_unset_variables()` first. Path methods
compute paths only; folders are created where something is written (`Warehouse`'s setup, the
writers).
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
from warehouse.tables import SCRATCH_SCHEMA, STATE_SCHEMA

DEFAULT_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.yaml"
DEFAULT_HOME = PROJECT_DIR / "data" / "warehouse"


# The configuration contract: each variable and the field it sets (`.env.example` documents them).
SETTINGS_VARIABLES = {
    "DEALFLOW_SOURCES": "sources",
    "DEALFLOW_HOME": "home",
    "DEALFLOW_AS_OF": "as_of",
}
WAREHOUSE_VARIABLE = "DEALFLOW_WAREHOUSE"


def default_unset_variables() -> None:
    """Set each unset variable of the contract to "" (its documented default): Dagster refuses an
    `EnvVar` that is not set at all. Called by the entry points (`make run`, `make ui`, the test
    and benchmark runner), never at import time."""
    for name in [*SETTINGS_VARIABLES, WAREHOUSE_VARIABLE]:
        os.environ.setdefault(name, "")


def settings_from_environment() -> "DealflowSettings":
    """The settings the code location's run would get from the current environment, for code that
    runs outside a run (`make run`'s messages, `make sql`, a sensor evaluated in a test)."""
    return DealflowSettings(
        **{field: os.environ.get(name, "") for name, field in SETTINGS_VARIABLES.items()}
    )


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

    Empty values mean the bundled sample, `data/warehouse/<sources name>/` (one home per sources
    file, see `dataset_name`) and today. A home holds one dataset: a run on another sources file than the
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
        return Path(self.sources).expanduser().resolve() if self.sources else DEFAULT_SOURCES

    def home_path(self) -> Path:
        if self.home:
            return Path(self.home).expanduser().resolve()
        return DEFAULT_HOME / dataset_name(self.sources_path())

    def as_of_date(self) -> date:
        value = self.as_of
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
        """Where the shortlist CSVs are written (created by the writer)."""
        return self.home_path() / "shortlists"


class WriterLockTimeout(dg.Failure):
    """Another run holds the pipeline's writer lock for longer than this run may wait."""


class Warehouse(dg.ConfigurableResource):
    """The pipeline's DuckDB database. One connection per step, macros installed.

    `database` is any DuckDB database string (bound to `DEALFLOW_WAREHOUSE`): empty means
    `<home>/pipeline.duckdb`. A DuckDB-compatible service works by its connection string, e.g.
    `md:dealflow` for MotherDuck (token from `MOTHERDUCK_TOKEN`; see docs/deployment.md).

    A run holds `<home>/pipeline.lock` (an exclusive `flock`) from its first step to its end, so
    two runs never write the same warehouse at once: a second run waits up to
    `lock_timeout_seconds`, then fails without having written anything. The lock dies with its
    process, so a killed run never leaves it behind.

    `settings` is the code location's `settings` resource itself (a nested resource dependency:
    `DealflowSettings.configure_at_launch()` in pipelines/definitions.py), so the launchpad's
    values for `settings` reach the lock, the dataset check and the run's tags too.
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
        home = self.settings.home_path()
        home.mkdir(parents=True, exist_ok=True)
        path = home / "pipeline.lock"
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
        """What `connect` opens: `database`, else the pipeline's file in the home."""
        return self.database or str(self.settings.pipeline_db())

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        config: dict[str, str | int] = {"memory_limit": self.memory_limit}
        if self.threads:
            config["threads"] = self.threads
        if not self.database:  # the file in the home, written here: the folder may be new
            self.settings.home_path().mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.database_target(), config=config)
        try:
            for schema in (
                "raw",
                "staging",
                "ref",
                "core",
                "marts",
                "meta",
                SCRATCH_SCHEMA,
                STATE_SCHEMA,
            ):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            install_macros(con)
            yield con
        finally:
            con.close()
