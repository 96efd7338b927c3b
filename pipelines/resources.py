"""Typed configuration and the one DuckDB writer.

Values come from explicit resource config (e.g. the launchpad) first, then the environment
variables of the configuration contract, then the bundled defaults. The environment is read when a
run starts, never at import time.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from transforms.sql import install_macros

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.yaml"
DEFAULT_HOME = PROJECT_DIR / "data" / "warehouse"


def _setting(explicit: str, env_var: str) -> str:
    return explicit or os.environ.get(env_var, "")


class DealflowSettings(dg.ConfigurableResource):
    """Where inputs and outputs are, and the date scores are computed as of.

    Empty values fall back to `DEALFLOW_SOURCES`, `DEALFLOW_HOME` and `DEALFLOW_AS_OF`, then to
    the bundled sample, `data/warehouse/` and today.
    """

    sources: str = ""
    home: str = ""
    as_of: str = ""
    shortlist_size: int = 25

    def sources_path(self) -> Path:
        value = _setting(self.sources, "DEALFLOW_SOURCES")
        return Path(value).expanduser().resolve() if value else DEFAULT_SOURCES

    def home_path(self) -> Path:
        value = _setting(self.home, "DEALFLOW_HOME")
        path = Path(value).expanduser().resolve() if value else DEFAULT_HOME
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


class Warehouse(dg.ConfigurableResource):
    """The pipeline's DuckDB file. One connection per step, macros installed."""

    settings: DealflowSettings
    memory_limit: str = "6GB"
    threads: int = 0

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        config: dict[str, str | int] = {"memory_limit": self.memory_limit}
        if self.threads:
            config["threads"] = self.threads
        con = duckdb.connect(str(self.settings.pipeline_db()), config=config)
        try:
            for schema in ("raw", "staging", "ref", "core", "marts", "meta"):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            install_macros(con)
            yield con
        finally:
            con.close()
