"""The suites' expectations as SQL aggregates in DuckDB, for tables too large to validate in GX.

GX validates pandas frames in memory; past `gx_max_rows` rows (a hundred thousand) fetching
the table into Python costs more than the step that wrote it. Each expectation type the suites use
on large tables has a twin here that counts, over every row of the table (or partition), the rows
GX would find unexpected, with the same rules: NULLs (and NaN) are ignored except by the
null expectations, `mostly` is the share of non-missing values that must pass, `row_condition`
filters rows first (the predicate `quality.conditions` renders from the same conditions GX gets),
referential integrity is a semi-join. The result is an `Outcome` like GX's, with the first
offending rows (row id + checked columns). An expectation without a twin returns None, and the
runner validates it in GX on a bounded sample.
tests/quality/test_sql_checks.py runs every case both ways and compares.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from quality.conditions import missing_sql, sql_condition
from quality.outcomes import SAMPLE_ROWS, Outcome, display_columns
from quality.spec import IN_TABLE, Expectation, Suite
from warehouse.tables import quote_identifier


def qualified(table: str) -> str:
    return ".".join(quote_identifier(part) for part in table.split("."))


@dataclass
class Scope:
    """Where the rows of the validated table (or partition) are, and their column types."""

    table: str  # qualified name
    where: str  # SQL filter, "TRUE" when none
    params: list
    types: dict[str, str]


def _bound(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        return params.get(value["$PARAMETER"])
    return value


@dataclass
class Test:
    """One column-map expectation as SQL: rows in `domain` are counted; `unexpected` ones fail."""

    domain: str
    unexpected: str
    params: list
    count_nulls: bool = False  # not_null / null: share over all rows, not non-missing ones


def _map_test(e: Expectation, scope: Scope, params: dict[str, Any]) -> Test | None:
    k, types = e.kwargs, scope.types
    t = e.type
    if t in ("expect_column_values_to_not_be_null", "expect_column_values_to_be_null"):
        missing = missing_sql(k["column"], types)
        unexpected = missing if t.endswith("not_be_null") else f"NOT {missing}"
        return Test("TRUE", unexpected, [], count_nulls=True)
    if t == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = quote_identifier(k["column_A"]), quote_identifier(k["column_B"])
        missing_a, missing_b = missing_sql(k["column_A"], types), missing_sql(k["column_B"], types)
        domain = {
            "either_value_is_missing": f"NOT {missing_a} AND NOT {missing_b}",
            "both_values_are_missing": f"NOT ({missing_a} AND {missing_b})",
            "neither": "TRUE",
        }.get(k.get("ignore_row_if", "both_values_are_missing"))
        if domain is None:
            return None
        # a missing value (NULL or NaN) on either side of a kept row fails, as in pandas
        compare = f"{a} {'>=' if k.get('or_equal') else '>'} {b}"
        return Test(domain, f"{missing_a} OR {missing_b} OR NOT ({compare})", [])
    if "column" not in k:
        return None
    col = quote_identifier(k["column"])
    domain = f"NOT {missing_sql(k['column'], types)}"
    if t == "expect_column_values_to_be_between":
        low, high = _bound(k.get("min_value"), params), _bound(k.get("max_value"), params)
        if low is None and high is None:
            return None
        tests, values = [], []
        if low is not None:
            tests.append(f"{col} {'<=' if k.get('strict_min') else '<'} ?")
            values.append(low)
        if high is not None:
            tests.append(f"{col} {'>=' if k.get('strict_max') else '>'} ?")
            values.append(high)
        return Test(domain, " OR ".join(tests), values)
    if t == "expect_column_values_to_be_in_set":
        values = _bound(k.get("value_set"), params)
        if values is None:
            return None
        values = [v for v in values if v is not None]
        if not values:
            return Test(domain, "TRUE", [])
        # a semi-join against the unnested set: far cheaper than list_contains on every row
        return Test(domain, f"{col} NOT IN (SELECT unnest(?))", [values])
    if t == IN_TABLE:
        table, column = e.reference
        ref = (
            f"SELECT 1 FROM {qualified(table)} AS _r WHERE _r.{quote_identifier(column)} = _t.{col}"
        )
        return Test(domain, f"NOT EXISTS ({ref})", [])
    if t == "expect_column_values_to_be_unique":
        dups = (
            f"SELECT {col} FROM {scope.table} WHERE {scope.where} AND {domain} "
            f"GROUP BY {col} HAVING count(*) > 1"
        )
        return Test(domain, f"{col} IN ({dups})", list(scope.params))
    return None


def _compound_test(e: Expectation, scope: Scope) -> Test | None:
    """Rows whose combination of values appears more than once (rows with every value missing
    are ignored, as GX does by default); NULLs compare equal, as in pandas."""
    if e.kwargs.get("ignore_row_if", "all_values_are_missing") != "all_values_are_missing":
        return None
    cols = [quote_identifier(c) for c in e.kwargs["column_list"]]
    domain = "NOT (" + " AND ".join(f"{c} IS NULL" for c in cols) + ")"
    key = f"struct_pack({', '.join(f'{c} := {c}' for c in cols)})"
    dups = (
        f"SELECT {key} FROM {scope.table} WHERE {scope.where} AND {domain} "
        f"GROUP BY ALL HAVING count(*) > 1"
    )
    # struct values compare field by field with NULL = NULL (DuckDB's IN on structs does)
    return Test(domain, f"{key} IN ({dups})", list(scope.params))


def _order(suite: Suite, scope: Scope) -> str:
    """The first offending rows are the first in the suite's order, else in table order."""
    return ", ".join([quote_identifier(c) for c in suite.order_by if c in scope.types] or ["rowid"])


def _percent(unexpected: int, base: int) -> float:
    return 100.0 * unexpected / base if base else 0.0


def sql_outcome(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    e: Expectation,
    scope: Scope,
    params: dict[str, Any],
    rows: int,
) -> Outcome | None:
    """The expectation evaluated over every row in `scope`, or None when it has no SQL twin."""
    description = e.describe(params)
    missing = [c for c in e.columns if c not in scope.types]
    if e.type == "expect_column_to_exist":
        ok = e.kwargs["column"] in scope.types
        error = None if ok else f"column `{e.kwargs['column']}` not in the table"
        return Outcome(e, ok, description, error=error)
    if e.type in ("expect_table_row_count_to_be_between", "expect_table_row_count_to_equal"):
        if e.type.endswith("equal"):
            ok = rows == _bound(e.kwargs.get("value"), params)
        else:
            low, high = (_bound(e.kwargs.get(b), params) for b in ("min_value", "max_value"))
            ok = (low is None or rows >= low) and (high is None or rows <= high)
        return Outcome(e, ok, description, observed_value=rows)
    if e.type == "expect_column_distinct_values_to_contain_set":
        if missing:
            return Outcome(e, False, description, error=f"missing column(s) {missing}")
        col = quote_identifier(e.kwargs["column"])
        found = con.sql(
            f"SELECT DISTINCT {col} FROM {scope.table} WHERE {scope.where} AND {col} IS NOT NULL "
            f"ORDER BY 1",
            params=scope.params or None,
        ).fetchall()
        observed = [r[0] for r in found]
        wanted = _bound(e.kwargs.get("value_set"), params) or []
        return Outcome(e, set(wanted) <= set(observed), description, observed_value=observed)
    missing += [c for c in e.condition_columns if c not in scope.types and c not in missing]
    if missing:
        return Outcome(e, False, description, error=f"missing column(s) {missing}")
    # the rows the expectation looks at: the table's (or partition's) that meet its row condition
    where = f"({scope.where}) AND ({sql_condition(e.where, scope.types, params)})"
    scope = dataclasses.replace(scope, where=where)
    if e.type == "expect_compound_columns_to_be_unique":
        test = _compound_test(e, scope)
    else:
        test = _map_test(e, scope, params)
    if test is None:
        return None
    counted = con.sql(
        f"SELECT count(*), count(*) FILTER ({test.domain}), "
        f"count(*) FILTER (({test.domain}) AND ({test.unexpected})) "
        f"FROM {scope.table} AS _t WHERE {where}",
        params=[*test.params, *scope.params] or None,
    ).fetchall()[0]
    elements, nonmissing, unexpected = (int(x) for x in counted)
    base = elements if test.count_nulls else nonmissing
    mostly = e.kwargs.get("mostly")
    if mostly is None:
        ok = unexpected == 0
    else:
        ok = base == 0 or (base - unexpected) / base >= float(mostly)
    offending = None
    values: list = []
    if unexpected and not ok:  # GX shows offending rows of failed expectations only
        cols = display_columns(suite, e, scope.types)
        offending = con.sql(
            f"SELECT {', '.join(quote_identifier(c) for c in cols)} FROM {scope.table} AS _t "
            f"WHERE {where} AND ({test.domain}) AND ({test.unexpected}) "
            f"ORDER BY {_order(suite, scope)} LIMIT {SAMPLE_ROWS}",
            params=[*scope.params, *test.params] or None,
        ).pl()
        # shown as GX shows them: a NaN is a missing value
        offending = offending.with_columns(pl.col(pl.Float32, pl.Float64).fill_nan(None))
        if "column" in e.kwargs and e.kwargs["column"] in offending.columns:
            values = offending[e.kwargs["column"]].to_list()
    return Outcome(
        e,
        ok,
        description,
        element_count=elements,
        unexpected_count=unexpected,
        unexpected_percent=_percent(unexpected, base),
        sample_values=values,
        offending_rows=offending,
    )
