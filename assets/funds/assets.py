"""Funds as LP commitments: the fund performance LPs disclosed, fund raises, managers' track
records by week. Thin wrappers around assets/funds/sql, transforms.funds and models.track_record."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl

from assets.tables import table_result, table_specs
from models.track_record import manager_track_record_as_of
from transforms.investors import load_investor_scoring
from warehouse.metadata import markdown_table, table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.sql import sql_text
from warehouse.tables import replace_week

SQL_DIR = Path(__file__).parent / "sql"
INVESTORS = dg.AssetKey(["core", "investors"])
FUND_PERFORMANCE = "core.fund_performance"
FUNDS = "core.funds"
TRACK_RECORD = "marts.manager_track_record"

FUND_PERFORMANCE_DESCRIPTION = """One row per fund a limited partner disclosed (and report date):
fund, manager, vintage, strategy (sub-strategy, else asset class), net IRR (a fraction), TVPI,
DPI, the report date (`as_of`) and the LP (`source`, `source_url`). `investor_id` is the investor
the manager names in `core.investors`, NULL when none: the one of the same normalised name
(`manager_match` `name`), else the one named like it plus or minus trailing generic words
("Lightspeed" / "Lightspeed Venture Partners": `name+generic words`), when exactly one is;
metadata `manager_match_rate` is the share of distinct managers matched. Only disclosures dated on or
before a week's as_of are read by that week's scores."""
FUNDS_DESCRIPTION = """Fund raises by investor (Crunchbase bulk `funds.csv`): fund name, announced
date, vintage (its year), size in USD and EUR (ECB rate of the day). `investor_id` is the
investor of the normalised name (one investor per normalised name across sources)."""


def manager_match(con) -> tuple[int, int]:
    """(distinct managers matched to an investor, distinct managers) of core.fund_performance."""
    matched, total = con.sql(
        f"SELECT count(DISTINCT manager_norm) FILTER (investor_id IS NOT NULL), "
        f"count(DISTINCT manager_norm) FROM {FUND_PERFORMANCE}"
    ).fetchall()[0]
    return int(matched), int(total)


@dg.multi_asset(
    name="fund_performance",
    specs=table_specs(
        (FUND_PERFORMANCE,),
        group_name="entities",
        deps=[dg.AssetKey(["staging", "fund_performance"]), INVESTORS],
        description=FUND_PERFORMANCE_DESCRIPTION,
    ),
)
def fund_performance(warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
    """Disclosed fund performance, each manager matched to an investor by name."""
    with warehouse.connect() as con:
        con.execute(sql_text("fund_performance", SQL_DIR))
        matched, total = manager_match(con)
        unmatched = con.sql(
            f"SELECT any_value(manager) AS manager, count(*) AS disclosures FROM {FUND_PERFORMANCE} "
            "WHERE investor_id IS NULL GROUP BY manager_norm ORDER BY disclosures DESC, 1 LIMIT 10"
        ).pl()
        yield table_result(
            con,
            FUND_PERFORMANCE,
            managers=dg.MetadataValue.int(total),
            managers_matched=dg.MetadataValue.int(matched),
            manager_match_rate=dg.MetadataValue.float(round(matched / total, 4) if total else 0.0),
            top_unmatched_managers=dg.MetadataValue.md(markdown_table(unmatched)),
        )


@dg.multi_asset(
    name="funds",
    specs=table_specs(
        (FUNDS,),
        group_name="entities",
        deps=[dg.AssetKey(["staging", "bulk_funds"]), INVESTORS],
        description=FUNDS_DESCRIPTION,
    ),
)
def funds(warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
    """Fund raises, each with its investor by normalised name."""
    with warehouse.connect() as con:
        con.execute(sql_text("funds", SQL_DIR))
        known = con.sql(f"SELECT coalesce(avg(in_investors::INT), 0) FROM {FUNDS}").fetchall()[0][0]
        yield table_result(
            con, FUNDS, share_in_investors=dg.MetadataValue.float(round(float(known), 4))
        )


@dg.asset(
    key_prefix="marts",
    group_name="investors",
    kinds={"duckdb", "polars"},
    partitions_def=weekly_partitions,
    deps=[dg.AssetKey(["core", "fund_performance"])],
)
def manager_track_record(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Each manager's track record as of the week, from the fund performance disclosed on or
    before as_of (`core.fund_performance`): a fund counts once however many LPs disclose it (the
    median of their figures) and is ranked against the funds of its vintage and strategy, TVPI
    and IRR separately (quartile 1 = top; unranked when fewer than `track_record.min_peers` peers
    in `config/investor_scoring.yaml`). Per manager: funds disclosed and ranked, best and median
    quartile, share in the top quartile, latest vintage, and `investor_id` when the manager is an
    investor of ours. Re-running a week replaces that week's rows only."""
    week = date.fromisoformat(context.partition_key)
    as_of = settings.week_as_of(context.partition_key)
    with warehouse.connect() as con:
        rows = manager_track_record_as_of(con, as_of, load_investor_scoring()).with_columns(
            pl.lit(week).alias("week_start"), pl.lit(as_of).alias("as_of")
        )
        rows = rows.select(
            "week_start", "as_of", *[c for c in rows.columns if c not in ("week_start", "as_of")]
        )
        replace_week(con, TRACK_RECORD, rows, week)
        meta = table_metadata(con, TRACK_RECORD, week)
        top = rows.sort(
            ["track_record_points", "manager_norm"], descending=[True, False], nulls_last=True
        )
        meta["top_managers"] = dg.MetadataValue.md(
            markdown_table(
                top.head(10).select(
                    "manager",
                    "n_disclosed_funds",
                    "n_ranked_funds",
                    "share_top_quartile_tvpi",
                    "share_top_quartile_irr",
                    "latest_vintage",
                )
            )
        )
    meta["dagster/row_count"] = dg.MetadataValue.int(rows.height)
    meta["managers_with_investor"] = dg.MetadataValue.int(rows["investor_id"].is_not_null().sum())
    if rows.is_empty():
        meta["empty_reason"] = dg.MetadataValue.text(
            f"no fund performance disclosed on or before {as_of} (or none declared: "
            "`fund_performance:` in the sources YAML)"
        )
    return dg.MaterializeResult(metadata=meta)
