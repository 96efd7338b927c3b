"""Investor features as of a date, computed in DuckDB (investor_features.sql)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from transforms import SQL_DIR
from transforms.taxonomy import load_taxonomy
from warehouse.config import config_file, load_yaml
from warehouse.sql import sql_text

SCORING_FILE = config_file("investor_scoring.yaml")


@cache
def load_investor_scoring(path: Path = SCORING_FILE) -> dict:
    """`config/investor_scoring.yaml`: feature windows, weights, the fund rule."""
    return load_yaml(Path(path))


def investor_features_as_of(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    config: dict | None = None,
    epoch_model_builders: bool | None = None,
) -> pl.DataFrame:
    """One row per investor with a dated investment on or before `as_of`: portfolio size, shares
    by vertical, exit and follow-on rates, activity, round sizes and France/UAE footprint, all
    from facts dated on or before `as_of` (see investor_features.sql for the columns). Reads the
    core tables only; a read-only connection will do."""
    features = (config or load_investor_scoring())["features"]
    if epoch_model_builders is None:
        rule = load_taxonomy()["verticals"]["generative_models"]
        epoch_model_builders = bool(rule.get("epoch_model_builders", False))
    low, high = features["ticket_range_usd"]
    params = {
        "as_of": as_of,
        "epoch_model_builders": epoch_model_builders,
        "follow_on_min_months": int(features["follow_on_min_months"]),
        "ticket_min_usd": float(low),
        "ticket_max_usd": float(high),
    }
    return con.sql(
        sql_text("investor_features", SQL_DIR) + " ORDER BY investor_id", params=params
    ).pl()
