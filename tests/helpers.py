"""Shared test helpers: run the real job into a temporary home, read the analysts' replica."""

from pathlib import Path

import duckdb
import polars as pl

from pipelines.runner import run_week  # noqa: F401  (re-exported for the tests)

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.yaml"
SHARED = PROJECT_DIR.parent / "shared" / "datasets"


def query(db: Path, sql: str, params=None) -> pl.DataFrame:
    """Run `sql` on a DuckDB file opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()
