"""The week's frames a pack is built from, read from the warehouse (SQL in, polars out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from models.backtest import KS, MODEL_METHOD, MOST_ACTIVE
from models.decisions import PORTFOLIO_LANE
from models.lanes import Lane, lane_order_sql
from warehouse.tables import table_exists

PORTFOLIO_SCOPE = "the analysts' portfolio companies, listed apart (in no lane's count)"

CHANGES_TABLE = "marts.shortlist_changes"


@dataclass
class PackData:
    """One week's shortlist, funds, changes and backtests. A frame is None when its table does
    not exist in the warehouse (yet): the pack then says so instead of showing an empty table."""

    week: date
    company_lanes: list[Lane]
    fund_lanes: list[Lane]
    shortlist: pl.DataFrame
    funds: pl.DataFrame | None = None
    changes: pl.DataFrame | None = None
    shortlist_backtest: pl.DataFrame | None = None
    success_backtest: pl.DataFrame | None = None
    calibration: pl.DataFrame | None = None
    ks: tuple[int, ...] = KS

    @property
    def as_of(self) -> date | None:
        if self.shortlist.height and "as_of" in self.shortlist.columns:
            return self.shortlist["as_of"].max()
        return None

    def lane_rows(self, lane: str) -> pl.DataFrame:
        return self.shortlist.filter(pl.col("lane") == lane).sort("lane_rank")


def _week_rows(
    con: duckdb.DuckDBPyConnection, table: str, week: date, order: str
) -> pl.DataFrame | None:
    if not table_exists(con, table):
        return None
    return con.sql(
        f"SELECT * FROM {table} WHERE week_start = ? ORDER BY {order}", params=[week]
    ).pl()


def load_pack_data(
    con: duckdb.DuckDBPyConnection,
    week: date,
    company_lanes: list[Lane],
    fund_lanes: list[Lane],
) -> PackData:
    """Every frame of `week`'s pack: the shortlist and funds in lane order (best first inside a
    lane), the changes against the week before (`marts.shortlist_changes` when the table exists),
    the shortlist's and the success model's backtests and the model's calibration."""
    lanes_order = f"{lane_order_sql(company_lanes)} NULLS LAST, lane_rank"
    shortlist = _week_rows(con, "marts.weekly_shortlist", week, lanes_order)
    if shortlist is not None and "lane" in shortlist.columns:
        # the analysts' portfolio companies are listed apart, after the lanes
        held = shortlist.filter(pl.col("lane") == PORTFOLIO_LANE).height
        if held:
            company_lanes = [*company_lanes, Lane(PORTFOLIO_LANE, PORTFOLIO_SCOPE, held, ())]
    data = PackData(
        week=week,
        company_lanes=company_lanes,
        fund_lanes=fund_lanes,
        shortlist=shortlist if shortlist is not None else pl.DataFrame(),
        funds=_week_rows(
            con,
            "marts.fund_shortlist",
            week,
            f"{lane_order_sql(fund_lanes)} NULLS LAST, lane_rank",
        ),
        shortlist_backtest=_week_rows(con, "marts.shortlist_backtest", week, "cutoff, lane"),
        success_backtest=_week_rows(con, "marts.success_backtest", week, "cutoff, method"),
        calibration=_week_rows(con, "marts.success_calibration", week, "cutoff, bin"),
    )
    if table_exists(con, CHANGES_TABLE):
        columns = {r[0] for r in con.sql(f"DESCRIBE {CHANGES_TABLE}").fetchall()}
        order = f"{lane_order_sql(company_lanes)} NULLS LAST" if "lane" in columns else "1"
        if "rank" in columns:
            order += ", rank NULLS LAST"
        if "previous_rank" in columns:
            order += ", previous_rank NULLS LAST"
        data.changes = _week_rows(con, CHANGES_TABLE, week, order)
    return data


def top_of_list(success_backtest: pl.DataFrame, ks: tuple[int, ...] = KS) -> pl.DataFrame:
    """The success backtest's top of the list: precision@k, AUC-ROC and the base rate of the model
    and of the naive `most_active` ranking at each cutoff (empty without such rows)."""
    wanted = ["cutoff", "method", "n", "base_rate", *[f"precision_at_{k}" for k in ks], "auc_roc"]
    rows = success_backtest.filter(pl.col("method").is_in([MODEL_METHOD, MOST_ACTIVE]))
    return rows.select([c for c in wanted if c in rows.columns]).sort("cutoff", "method")


def model_at_least_naive(top: pl.DataFrame, ks: tuple[int, ...] = KS) -> tuple[int, int]:
    """In how many (cutoff, k) cells the model's precision@k is at least most_active's, of how
    many cells both have."""
    cells = wins = 0
    for _, rows in top.group_by("cutoff"):
        by = {r["method"]: r for r in rows.iter_rows(named=True)}
        if MODEL_METHOD not in by or MOST_ACTIVE not in by:
            continue
        for k in ks:
            model, naive = (
                by[MODEL_METHOD].get(f"precision_at_{k}"),
                by[MOST_ACTIVE].get(f"precision_at_{k}"),
            )
            if model is None or naive is None:
                continue
            cells += 1
            wins += model >= naive - 1e-9
    return wins, cells
