"""Shared test helpers: run the real job into a temporary home, read the analysts' replica."""

import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.yaml"
SHARED = PROJECT_DIR.parent / "shared" / "datasets"


@contextmanager
def contract_env(**values: str | None):
    """Set the DEALFLOW_* variables of the configuration contract for the duration."""
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
) -> dg.ExecuteInProcessResult:
    """Materialize every asset of `dealflow_job` (or only those of `groups`) for the week
    containing `as_of`."""
    from pipelines.definitions import defs
    from pipelines.partitions import partition_key_for

    selection = None
    if groups:
        selection = list(dg.AssetSelection.groups(*groups).resolve(defs.resolve_asset_graph()))
    with contract_env(sources=str(sources), home=str(home), as_of=as_of.isoformat()):
        return defs.resolve_job_def("dealflow_job").execute_in_process(
            partition_key=partition_key_for(as_of),
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=raise_on_error,
            asset_selection=selection,
        )


def query(db: Path, sql: str, params=None) -> pl.DataFrame:
    """Run `sql` on a DuckDB file opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()
