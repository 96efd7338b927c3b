"""Investor features as of a date, computed in DuckDB (investor_features.sql)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import yaml

from transforms.sql import sql_text
from transforms.taxonomy import load_taxonomy

SCORING_FILE = Path(__file__).resolve().parent.parent / "config" / "investor_scoring.yaml"


@cache
def load_investor_scoring(path: Path = SCORING_FILE) -> dict:
    """`config/investor_scoring.yaml`: feature windows, weights, the fund rule."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


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
    return con.sql(sql_text("investor_features") + " ORDER BY investor_id", params=params).pl()
