"""Funds as LP commitments, as of a date: the fund performance disclosed by then
(core.fund_performance) and the fund raises announced by then (core.funds)."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from transforms import SQL_DIR
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
    """core.fund_performance rows disclosed on or before `as_of` (undated rows never are); no
    rows when the table is absent."""
    if not table_exists(con, "core.fund_performance"):
        return _empty_disclosures()
    return con.sql(
        f"SELECT {DISCLOSURE_COLUMNS} FROM core.fund_performance WHERE as_of <= ?",
        params=[as_of],
    ).pl()


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
