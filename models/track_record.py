"""Managers' track records from the fund performance their limited partners disclosed.

A fund is one (manager, vintage, normalised fund name), however many LPs disclose it: its TVPI and
net IRR are the median of the LPs' figures (each LP's latest disclosure dated on or before as_of).
Each fund gets a quartile against the funds of the same vintage and strategy, TVPI and IRR
separately (1 = top), when the group has at least `min_peers` funds with that figure. A manager's
record summarises its funds' quartiles. No Dagster here; no disclosure dated after as_of is read.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from transforms.funds import disclosures_as_of, fund_raises_as_of
from transforms.investors import load_investor_scoring

METRICS = ("tvpi", "irr")
FUND_KEY = ("manager_norm", "vintage", "fund_name_norm")

# the per-investor columns the fund scores and the LP view read (see `manager_track_record`)
TRACK_RECORD_COLUMNS = (
    "n_disclosed_funds",
    "n_ranked_funds",
    "n_top_quartile_tvpi",
    "n_ranked_tvpi",
    "best_tvpi_quartile",
    "median_tvpi_quartile",
    "share_top_quartile_tvpi",
    "n_top_quartile_irr",
    "n_ranked_irr",
    "best_irr_quartile",
    "median_irr_quartile",
    "share_top_quartile_irr",
    "latest_vintage",
    "track_record_points",
)


def disclosed_funds(disclosures: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """One row per fund disclosed on or before `as_of` (columns of core.fund_performance in:
    fund, fund_name_norm, manager, manager_norm, investor_id, vintage, strategy, sub_strategy,
    net_irr, tvpi, as_of, source). An LP that disclosed a fund several times counts with its
    latest disclosure by as_of; the fund's figures are the median over its LPs."""
    dated = disclosures.filter(pl.col("as_of").is_not_null() & (pl.col("as_of") <= as_of))
    latest = dated.sort("as_of").group_by([*FUND_KEY, "source"], maintain_order=True).last()
    return (
        latest.group_by(FUND_KEY)
        .agg(
            pl.col("fund").mode().sort().first(),
            pl.col("manager").mode().sort().first(),
            pl.col("investor_id").drop_nulls().first(),
            # a sub-strategy named by any LP's row wins over the bare asset class
            pl.col("strategy")
            .filter(pl.col("sub_strategy").is_not_null())
            .mode()
            .sort()
            .first()
            .alias("_sub"),
            pl.col("strategy").mode().sort().first().alias("_any"),
            pl.col("tvpi").median(),
            pl.col("net_irr").median().alias("irr"),
            pl.col("source").n_unique().alias("n_lps"),
            pl.col("as_of").max().alias("disclosed_as_of"),
        )
        .with_columns(pl.coalesce("_sub", "_any").alias("strategy"))
        .drop("_sub", "_any")
        .sort(FUND_KEY)
    )


def fund_quartiles(funds: pl.DataFrame, min_peers: int = 4) -> pl.DataFrame:
    """`funds` (from `disclosed_funds`) with `<metric>_quartile` and `<metric>_peers` for TVPI
    and IRR: 1 + floor(4 * (rank - 1) / peers), rank 1 the highest figure of the funds of the
    same vintage and strategy (ties share the better rank). NULL when the figure is missing or
    the group has fewer than `min_peers` funds with that figure."""
    out = funds
    group = ["vintage", "strategy"]
    for metric in METRICS:
        value = pl.col(metric)
        peers = value.count().over(group)
        rank = value.rank(method="min", descending=True).over(group)
        quartile = 1 + ((rank - 1) * 4 / peers).floor().cast(pl.Int64)
        out = out.with_columns(
            peers.alias(f"{metric}_peers"),
            pl.when(value.is_not_null() & (peers >= min_peers))
            .then(quartile)
            .otherwise(None)
            .cast(pl.Int64)
            .alias(f"{metric}_quartile"),
        )
    return out


def manager_track_record(quartiles: pl.DataFrame) -> pl.DataFrame:
    """One row per manager (manager_norm) of `fund_quartiles`' funds: how many disclosed and
    ranked, per metric the best and median quartile, the count and share in the top quartile,
    the latest vintage, and `track_record_points` (the mean over ranked funds of the fund's
    points, (4 - quartile) / 3 averaged over its ranked metrics; NULL when none is ranked)."""
    points = pl.mean_horizontal([(4 - pl.col(f"{m}_quartile")) / 3 for m in METRICS])
    frame = quartiles.with_columns(points.alias("_points"))
    aggs: list[pl.Expr] = [
        pl.col("manager").mode().sort().first(),
        pl.col("investor_id").drop_nulls().first(),
        pl.len().alias("n_disclosed_funds"),
        pl.col("_points").count().alias("n_ranked_funds"),
    ]
    for m in METRICS:
        q = pl.col(f"{m}_quartile")
        aggs += [
            (q == 1).sum().alias(f"n_top_quartile_{m}"),
            q.count().alias(f"n_ranked_{m}"),
            q.min().alias(f"best_{m}_quartile"),
            q.median().alias(f"median_{m}_quartile"),
            ((q == 1).sum() / q.count()).alias(f"share_top_quartile_{m}"),
        ]
    aggs += [
        pl.col("vintage").max().alias("latest_vintage"),
        pl.col("_points").mean().alias("track_record_points"),
    ]
    out = frame.group_by("manager_norm").agg(aggs).sort("manager_norm")
    return out.with_columns(
        *[
            pl.when(pl.col(f"n_ranked_{m}") > 0)
            .then(pl.col(f"share_top_quartile_{m}"))
            .alias(f"share_top_quartile_{m}")
            for m in METRICS
        ],
        pl.col("n_disclosed_funds").cast(pl.Int64),
        pl.col("n_ranked_funds").cast(pl.Int64),
        *[pl.col(f"n_top_quartile_{m}").cast(pl.Int64) for m in METRICS],
        *[pl.col(f"n_ranked_{m}").cast(pl.Int64) for m in METRICS],
    )


def track_record_as_of(disclosures: pl.DataFrame, as_of: date, min_peers: int = 4) -> pl.DataFrame:
    """Managers' track records from disclosures dated on or before `as_of`."""
    return manager_track_record(fund_quartiles(disclosed_funds(disclosures, as_of), min_peers))


def manager_track_record_as_of(
    con: duckdb.DuckDBPyConnection, as_of: date, config: dict | None = None
) -> pl.DataFrame:
    """Every manager with a fund disclosed on or before `as_of`, its funds' quartiles
    summarised; an empty frame when core.fund_performance is absent."""
    config = config or load_investor_scoring()
    min_peers = int(config["track_record"]["min_peers"])
    return track_record_as_of(disclosures_as_of(con, as_of), as_of, min_peers)


def lp_features_as_of(
    con: duckdb.DuckDBPyConnection, as_of: date, config: dict | None = None
) -> pl.DataFrame:
    """One row per investor with a disclosed track record or a fund raise by `as_of`: the
    `TRACK_RECORD_COLUMNS` and the fund-raise columns (`transforms.funds.RAISE_SCHEMA`)."""
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
