"""Feature and label frames as of a date, computed in DuckDB (company_features.sql, labels.sql)."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import polars as pl

from transforms.sql import sql_text
from transforms.taxonomy import load_taxonomy


def features_as_of(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    status_usable: bool = False,
    epoch_model_builders: bool | None = None,
) -> pl.DataFrame:
    """One row per company known on `as_of`, with features that read only facts dated on or
    before it (see company_features.sql for the columns)."""
    if epoch_model_builders is None:
        rule = load_taxonomy()["verticals"]["generative_models"]
        epoch_model_builders = bool(rule.get("epoch_model_builders", False))
    params = {
        "as_of": as_of,
        "status_usable": status_usable,
        "epoch_model_builders": epoch_model_builders,
    }
    return con.sql(sql_text("company_features") + " ORDER BY company_id", params=params).pl()


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
            sql_text("labels") + " ORDER BY company_id",
            params={"cutoff": cutoff, "horizon_end": horizon_end},
        ).pl()
    finally:
        con.unregister("_population")
    aligned = population.select("company_id").join(
        out, on="company_id", how="left", maintain_order="left"
    )
    return aligned["label"].fill_null(0).to_numpy()
