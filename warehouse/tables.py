"""Writing tables: a frame as a table, a week's rows of a table kept by week, existence and
row counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import polars as pl


def quote_identifier(name: str) -> str:
    """`name` as a SQL identifier (double-quoted, inner quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: object) -> str:
    """`text` as a SQL string literal (single-quoted, inner quotes doubled)."""
    return "'" + str(text).replace("'", "''") + "'"


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Everything written inside lands together or not at all (COMMIT, else ROLLBACK and
    re-raise)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> Iterator[str]:
    """`frame` visible to SQL on `con` as the view `name` (moved as Arrow) while the block runs."""
    con.register(name, frame.to_arrow())
    try:
        yield name
    finally:
        con.unregister(name)


def write_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Replace `table` with the rows of `frame` (moved as Arrow, never row by row)."""
    with registered(con, "_frame", frame):
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")


def add_missing_columns(con: duckdb.DuckDBPyConnection, table: str, source: str) -> list[str]:
    """Add to `table` (kept across runs, e.g. a history of weeks) the columns of `source` it
    lacks, NULL in its existing rows: a warehouse written before a column was added takes the
    new rows. Returns the columns added."""
    have = {r[0] for r in con.sql(f"DESCRIBE {table}").fetchall()}
    added = []
    for name, kind, *_ in con.sql(f"DESCRIBE {source}").fetchall():
        if name not in have:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')
            added.append(name)
    return added


# Scratch tables (a step's intermediate results) live in their own schema, never published.
SCRATCH_SCHEMA = "scratch"


def scratch_table(name: str) -> str:
    """The scratch table `name` (`scratch.<name>`)."""
    return f"{SCRATCH_SCHEMA}.{name}"


# What a step keeps between runs for itself (score state, what an asset was built from, the
# backtest's predictions): its own schema, never published either.
STATE_SCHEMA = "state"


def state_table(name: str) -> str:
    """The state table `name` (`state.<name>`)."""
    return f"{STATE_SCHEMA}.{name}"


def replace_week(
    con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame, week: date
) -> None:
    """Write `rows` as `table`'s rows for `week_start = week` (other weeks untouched; the table
    is created from the rows' schema the first time)."""
    staging = scratch_table(table.replace(".", "_") + "_week")
    write_frame(con, staging, rows)
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM {staging} LIMIT 0")
    add_missing_columns(con, table, staging)
    con.execute(f"DELETE FROM {table} WHERE week_start = ?", [week])
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {staging}")
    con.execute(f"DROP TABLE {staging}")


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `schema.table` is a table of the connection's current database."""
    schema, name = table.split(".")
    return bool(
        con.sql(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ?",
            params=[schema, name],
        ).fetchall()[0][0]
    )
