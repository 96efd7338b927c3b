"""SQL-backed check helpers shared by the domains' checks.py files."""

from __future__ import annotations

import dagster as dg
import duckdb

from warehouse.metadata import markdown_table


def sql_check(
    con: duckdb.DuckDBPyConnection, offending_sql: str, description: str, params=None
) -> dg.AssetCheckResult:
    """Pass when `offending_sql` returns no rows; otherwise show how many and a few of them."""
    offending = con.sql(f"SELECT * FROM ({offending_sql})", params=params).pl()
    return dg.AssetCheckResult(
        passed=offending.is_empty(),
        metadata={
            "expectation": dg.MetadataValue.text(description),
            "offending_rows": dg.MetadataValue.int(offending.height),
            "sample": dg.MetadataValue.md(markdown_table(offending.head(10))),
        },
    )
