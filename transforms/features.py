"""Feature and label frames as of a date, computed in DuckDB (company_features.sql, labels.sql)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import duckdb
import numpy as np
import polars as pl

from transforms import SQL_DIR
from transforms.taxonomy import load_taxonomy
from warehouse.sql import sql_text
from warehouse.tables import quote_identifier, registered

T = TypeVar("T")


# The relations company_features.sql reads, in dependency order: each is the SELECT of
# sql/company_features/<name>.sql, which reads the relations before it (a CTE of the query).
FEATURE_CTES = (
    "dated_evidence",
    "known",
    "rounds",
    "exits",
    "population",
    "population_sample",
    "subjects",
    "subject_known",
    "subject_rounds",
    "round_stats",
    "acquisitions_made",
    "models",
    "edges",
    "subject_edges",
    "rates_as_of",
    "investor_track",
    "investor_follow_on",
    "past_population",
    "past_rate",
    "category_rate",
    "company_category_rate",
    "region_rate",
    "top_cut",
    "last_round_investors",
    "company_investors",
    "taxonomy",
)
FEATURE_CTES_DIR = SQL_DIR / "company_features"

# The relations shared by every company's row: the facts known at as_of and the market
# statistics, in dependency order (`materialize_shared`).
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


# When every known company is a subject, the relations narrowed to the subjects are the whole
# ones: read as such, they cost no semi-join with `subjects` (about a sixth of the query's time).
EVERY_COMPANY = {"subject_known": "known", "subject_rounds": "rounds", "subject_edges": "edges"}


def feature_ctes(shared: dict[str, str] | None = None, subjects: str = "known") -> str:
    """The WITH clause of company_features.sql: every relation of `FEATURE_CTES` from its file,
    or, for those `shared` maps to a table already holding their rows (see
    `materialize_shared`), read from that table. With `subjects` "known" (the parameter
    `$subjects` the query runs with), the relations of `EVERY_COMPANY` read the whole ones. Any
    SELECT of those relations may follow."""
    reads = (shared or {}) | (EVERY_COMPANY if subjects == "known" else {})
    ctes = [
        f"{name} AS (SELECT * FROM {reads[name]})"
        if name in reads
        else f"{name} AS (\n{sql_text(name, FEATURE_CTES_DIR)})"
        for name in FEATURE_CTES
    ]
    return "WITH\n" + ",\n".join(ctes) + "\n"


def features_sql(shared: dict[str, str] | None = None, subjects: str = "known") -> str:
    """company_features.sql with its relations (`feature_ctes`): the rows of the companies of
    the relation named by the parameter `$subjects` (see `feature_params`), which must be
    `subjects` here."""
    return feature_ctes(shared, subjects) + sql_text("company_features", SQL_DIR)


def materialize_shared(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, str]:
    """Temp tables `_shared_<cte>` holding the rows of `SHARED_CTES` as of `params['as_of']`,
    each computed once from those before it; returns the mapping for `features_sql(shared=)`.
    Scoring reads them twice (to tell what changed, then for the features)."""
    shared: dict[str, str] = {}
    for name in SHARED_CTES:
        table = f"_shared_{name}"
        rows = f"{feature_ctes(shared)}SELECT * FROM {name}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {rows}", params)
        shared[name] = table
    return shared


# the latest round and exit of a known company (what `data_end` reads), from the feature
# relations without computing any company's row
EXTENT_SELECT = (
    "SELECT (SELECT max(funded_on) FROM rounds) AS last_round_on, "
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
    as_of: date,
    status_usable: bool = False,
    epoch_model_builders: bool | None = None,
    subjects: str = "known",
    sample_size: int | None = None,
) -> dict:
    """The named parameters of company_features.sql and its relations: `subjects` names the
    relation of the companies whose rows are computed (every known company by default; see
    company_features/subjects.sql), `sample_size` the size of `population_sample`."""
    if epoch_model_builders is None:
        rule = load_taxonomy()["verticals"]["generative_models"]
        epoch_model_builders = bool(rule.get("epoch_model_builders", False))
    return {
        "as_of": as_of,
        "status_usable": status_usable,
        "epoch_model_builders": epoch_model_builders,
        "subjects": subjects,
        "sample_size": sample_size,
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
    params = feature_params(
        as_of,
        subjects="population" if limit is None else "population_sample",
        sample_size=None if limit is None else int(limit),
    )
    wanted = "*"
    if columns is not None:
        wanted = ", ".join(quote_identifier(c) for c in dict.fromkeys(["company_id", *columns]))
    rows = features_sql(subjects=params["subjects"])
    query = f"SELECT {wanted} FROM ({rows}) WHERE in_population ORDER BY company_id"
    return one_thread_if_out_of_memory(con, lambda: con.sql(query, params=params).pl())


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
    subjects: str = "known",
    shared: dict[str, str] | None = None,
) -> int:
    """Write the rows of `features_as_of` into `table`, without bringing them into Python;
    returns the row count. With `subjects` (the name of a relation of `company_id`: see
    `feature_params`), only those companies' rows; with `shared` (see `feature_ctes`), the shared
    relations read from their tables. Rows are in no particular order (`rowid` ranges are chunks of it):
    sorting them in the same statement is what tipped the feature SQL over the memory limit at
    3M companies, and every reader of the table orders what it reads."""
    params = feature_params(as_of, status_usable, epoch_model_builders, subjects)
    query = f"CREATE OR REPLACE TABLE {table} AS {features_sql(shared, subjects)}"
    one_thread_if_out_of_memory(con, lambda: con.execute(query, params))
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
    query = feature_ctes() + EXTENT_SELECT
    return con.sql(query, params=feature_params(as_of, status_usable)).pl()


def data_end(features: pl.DataFrame) -> date | None:
    """Where the data stops as of the features' date: the latest round or exit of a known company."""
    ends = [features[c].max() for c in ("last_round_on", "exited_on") if c in features.columns]
    ends = [e for e in ends if e is not None]
    return max(ends) if ends else None


def labels(
    con: duckdb.DuckDBPyConnection, population: pl.DataFrame, cutoff: date, horizon_end: date
) -> np.ndarray:
    """1 when the company raised or exited in (cutoff, horizon_end], aligned with `population`."""
    with registered(con, "_population", population.select("company_id")):
        out = con.sql(
            sql_text("labels", SQL_DIR) + " ORDER BY company_id",
            params={"cutoff": cutoff, "horizon_end": horizon_end},
        ).pl()
    aligned = population.select("company_id").join(
        out, on="company_id", how="left", maintain_order="left"
    )
    return aligned["label"].fill_null(0).to_numpy()
