"""Generic staging step: typed rows in, staged rows + quarantine + row accounting out.

Each source's SQL (assets/staging/sql/<source>.sql) reads its raw rows from the relation named by
the parameter `$raw_table` (`query_table($raw_table)`: the source's raw table, or a delivered
file's rows for a drop), and selects its typed columns plus three control
columns: `_key` (duplicates share it), `_reject` (NULL when the row is good, else a struct of the
`column`, its raw `value` and the `reason`: the row goes to `meta.quarantine`) and `_issues` (a
list of `column`/`value`/`issue` structs for values of a staged row that were set to NULL —
impossible optional dates, unknown country or currency codes: they go to `meta.value_issues`). This
module does the rest the same way for every source, so nothing is dropped without a trace:

    rows_read = rows_staged + rows_quarantined + duplicates_collapsed
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from transforms.reference import country_lookup
from warehouse.tables import registered

CONTROL_COLUMNS = "_key, _reject, _issues, _dup_rank"

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS meta.quarantine (
    source VARCHAR, source_file VARCHAR, source_row BIGINT, column_name VARCHAR,
    raw_value VARCHAR, reason VARCHAR, quarantined_at TIMESTAMPTZ)
"""
ISSUES_DDL = """
CREATE TABLE IF NOT EXISTS meta.value_issues (
    source VARCHAR, source_file VARCHAR, source_row BIGINT, column_name VARCHAR,
    raw_value VARCHAR, issue VARCHAR, found_at TIMESTAMPTZ)
"""
ACCOUNTING_DDL = """
CREATE TABLE IF NOT EXISTS meta.row_accounting (
    source VARCHAR, rows_read BIGINT, rows_staged BIGINT, rows_quarantined BIGINT,
    duplicates_collapsed BIGINT, dates_nulled BIGINT, value_issues BIGINT, reconciled BOOLEAN,
    staged_at TIMESTAMPTZ)
"""


LEDGER_TABLES = ("meta.quarantine", "meta.value_issues", "meta.row_accounting")


def create_ledger_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The staging ledger (`LEDGER_TABLES`), created empty when absent."""
    for ddl in (QUARANTINE_DDL, ISSUES_DDL, ACCOUNTING_DDL):
        con.execute(ddl)


def register_country_lookup(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    """Temp table `country_lookup(country_text, country_code)` for the distinct values of
    `columns` in `table` (a few hundred values at most, whatever the table's size)."""
    union = " UNION ".join(f'SELECT DISTINCT "{c}" AS v FROM {table}' for c in columns)
    values = [r[0] for r in con.sql(union).fetchall()]
    with registered(con, "_countries", country_lookup(values)):
        con.execute("CREATE OR REPLACE TEMP TABLE country_lookup AS SELECT * FROM _countries")


def stage(
    con: duckdb.DuckDBPyConnection,
    source: str,
    raw_table: str,
    typed_sql: str,
    target: str,
    max_day: date,
) -> dict[str, int | bool]:
    """Run `typed_sql` over `raw_table`, write good first-of-key rows to `target`, rejected rows
    to `meta.quarantine`, and one reconciliation row to `meta.row_accounting`. `rows_read` is
    counted on `raw_table` itself, so a join that loses or repeats rows fails reconciliation."""
    create_ledger_tables(con)
    params = {"raw_table": raw_table, "max_day": max_day}
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _typed AS {typed_sql}",
        {k: v for k, v in params.items() if f"${k}" in typed_sql} or None,
    )
    # records the reader could not split into the header's fields are rejected whatever the SQL says
    con.execute(
        "UPDATE _typed SET _reject = {'column': NULL, 'value': r._malformed, 'reason': 'malformed record'} "
        f"FROM {raw_table} AS r WHERE r._source_file = _typed._source_file AND r._source_row = _typed._source_row "
        "AND r._malformed IS NOT NULL"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _typed AS SELECT *, row_number() OVER "
        "(PARTITION BY _reject IS NULL, _key ORDER BY _source_row) AS _dup_rank FROM _typed"
    )
    con.execute("DELETE FROM meta.quarantine WHERE source = ?", [source])
    con.execute(
        "INSERT INTO meta.quarantine SELECT ?, _source_file, _source_row, _reject.column, "
        "_reject.value, _reject.reason, now() FROM _typed WHERE _reject IS NOT NULL",
        [source],
    )
    con.execute("DELETE FROM meta.value_issues WHERE source = ?", [source])
    con.execute(
        "INSERT INTO meta.value_issues SELECT ?, _source_file, _source_row, i.column, i.value, i.issue, now() "
        "FROM (SELECT _source_file, _source_row, unnest(_issues) AS i FROM _typed "
        "WHERE _reject IS NULL AND _dup_rank = 1)",
        [source],
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {target} AS SELECT * EXCLUDE ({CONTROL_COLUMNS}) FROM _typed "
        "WHERE _reject IS NULL AND _dup_rank = 1 ORDER BY _source_row"
    )
    counts = con.sql(
        "SELECT count(*), count(*) FILTER (_reject IS NULL AND _dup_rank = 1), "
        "count(*) FILTER (_reject IS NOT NULL), "
        "count(*) FILTER (_reject IS NULL AND _dup_rank > 1) FROM _typed"
    ).fetchall()[0]
    typed, staged, quarantined, collapsed = (int(x) for x in counts)
    nulled, issues = con.sql(
        "SELECT count(*) FILTER (issue LIKE 'impossible date%'), count(*) FROM meta.value_issues WHERE source = ?",
        params=[source],
    ).fetchall()[0]
    read = int(con.sql(f"SELECT count(*) FROM {raw_table}").fetchall()[0][0])
    result = {
        "rows_read": read,
        "rows_staged": staged,
        "rows_quarantined": quarantined,
        "duplicates_collapsed": collapsed,
        "dates_nulled": int(nulled),
        "value_issues": int(issues),
        "reconciled": read == typed == staged + quarantined + collapsed,
    }
    con.execute("DELETE FROM meta.row_accounting WHERE source = ?", [source])
    con.execute(
        "INSERT INTO meta.row_accounting VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
        [source, *result.values()],
    )
    con.execute("DROP TABLE _typed")
    return result


def quarantine_sample(con: duckdb.DuckDBPyConnection, source: str, limit: int = 10) -> pl.DataFrame:
    """A few quarantined rows of `source`, for the UI."""
    return con.sql(
        "SELECT source_file, source_row, column_name, raw_value, reason FROM meta.quarantine "
        "WHERE source = ? ORDER BY source_row LIMIT ?",
        params=[source, limit],
    ).pl()
