"""Load the SQL text kept beside the code, and the shared macros every connection gets."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


@cache
def sql_text(name: str, folder: str | Path) -> str:
    """The text of `<folder>/<name>.sql`."""
    return (Path(folder) / f"{name}.sql").read_text(encoding="utf-8")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the shared scalar macros (parse_date_any, norm_name, ...) on `con`."""
    con.execute(sql_text("macros", SQL_DIR))
