"""Load the SQL text kept beside the code, and run it against a DuckDB connection."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


@cache
def sql_text(name: str, folder: str | Path = SQL_DIR) -> str:
    """The text of `<folder>/<name>.sql`."""
    return (Path(folder) / f"{name}.sql").read_text(encoding="utf-8")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the shared scalar macros (parse_date_any, norm_name, ...) on `con`."""
    con.execute(sql_text("macros"))


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
