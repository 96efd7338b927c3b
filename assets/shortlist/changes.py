"""Last week's changes: the week's shortlist against the previous week materialized in this home."""

from datetime import date

import dagster as dg
import duckdb
import polars as pl

from assets.shortlist.assets import decided_week_sql, weekly_shortlist
from models.changes import compare_weeks, empty_changes
from models.lanes import lane_sql, shortlist_rules_sql
from models.score_store import SCORE_TABLES
from models.scoring import company_lanes
from models.thesis import load_thesis
from warehouse.metadata import table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import replace_week

SHORTLIST = "marts.weekly_shortlist"
CHANGES_TABLE = "marts.shortlist_changes"
LISTED = "lane, lane_rank, company_id, name, total_score"


def previous_week(con: duckdb.DuckDBPyConnection, week: date) -> date | None:
    """The latest week before `week` with a shortlist in this warehouse (None: none)."""
    return con.sql(
        f"SELECT max(week_start) FROM {SHORTLIST} WHERE week_start < ?", params=[week]
    ).fetchall()[0][0]


@dg.asset(
    key_prefix="marts",
    group_name="shortlist",
    kinds={"duckdb", "polars"},
    partitions_def=weekly_partitions,
    deps=[weekly_shortlist],
)
def shortlist_changes(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """What changed since the previous week materialized in this home: one row per company listed
    this week or that week, `change` = `new` / `dropped` / `up` / `down` / `same` by its rank
    inside its lane (`rank` now, `previous_rank` then; a company that changed lane says so), and
    `reason` in words: the score component that moved most (thesis fit, momentum, success chance,
    weighted as in the total score) with the factor inside it ("momentum up 0.12: a new Series A
    on 2015-10-01"); for a dropped company, why it left (the analysts passed, it exited, left the
    verticals or the lanes' scope, or its score fell below its lane's cut). Empty, with
    `empty_reason`, when this home has no earlier week. Re-running a week replaces its rows."""
    week = date.fromisoformat(context.partition_key)
    thesis = load_thesis()
    lanes = company_lanes(thesis, settings.shortlist_size)
    with warehouse.connect() as con:
        before = previous_week(con, week)
        reason = None
        if before is None:
            rows = empty_changes()
            reason = (
                f"no shortlist before the week of {week} in this home: the first week "
                "materialized here has nothing to compare with"
            )
        else:
            current = con.sql(
                f"SELECT {LISTED} FROM {SHORTLIST} WHERE week_start = ?", params=[week]
            ).pl()
            previous = con.sql(
                f"SELECT {LISTED} FROM {SHORTLIST} WHERE week_start = ?", params=[before]
            ).pl()
            ids = sorted(set(current["company_id"]) | set(previous["company_id"]))
            rules = shortlist_rules_sql(thesis)
            now = con.sql(
                f"SELECT *, {lane_sql(lanes)} AS scope_lane, ({rules}) AS eligible "
                f"FROM {decided_week_sql(con, thesis)} WHERE company_id IN ?",
                params=[week, ids],
            ).pl()
            then = con.sql(
                f"SELECT * FROM {SCORE_TABLES.history} WHERE week_start = ? AND company_id IN ?",
                params=[before, ids],
            ).pl()
            rows = compare_weeks(current, previous, now, then, thesis, week, before)
            if rows.is_empty():
                reason = f"no company listed in the week of {week} nor in that of {before}"
        replace_week(con, CHANGES_TABLE, rows, week)
        meta = table_metadata(con, CHANGES_TABLE)
    counts = rows.group_by("change").len()
    by_change = dict(zip(counts["change"], counts["len"], strict=True))
    meta["compared_with_week"] = dg.MetadataValue.text(str(before) if before else "(none)")
    for change in ("new", "dropped", "up", "down", "same"):
        meta[f"{change}"] = dg.MetadataValue.int(int(by_change.get(change, 0)))
    meta["changes"] = dg.MetadataValue.md(changes_markdown(rows))
    meta["dagster/row_count"] = dg.MetadataValue.int(rows.height)
    if reason:
        meta["empty_reason"] = dg.MetadataValue.text(reason)
    return dg.MaterializeResult(metadata=meta)


def changes_markdown(rows: pl.DataFrame) -> str:
    """The week's changes for the UI, `same` left out (they are in the table)."""
    moved = rows.filter(pl.col("change") != "same")
    if moved.is_empty():
        return "_(no change)_" if rows.height else "_(no rows)_"
    shown = moved.select("lane", "change", "rank", "previous_rank", "name", "reason")
    lines = ["| lane | change | rank | was | company | why |", "|---|---|---|---|---|---|"]
    for r in shown.iter_rows(named=True):
        rank = "" if r["rank"] is None else r["rank"]
        was = "" if r["previous_rank"] is None else r["previous_rank"]
        why = str(r["reason"]).replace("|", "\\|")
        lines.append(f"| {r['lane']} | {r['change']} | {rank} | {was} | {r['name']} | {why} |")
    return "\n".join(lines)
