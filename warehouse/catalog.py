"""Table and column documentation (config/catalog.yaml) applied as DuckDB comments."""

from __future__ import annotations

from functools import cache

import duckdb

from warehouse.config import load_config
from warehouse.tables import quote_literal


def load_catalog() -> dict[str, dict]:
    return load_config("catalog.yaml")


def column_descriptions(table: str) -> dict[str, str]:
    """The documented columns of `table` (`schema.table`); a `_history` table takes the columns
    of the table it keeps by week (`marts.company_scores_history`: `marts.company_scores`).
    Columns the table's entry leaves out take the text of the same column in another table
    (`company_id`, `name`, ...: `shared_column_descriptions`)."""
    catalog = load_catalog()
    columns = dict((catalog.get(table) or {}).get("columns") or {})
    if table.endswith("_history"):
        kept = (catalog.get(table.removesuffix("_history")) or {}).get("columns") or {}
        columns = dict(kept) | columns
    return shared_column_descriptions() | {name: str(text) for name, text in columns.items()}


@cache
def shared_column_descriptions() -> dict[str, str]:
    """Each column name's first description in the catalog (in file order)."""
    shared: dict[str, str] = {}
    for doc in load_catalog().values():
        for name, text in (doc.get("columns") or {}).items():
            shared.setdefault(name, str(text))
    return shared


def apply_comments(con: duckdb.DuckDBPyConnection, database: str) -> int:
    """COMMENT ON every documented table and column that exists in `database`; returns how many."""
    existing = {
        (s, t, c)
        for s, t, c in con.sql(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = ?",
            params=[database],
        ).fetchall()
    }
    tables = {(s, t) for s, t, _ in existing}
    applied = 0
    for name, doc in load_catalog().items():
        schema, table = name.split(".")
        if (schema, table) not in tables:
            continue
        con.execute(
            f"COMMENT ON TABLE {database}.{schema}.{table} IS {quote_literal(doc['table'])}"
        )
        applied += 1
        for column, text in (doc.get("columns") or {}).items():
            if (schema, table, column) in existing:
                con.execute(
                    f"COMMENT ON COLUMN {database}.{schema}.{table}.{column} IS {quote_literal(text)}"
                )
                applied += 1
    return applied
