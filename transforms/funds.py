"""Funds as LP commitments, as of a date: the managers' disclosed track records
(core.fund_performance) and their fund raises (core.funds), one row per investor."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from models.track_record import TRACK_RECORD_COLUMNS, track_record_as_of
from transforms import SQL_DIR
from transforms.investors import load_investor_scoring
from warehouse.sql import sql_text
from warehouse.tables import table_exists

DISCLOSURE_COLUMNS = (
    "fund, fund_name_norm, manager, manager_norm, investor_id, vintage, strategy, sub_strategy, "
    "net_irr, tvpi, as_of, source"
)
RAISE_SCHEMA = {
    "investor_id": pl.String,
    "n_funds_raised": pl.Int64,
    "latest_fund_on": pl.Date,
    "latest_fund_name": pl.String,
    "latest_fund_usd": pl.Float64,
    "latest_fund_eur": pl.Float64,
    "latest_sized_fund_on": pl.Date,
}


def disclosures_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> pl.DataFrame:
    """core.fund_performance rows disclosed on or before `as_of` (undated rows never are)."""
    return con.sql(
        f"SELECT {DISCLOSURE_COLUMNS} FROM core.fund_performance WHERE as_of <= ?",
        params=[as_of],
    ).pl()


def manager_track_record_as_of(
    con: duckdb.DuckDBPyConnection, as_of: date, config: dict | None = None
) -> pl.DataFrame:
    """Every manager with a fund disclosed on or before `as_of`, its funds' quartiles
    summarised (models.track_record); an empty frame when core.fund_performance is absent."""
    config = config or load_investor_scoring()
    if not table_exists(con, "core.fund_performance"):
        return track_record_as_of(_empty_disclosures(), as_of)
    min_peers = int(config["track_record"]["min_peers"])
    return track_record_as_of(disclosures_as_of(con, as_of), as_of, min_peers)


def _empty_disclosures() -> pl.DataFrame:
    strings = ("fund", "fund_name_norm", "manager", "manager_norm", "investor_id", "strategy")
    schema = {c: pl.String for c in (*strings, "sub_strategy", "source")}
    schema |= {"vintage": pl.Int64, "net_irr": pl.Float64, "tvpi": pl.Float64, "as_of": pl.Date}
    return pl.DataFrame(schema=schema)


def fund_raises_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> pl.DataFrame:
    """Per investor, its fund raises announced on or before `as_of` (fund_raises.sql)."""
    if not table_exists(con, "core.funds"):
        return pl.DataFrame(schema=RAISE_SCHEMA)
    frame = con.sql(sql_text("fund_raises", SQL_DIR), params={"as_of": as_of}).pl()
    return frame.cast({c: t for c, t in RAISE_SCHEMA.items() if c in frame.columns})


def lp_features_as_of(
    con: duckdb.DuckDBPyConnection, as_of: date, config: dict | None = None
) -> pl.DataFrame:
    """One row per investor with a disclosed track record or a fund raise by `as_of`: the
    `TRACK_RECORD_COLUMNS` and the fund-raise columns (`RAISE_SCHEMA`)."""
    record = manager_track_record_as_of(con, as_of, config)
    record = record.filter(pl.col("investor_id").is_not_null()).select(
        "investor_id", *TRACK_RECORD_COLUMNS
    )
    return record.join(fund_raises_as_of(con, as_of), on="investor_id", how="full", coalesce=True)


def with_lp_features(features: pl.DataFrame, lp: pl.DataFrame) -> pl.DataFrame:
    """`features` (investor_features_as_of) with the LP columns of `lp` joined by investor;
    NULL (counts 0) for an investor with none."""
    joined = features.join(lp, on="investor_id", how="left", maintain_order="left")
    return joined.with_columns(
        pl.col("n_disclosed_funds", "n_ranked_funds", "n_funds_raised").fill_null(0)
    )
