"""Run a suite with Great Expectations on a pandas DataFrame, and fetch that frame from DuckDB.

GX 1.24 cannot read DuckDB through SQLAlchemy (every metric fails: it closes the connection before
fetching), so the table is read with DuckDB itself -- only the columns the suite names, every row,
dates as `datetime.date` -- and validated in memory by one ephemeral GX context per process (no
files written). GX is imported on first use only: `import great_expectations` costs seconds.

Offending rows come from GX's own `partial_unexpected_index_list` (positions of the first
unexpected rows in the frame), shown with the suite's row-id columns beside the checked values.

Past `gx_max_rows` rows, fetching the table would cost more than writing it: `validate_table`
then counts each expectation in DuckDB (`quality.sql_checks`, same rules and same `Outcome`) and
runs in GX, on a sample, only those without a SQL twin.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

import polars as pl

from quality.conditions import gx_condition
from quality.outcomes import SAMPLE_ROWS, Outcome, SuiteOutcome, display_columns
from quality.spec import IN_TABLE, Expectation, Suite
from quality.sql_checks import Scope, qualified, sql_outcome
from warehouse.tables import quote_identifier

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

_LOCK = threading.Lock()


# --- GX ------------------------------------------------------------------------------------------


@cache
def _batch_definition():
    """One ephemeral GX context per process (analytics and progress bars off, nothing written),
    with one pandas data source whose single asset takes any DataFrame as a whole batch."""
    # deferred: great_expectations costs seconds to import; only a check that runs GX needs it
    import great_expectations as gx
    import tqdm
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    # GX creates (disabled) tqdm bars, and tqdm then starts a monitor thread; a stray thread makes
    # CPython 3.11.7 fail later AST work with "AST constructor recursion depth mismatch"
    # (pytest's assertion rewriting hit it). Bars are off, so the monitor has nothing to do.
    tqdm.tqdm.monitor_interval = 0
    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas("dealflow").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def gx_expectation(e: Expectation, parameters: dict[str, Any] | None = None):
    """The GX Core expectation object for a suite entry (its index kept in `meta`). A `between`
    whose bounds resolve to an empty range (`Expectation.empty_range`), which GX refuses, becomes
    "values in the empty set": every value is unexpected, and no row means success."""
    # deferred: great_expectations costs seconds to import; only a check that runs GX needs it
    import great_expectations as gx

    kwargs = dict(e.kwargs)
    if e.empty_range(parameters):
        cls = gx.expectations.ExpectColumnValuesToBeInSet
        kwargs = {"column": e.kwargs["column"], "value_set": []}
        kwargs |= {k: v for k, v in e.kwargs.items() if k == "mostly"}
    elif e.type == IN_TABLE:
        cls = gx.expectations.ExpectColumnValuesToBeInSet
        kwargs = {"column": e.flag_column, "value_set": [True]}
        kwargs |= {k: v for k, v in e.kwargs.items() if k == "mostly"}
    else:
        cls = getattr(gx.expectations, _camel(e.type), None)
        if cls is None:
            raise ValueError(f"unknown GX expectation type {e.type!r}")
    if e.where:
        kwargs["row_condition"] = gx_condition(e.where, parameters)
    return cls(
        **kwargs,
        severity=e.severity,
        notes=e.notes,
        meta={"index": e.index},
    )


def gx_suite(
    name: str,
    expectations: list[Expectation] | tuple[Expectation, ...],
    parameters: dict[str, Any] | None = None,
):
    # deferred: great_expectations costs seconds to import; only a check that runs GX needs it
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=name)
    for e in expectations:
        suite.add_expectation(gx_expectation(e, parameters))
    return suite


def _plain(value: Any) -> Any:
    """A Python scalar for display (numpy scalars, NaN/NaT -> None)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    return value


def _offending(suite: Suite, e: Expectation, frame: pd.DataFrame, index: list) -> pl.DataFrame:
    cols = display_columns(suite, e, frame.columns)
    rows = frame.loc[list(index)[:SAMPLE_ROWS], cols]
    return pl.DataFrame({c: [_plain(v) for v in rows[c].tolist()] for c in cols}, strict=False)


def validate_frame(
    suite: Suite,
    frame: pd.DataFrame | pl.DataFrame,
    parameters: dict[str, Any] | None = None,
    expectations: list[Expectation] | tuple[Expectation, ...] | None = None,
) -> SuiteOutcome:
    """Validate every row of `frame` against the suite's expectations (or the given subset).

    `frame` holds the suite's columns (and, for referential-integrity expectations, their
    membership flags); a polars frame is converted with dates kept as `datetime.date`.
    """
    frame = as_pandas(frame)
    expectations = tuple(suite.expectations if expectations is None else expectations)
    params = {"rows": len(frame), **(parameters or {})}
    batch_definition = _batch_definition() if expectations else None  # first call imports GX
    started = time.perf_counter()
    by_index: dict[int, Any] = {}
    if batch_definition is not None:
        gx_s = gx_suite(suite.name, expectations, params)
        with _LOCK:
            batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(
                gx_s,
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS},
                expectation_parameters=params,
            )
        by_index = {r.expectation_config.meta["index"]: r for r in result.results}
    outcomes = [_outcome(suite, e, by_index.get(e.index), frame, params) for e in expectations]
    return SuiteOutcome(
        suite,
        len(frame),
        outcomes,
        validate_seconds=time.perf_counter() - started,
        parameters=params,
    )


def _outcome(suite: Suite, e: Expectation, r, frame: pd.DataFrame, params: dict) -> Outcome:
    description = e.describe(params)
    if r is None:
        return Outcome(e, False, description, error="no result returned by GX")
    res = dict(r.result or {})
    error = None
    messages = _exception_messages(r.exception_info)
    if messages:
        needed = [e.kwargs["column"]] if e.is_reference else e.columns
        missing = [c for c in needed if c not in frame.columns]
        error = f"missing column(s) {missing}" if missing else "; ".join(messages)
    index = res.get("partial_unexpected_index_list") or []
    offending = None
    if index and not r.success and all(not isinstance(i, dict) for i in index):
        offending = _offending(suite, e, frame, index)
    if e.type == "expect_column_to_exist" and not r.success:
        error = error or f"column `{e.kwargs['column']}` not in the table"
    return Outcome(
        e,
        bool(r.success),
        description,
        element_count=res.get("element_count"),
        unexpected_count=res.get("unexpected_count"),
        unexpected_percent=res.get("unexpected_percent"),
        observed_value=res.get("observed_value"),
        sample_values=[_plain(v) for v in res.get("partial_unexpected_list") or []][:SAMPLE_ROWS],
        offending_rows=offending,
        error=error,
    )


def _exception_messages(info: Any) -> list[str]:
    """Messages of the exceptions GX caught: `exception_info` is one record, or (for a suite) a
    mapping from metric id to records."""
    if not isinstance(info, dict):
        return []
    if "raised_exception" in info:
        if not info["raised_exception"]:
            return []
        return [str(info.get("exception_message") or "GX raised an exception").strip()]
    found = [m for v in info.values() for m in _exception_messages(v)]
    return list(dict.fromkeys(found))


def as_pandas(frame: pd.DataFrame | pl.DataFrame) -> pd.DataFrame:
    """A pandas frame with a fresh RangeIndex; polars dates become `datetime.date` objects (GX
    compares them with date bounds; datetime64 columns would not compare with dates)."""
    import pandas as pd  # deferred: pandas is only needed where GX validates a frame

    if isinstance(frame, pl.DataFrame):
        return pd.DataFrame(
            {
                c: pd.Series(s.to_list(), dtype=object) if s.dtype == pl.Date else s.to_pandas()
                for c, s in zip(frame.columns, frame.get_columns(), strict=True)
            }
        )
    return frame.reset_index(drop=True)


# --- DuckDB --------------------------------------------------------------------------------------


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.sql(f"DESCRIBE {qualified(table)}").fetchall()]


def frame_query(
    suite: Suite,
    available: list[str],
    partition: date | str | None = None,
    with_rowid: bool = False,
) -> tuple[str, list]:
    """SELECT of the suite's columns present in the table, plus one membership flag per
    referential-integrity expectation (NULL when the value is NULL), for the partition if any
    (and the table's `rowid` as `__rowid` when asked)."""
    cols = [c for c in suite.columns if c in available]
    select = [f"t.{quote_identifier(c)}" for c in cols] + (
        ["t.rowid AS __rowid"] if with_rowid else []
    )
    for e in suite.expectations:
        if e.is_reference and e.kwargs["column"] in available:
            table, column = e.reference
            col = f"t.{quote_identifier(e.kwargs['column'])}"
            select.append(
                f"CASE WHEN {col} IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM {qualified(table)} AS r "
                f"WHERE r.{quote_identifier(column)} = {col}) END AS {quote_identifier(e.flag_column)}"
            )
    sql = f"SELECT {', '.join(select) or 'NULL AS __none'} FROM {qualified(suite.table)} AS t"
    params: list = []
    if suite.partition_column and partition is not None:
        sql += f" WHERE t.{quote_identifier(suite.partition_column)} = ?"
        params.append(partition)
    if suite.order_by:
        sql += " ORDER BY " + ", ".join(f"t.{quote_identifier(c)}" for c in suite.order_by)
    return sql, params


def fetch_frame(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    partition: date | str | None = None,
    sample: int | None = None,
) -> pd.DataFrame:
    """Every row of the suite's table (or partition), only the columns the suite needs; with
    `sample`, at most that many rows, a fixed pseudo-random choice (by hashed row id)."""
    sql, params = frame_query(suite, table_columns(con, suite.table), partition)
    if sample is not None:
        sql, params = _sampled(suite, table_columns(con, suite.table), partition, sample)
    frame = con.sql(sql, params=params or None).df(date_as_object=True)
    frame = frame.drop(columns=[c for c in ("__none", "__rowid") if c in frame.columns])
    return frame


def _sampled(
    suite: Suite, available: list[str], partition: date | str | None, rows: int
) -> tuple[str, list]:
    """`frame_query` over a sample of the table's rows, kept in the suite's order."""
    inner = dataclasses.replace(suite, order_by=())
    sql, params = frame_query(inner, available, partition, with_rowid=True)
    sql = f"SELECT * FROM ({sql} ORDER BY hash(t.rowid) LIMIT {max(int(rows), 0)})"
    order = [quote_identifier(c) for c in suite.order_by if c in available] or ["__rowid"]
    return f"{sql} ORDER BY {', '.join(order)}", params


def partition_scope(
    con: duckdb.DuckDBPyConnection, suite: Suite, partition: date | str | None = None
) -> Scope:
    """Where the rows to validate are (table, partition filter, column types), for SQL checks."""
    types = dict(
        con.sql(
            f"SELECT column_name, column_type FROM (DESCRIBE {qualified(suite.table)})"
        ).fetchall()
    )
    where, params = "TRUE", []
    if suite.partition_column and partition is not None:
        where, params = f"{quote_identifier(suite.partition_column)} = ?", [partition]
    return Scope(qualified(suite.table), where, params, types)


def validate_table(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    parameters: dict[str, Any] | None = None,
    partition: date | str | None = None,
    gx_max_rows: int | None = None,
) -> SuiteOutcome:
    """Validate the suite's table (or partition). Up to `gx_max_rows` rows (no limit when None),
    every row is fetched and validated in GX. Past it, each expectation is counted in DuckDB over
    every row (`quality.sql_checks`), and only those without a SQL twin run in GX, on a sample of
    `gx_max_rows` rows (their description says so)."""
    started = time.perf_counter()
    if gx_max_rows is not None:
        scope = partition_scope(con, suite, partition)
        rows = int(
            con.sql(
                f"SELECT count(*) FROM {scope.table} WHERE {scope.where}",
                params=scope.params or None,
            ).fetchall()[0][0]
        )
        if rows > gx_max_rows:
            return _validate_in_sql(con, suite, scope, rows, parameters, partition, gx_max_rows)
    frame = fetch_frame(con, suite, partition)
    fetched = time.perf_counter() - started
    outcome = validate_frame(suite, frame, parameters)
    outcome.fetch_seconds = fetched
    return outcome


def _validate_in_sql(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    scope: Scope,
    rows: int,
    parameters: dict[str, Any] | None,
    partition: date | str | None,
    sample_rows: int,
) -> SuiteOutcome:
    started = time.perf_counter()
    params = {"rows": rows, **(parameters or {})}
    by_index = {
        e.index: sql_outcome(con, suite, e, scope, params, rows) for e in suite.expectations
    }
    in_sql = time.perf_counter() - started
    rest = [e for e in suite.expectations if by_index[e.index] is None]
    fetched = validated = 0.0
    sampled = 0
    if rest:
        frame = fetch_frame(con, suite, partition, sample=sample_rows)
        sampled = len(frame)
        fetched = time.perf_counter() - started - in_sql
        on_sample = validate_frame(suite, frame, params, rest)
        validated = on_sample.validate_seconds
        for o in on_sample.outcomes:
            o.description += f" (GX on a sample of {sampled:,} of {rows:,} rows)"
            by_index[o.expectation.index] = o
    return SuiteOutcome(
        suite,
        rows,
        [by_index[e.index] for e in suite.expectations],
        fetch_seconds=fetched,
        validate_seconds=in_sql + validated,
        parameters=params,
        method=(
            f"SQL in DuckDB on all {rows:,} rows"
            + (
                f"; GX on a sample of {sampled:,} rows for {len(rest)} expectation(s)"
                if rest
                else ""
            )
        ),
    )
