"""Feature and label frames as of a date, computed in DuckDB (company_features.sql, labels.sql)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import duckdb
import numpy as np
import polars as pl

from transforms import SQL_DIR
from transforms.taxonomy import load_taxonomy
from warehouse.sql import sql_text

T = TypeVar("T")


# The CTEs of company_features.sql shared by every company's row: the facts known at as_of and
# the market statistics, in dependency order (`materialize_shared`).
SHARED_CTES = (
    "known",
    "rounds",
    "exits",
    "edges",
    "investor_track",
    "investor_follow_on",
    "past_population",
    "category_rate",
    "region_rate",
    "top_cut",
)


def cte_spans(text: str) -> dict[str, tuple[int, int]]:
    """Where the body `( ... )` of each CTE `name AS (` written at a line's start begins and
    ends in `text` (parentheses in comments and string literals do not count)."""
    spans = {}
    for match in re.finditer(r"^(\w+) AS \(", text, flags=re.MULTILINE):
        start = i = match.end() - 1
        depth = 0
        while i < len(text):
            ch = text[i]
            if text.startswith("--", i):
                i = text.find("\n", i)
                i = len(text) if i < 0 else i
                continue
            if ch == "'":
                i = text.find("'", i + 1)
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    spans[match.group(1)] = (start, i + 1)
                    break
            i += 1
    return spans


def features_sql(subjects: str | None = None, shared: dict[str, str] | None = None) -> str:
    """company_features.sql; with `subjects` (a SELECT of company_id, which may read the file's
    CTEs such as `population`), rows only for those companies, their per-company parts computed
    for them alone (the market statistics still read every known company, so each row equals the
    whole query's row for that company). `shared` maps CTEs to tables that already hold their
    rows (see `materialize_shared`): those are read instead of computed."""
    among = "company_id IN (SELECT company_id FROM subjects)"
    markers = {
        "/*SUBJECTS_CTE*/": f"subjects AS ({subjects}),",
        "/*SUBJECTS*/": f"WHERE {among}",
        "/*AND_SUBJECTS*/": f"AND {among}",
        "/*AND_EDGE_SUBJECTS*/": f"AND e.{among}",
    }
    text = sql_text("company_features", SQL_DIR)
    for marker, narrowed in markers.items():
        text = text.replace(marker, narrowed if subjects is not None else "")
    spans = cte_spans(text)
    for name, (start, end) in sorted(
        ((n, spans[n]) for n in (shared or {})), key=lambda item: -item[1][0]
    ):
        text = f"{text[:start]}(SELECT * FROM {shared[name]}){text[end:]}"
    return text


def used_params(query: str, params: dict) -> dict:
    """The named parameters `query` reads (DuckDB rejects the others)."""
    return {k: v for k, v in params.items() if f"${k}" in query}


def materialize_shared(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, str]:
    """Temp tables `_shared_<cte>` holding the rows of `SHARED_CTES` as of `params['as_of']`,
    each computed once from those before it; returns the mapping for `features_sql(shared=)`.
    Scoring reads them twice (to tell what changed, then for the features)."""
    shared: dict[str, str] = {}
    for name in SHARED_CTES:
        ctes = features_sql(shared=shared).split("-- @select")[0]
        query = f"CREATE OR REPLACE TEMP TABLE _shared_{name} AS {ctes} SELECT * FROM {name}"
        con.execute(query, used_params(query, params))
        shared[name] = f"_shared_{name}"
    return shared


def _extent_sql() -> str:
    """The latest round and exit of a known company (what `data_end` reads), from the file's
    CTEs without computing any company's row."""
    ctes = features_sql().split("-- @select")[0]
    return (
        f"{ctes} SELECT (SELECT max(funded_on) FROM rounds) AS last_round_on, "
        "(SELECT max(exited_on) FROM exits) AS exited_on"
    )


def features_as_of(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    status_usable: bool = False,
    epoch_model_builders: bool | None = None,
) -> pl.DataFrame:
    """One row per company known on `as_of`, with features that read only facts dated on or
    before it (see company_features.sql for the columns)."""
    params = feature_params(as_of, status_usable, epoch_model_builders)
    return con.sql(features_sql() + " ORDER BY company_id", params=params).pl()


def feature_params(
    as_of: date, status_usable: bool = False, epoch_model_builders: bool | None = None
) -> dict:
    """The named parameters of company_features.sql."""
    if epoch_model_builders is None:
        rule = load_taxonomy()["verticals"]["generative_models"]
        epoch_model_builders = bool(rule.get("epoch_model_builders", False))
    return {
        "as_of": as_of,
        "status_usable": status_usable,
        "epoch_model_builders": epoch_model_builders,
    }


def population_as_of(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    limit: int | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The rows of `features_as_of(con, as_of)` in the success model's population (status never
    read), filtered in DuckDB. With `limit`, at most that many rows: the companies whose id
    hashes lowest, a fixed pseudo-random sample (all rows when the population is smaller). With
    `columns`, only those (and `company_id`): DuckDB then computes no other column either."""
    # the sample is chosen before any company's features are computed, then only its rows are
    subjects = "SELECT company_id FROM population"
    if limit is not None:
        subjects += f" ORDER BY hash(company_id), company_id LIMIT {int(limit)}"
    wanted = "*"
    if columns is not None:
        wanted = ", ".join(f'"{c}"' for c in dict.fromkeys(["company_id", *columns]))
    query = f"SELECT {wanted} FROM ({features_sql(subjects)}) WHERE in_population"
    return one_thread_if_out_of_memory(
        con,
        lambda: con.sql(f"{query} ORDER BY company_id", params=feature_params(as_of)).pl(),
    )


def one_thread_if_out_of_memory(con: duckdb.DuckDBPyConnection, run: Callable[[], T]) -> T:
    """`run()`, and if DuckDB runs out of memory, `run()` again on one thread. The feature SQL's
    ordered and DISTINCT list aggregates cannot spill to disk, and each thread holds its own
    share of them: at 3M companies under a 4 GB limit, two threads may not fit where one does."""
    try:
        return run()
    except duckdb.OutOfMemoryException:
        threads = con.sql("SELECT current_setting('threads')").fetchall()[0][0]
        con.execute("SET threads = 1")
        try:
            return run()
        finally:
            con.execute(f"SET threads = {int(threads)}")


def create_features_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    as_of: date,
    status_usable: bool = False,
    epoch_model_builders: bool | None = None,
    subjects: str | None = None,
    shared: dict[str, str] | None = None,
) -> int:
    """Write the rows of `features_as_of` into `table`, without bringing them into Python;
    returns the row count. With `subjects` and `shared` (see `features_sql`), only those
    companies' rows, and the shared CTEs read from their tables. Rows are in no particular order (`rowid` ranges are chunks of it):
    sorting them in the same statement is what tipped the feature SQL over the memory limit at
    3M companies, and every reader of the table orders what it reads."""
    params = feature_params(as_of, status_usable, epoch_model_builders)
    query = f"CREATE OR REPLACE TABLE {table} AS {features_sql(subjects, shared)}"
    one_thread_if_out_of_memory(con, lambda: con.execute(query, used_params(query, params)))
    return int(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def feature_extent(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    """One row with the latest `last_round_on` and `exited_on` of a features table: all that
    `data_end` reads, so `data_end(feature_extent(...))` equals `data_end` of the whole frame."""
    return con.sql(
        f"SELECT max(last_round_on) AS last_round_on, max(exited_on) AS exited_on FROM {table}"
    ).pl()


def extent_as_of(
    con: duckdb.DuckDBPyConnection, as_of: date, status_usable: bool = False
) -> pl.DataFrame:
    """`feature_extent` of the features as of `as_of`, computed in DuckDB (one row leaves it)."""
    query = _extent_sql()
    params = used_params(query, feature_params(as_of, status_usable))
    return con.sql(query, params=params).pl()


def data_end(features: pl.DataFrame) -> date | None:
    """Where the data stops as of the features' date: the latest round or exit of a known company."""
    ends = [features[c].max() for c in ("last_round_on", "exited_on") if c in features.columns]
    ends = [e for e in ends if e is not None]
    return max(ends) if ends else None


def labels(
    con: duckdb.DuckDBPyConnection, population: pl.DataFrame, cutoff: date, horizon_end: date
) -> np.ndarray:
    """1 when the company raised or exited in (cutoff, horizon_end], aligned with `population`."""
    con.register("_population", population.select("company_id").to_arrow())
    try:
        out = con.sql(
            sql_text("labels", SQL_DIR) + " ORDER BY company_id",
            params={"cutoff": cutoff, "horizon_end": horizon_end},
        ).pl()
    finally:
        con.unregister("_population")
    aligned = population.select("company_id").join(
        out, on="company_id", how="left", maintain_order="left"
    )
    return aligned["label"].fill_null(0).to_numpy()
