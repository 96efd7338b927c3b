"""`meta.runs`: the runs that wrote a home, which sources file each read, and which were
published. A home holds one dataset: a run reading another sources file than the runs before it
is refused (`check_dataset`), and "the latest week" is the week of the latest published run, not
the largest `week_start`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

RUNS_TABLE = "meta.runs"

CREATE_RUNS = f"""
CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (
    run_id VARCHAR PRIMARY KEY,
    job VARCHAR,
    sources VARCHAR,
    week_start DATE,
    as_of DATE,
    started_at TIMESTAMP,
    published_at TIMESTAMP
)"""

# The week analysts read as "latest": that of the latest published run.
LATEST_WEEK_SQL = (
    f"SELECT week_start FROM {RUNS_TABLE} WHERE published_at IS NOT NULL "
    "AND week_start IS NOT NULL ORDER BY published_at DESC LIMIT 1"
)


class OtherDatasetError(Exception):
    """The home holds the dataset of another sources file."""


def home_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The sources files of the runs recorded in the warehouse, most recent first."""
    con.execute(CREATE_RUNS)
    rows = con.sql(
        f"SELECT sources, max(started_at) AS last FROM {RUNS_TABLE} GROUP BY sources "
        "ORDER BY last DESC"
    ).fetchall()
    return [r[0] for r in rows]


def check_dataset(con: duckdb.DuckDBPyConnection, sources: Path, home: Path) -> None:
    """Raise `OtherDatasetError`, saying what to do, when the warehouse was written from another
    sources file than `sources`."""
    others = [s for s in home_sources(con) if s != str(sources)]
    if others:
        raise OtherDatasetError(
            f"{home} holds the dataset of {others[0]}; this run reads {sources}. One home holds "
            "one dataset (runs on different sources never mix in one warehouse or replica): "
            "leave DEALFLOW_HOME unset (each sources file gets its own data/warehouse/<name>/), "
            "set it to another folder, or delete that folder to start over."
        )


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    job: str,
    sources: Path,
    week: date | None,
    as_of: date,
) -> None:
    """Record a run starting (again, when a run is re-executed under the same id)."""
    con.execute(CREATE_RUNS)
    con.execute(f"DELETE FROM {RUNS_TABLE} WHERE run_id = ?", [run_id])
    con.execute(
        f"INSERT INTO {RUNS_TABLE} VALUES (?, ?, ?, ?, ?, ?, NULL)",
        [run_id, job, str(sources), week, as_of, _now()],
    )


def run_started_on(con: duckdb.DuckDBPyConnection, run_id: str) -> date:
    """The day (UTC) run `run_id` started, as `record_run` recorded it: the run's load day, the
    bound on plausible dates when staging (not the scoring as_of, and not the clock at the time a
    step happens to run)."""
    query = f"SELECT started_at FROM {RUNS_TABLE} WHERE run_id = ?"
    found = con.sql(query, params=[run_id]).fetchall() if _has_runs(con) else []
    if not found:
        raise LookupError(f"run {run_id} is not recorded in {RUNS_TABLE} of this warehouse")
    return found[0][0].date()


def mark_published(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute(CREATE_RUNS)
    con.execute(f"UPDATE {RUNS_TABLE} SET published_at = ? WHERE run_id = ?", [_now(), run_id])


def latest_week(con: duckdb.DuckDBPyConnection) -> date | None:
    rows = con.sql(LATEST_WEEK_SQL).fetchall() if _has_runs(con) else []
    return rows[0][0] if rows else None


def _has_runs(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.sql(
            "SELECT 1 FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'runs' "
            "AND database_name = current_database()"
        ).fetchall()
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
