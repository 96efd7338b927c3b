"""The shortlist's backtest, lane by lane, beside the success model's: a table and a plot."""

import base64
from datetime import date

import dagster as dg
import polars as pl

from assets.publish.assets import publish_week
from assets.publish.pack import write_week_pack
from assets.scoring.assets import MODEL_INPUTS
from assets.scoring.backtest import PREDICTIONS, SUCCESS_BACKTEST
from models.calendar import add_months
from models.scoring import company_lanes
from models.shortlist_backtest import LANE_COLUMNS, lane_candidates, lane_hits, score_cutoff
from models.thesis import load_thesis
from reports.plots import shortlist_backtest_png
from transforms.features import features_as_of, labels
from warehouse.metadata import bar_chart, markdown_table, table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import replace_week, table_exists

TABLE = "marts.shortlist_backtest"

HEAD_COLUMNS = {"week_start": pl.Date, "as_of": pl.Date, "cutoff": pl.Date, "horizon_end": pl.Date}


def cutoff_rows(con, cutoff: date, horizon_end: date, predictions, thesis: dict, lanes):
    """`lane_hits` at one cutoff: every company known then scored as a week is (the cutoff's
    model), the shortlist's rules and lanes, outcomes in (cutoff, horizon_end]."""
    scores = score_cutoff(features_as_of(con, cutoff), predictions, thesis)
    candidates = lane_candidates(scores, lanes, thesis)
    candidates = candidates.with_columns(
        pl.Series("label", labels(con, candidates, cutoff, horizon_end))
    )
    sizes = {lane.name: lane.size for lane in lanes}
    return lane_hits(candidates, sizes).with_columns(
        pl.lit(cutoff).alias("cutoff"), pl.lit(horizon_end).alias("horizon_end")
    )


@dg.asset(
    key_prefix="marts",
    group_name="scoring",
    kinds={"duckdb", "polars"},
    partitions_def=weekly_partitions,
    deps=[SUCCESS_BACKTEST, *MODEL_INPUTS],
)
def shortlist_backtest(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """How the shortlist would have done, lane by lane: at each cutoff of `success_backtest`,
    every company known then is scored as a week is (thesis fit, momentum, and the success
    probability of the model trained at that cutoff), the shortlist's rules and lanes apply, and
    each lane's top N (`n_listed`, at most the lane's size) is measured against the outcomes of
    the following 24 months: `hits` (a new round or an exit), `hit_rate`, against the lane's base
    rate (`lane_base_rate`: all its eligible companies) and the same N picked inside the lane by
    the naive `most_active` ranking (`naive_hit_rate`: most rounds in the last 24 months, ties by
    rounds ever). A lane with no candidate lists 0 (rates NULL). One row per week, cutoff and
    lane; the UI shows the table and a plot.

    The model evaluation publishes its own results: once the table is written, the analysts'
    replica and the week's pack are published again with both backtests (`replica`,
    `pack_report`). So the weekly run's publishing (`analyst_replica`, `weekly_pack`) waits on
    nothing outside `dealflow_job`, and the backtests run on the week the weekly run published."""
    meta = _lane_backtest(context, settings, warehouse)
    with warehouse.connect() as con:
        published = publish_week(context, settings, con)
        pack = write_week_pack(settings, con, date.fromisoformat(context.partition_key))
    meta["replica"] = published["replica"]
    meta["pack_report"] = pack["report"]
    return dg.MaterializeResult(metadata=meta)


def _lane_backtest(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dict:
    """`marts.shortlist_backtest` for the partition's week; returns the asset's metadata."""
    week = date.fromisoformat(context.partition_key)
    as_of = settings.week_as_of(context.partition_key)
    thesis = load_thesis()
    horizon = int(thesis["success_model"]["horizon_months"])
    lanes = company_lanes(thesis, settings.shortlist_size)
    with warehouse.connect() as con:
        if table_exists(con, PREDICTIONS):
            predictions = con.sql(
                f"SELECT cutoff, company_id, success_probability FROM {PREDICTIONS} "
                "WHERE week_start = ?",
                params=[week],
            ).pl()
            cutoffs = sorted(set(predictions["cutoff"]))
        else:
            cutoffs = []
        if not cutoffs:  # the week gets its (empty) rows: checks and readers find the table
            empty = pl.DataFrame(schema={**HEAD_COLUMNS, **LANE_COLUMNS})
            replace_week(con, TABLE, empty, week)
            reason = "no model measured at any backtest cutoff (marts/success_backtest says why)"
            meta = table_metadata(con, TABLE, week, as_of=str(as_of), empty_reason=reason)
            return meta
        frames = [
            cutoff_rows(
                con,
                c,
                add_months(c, horizon),
                predictions.filter(pl.col("cutoff") == c),
                thesis,
                lanes,
            )
            for c in cutoffs
        ]
        rows = pl.concat(frames).with_columns(
            pl.lit(week).alias("week_start"), pl.lit(as_of).alias("as_of")
        )
        first = ["week_start", "as_of", "cutoff", "horizon_end"]
        rows = rows.select(*first, *[c for c in rows.columns if c not in first])
        replace_week(con, TABLE, rows, week)
        shown = rows.select(
            "cutoff",
            "lane",
            "n_candidates",
            "n_listed",
            "hits",
            pl.col("hit_rate").round(2),
            pl.col("lane_base_rate").round(2),
            pl.col("naive_hit_rate").round(2),
        )
        listed = rows.filter(pl.col("n_listed") > 0)
        meta = table_metadata(
            con,
            TABLE,
            week,
            as_of=str(as_of),
            cutoffs=", ".join(str(c) for c in cutoffs),
            horizon_months=horizon,
            lanes=", ".join(f"{lane.name} ({lane.size})" for lane in lanes),
            backtest=dg.MetadataValue.md(markdown_table(shown)),
        )
        if not listed.is_empty():
            # pooled over cutoffs and lanes: companies that hit over companies listed
            n = listed["n_listed"].sum()
            meta["hit_rate_pooled"] = dg.MetadataValue.float(round(listed["hits"].sum() / n, 4))
            meta["naive_hit_rate_pooled"] = dg.MetadataValue.float(
                round(listed["naive_hits"].sum() / n, 4)
            )
            by_lane = (
                listed.group_by("lane", maintain_order=True)
                .agg(hit=pl.col("hits").sum() / pl.col("n_listed").sum())
                .rows()
            )
            # shown inline on the asset page (short Markdown); the full plot is `plot` below
            meta["chart"] = dg.MetadataValue.md(
                bar_chart("lane", "hit rate, pooled over cutoffs", by_lane)
            )
            png = base64.b64encode(shortlist_backtest_png(rows)).decode()
            meta["plot"] = dg.MetadataValue.md(f"![hit rate by lane](data:image/png;base64,{png})")
    return meta
