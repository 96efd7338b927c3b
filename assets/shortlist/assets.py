"""The weekly shortlist analysts review: top companies with a plain-language rationale."""

from datetime import date

import dagster as dg
import duckdb
import polars as pl

from assets.scoring.assets import HISTORY, company_scores
from assets.tables import markdown_table, replace_week, table_metadata
from models.explain import with_rationale
from models.lanes import lane_counts_sql, lane_report, lanes_markdown, short_lanes
from models.reasons import shortlist_reason
from models.scoring import company_lanes, shortlist_counts_sql, shortlist_rules_sql, shortlist_sql
from models.thesis import load_thesis
from pipelines.partitions import weekly_partitions
from pipelines.resources import DealflowSettings, Warehouse
from reports.paths import REPORT, WORKBOOK, pack_folder
from transforms.reference import eur_per_usd_as_of
from transforms.sql import sql_text

SHORTLIST_COLUMNS = [
    "week_start",
    "lane",
    "lane_rank",
    "rank",
    "company_id",
    "name",
    "total_score",
    "rationale",
    "country_code",
    "city",
    "founded_year",
    "link",
    "vertical",
    "sector",
    "ai_confidence",
    "vertical_reason",
    "thesis_fit",
    "momentum",
    "success_probability",
    "last_stage",
    "last_round_on",
    "total_raised_usd",
    "fra_investors",
    "are_investors",
    "as_of",
    "thesis_version",
]


@dg.asset(
    key_prefix="marts",
    group_name="shortlist",
    kinds={"duckdb", "polars"},
    partitions_def=weekly_partitions,
    deps=[company_scores],
)
def weekly_shortlist(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """This week's shortlist for a joint France–UAE review, in lanes (`config/thesis.yaml`):
    `france` (headquartered in France), `uae` (headquartered in the UAE) and `bridge` (elsewhere,
    with a French or Emirati investor or present in both countries). Each lane lists its best
    companies by total score among those in one of the three verticals that have not exited, ranked
    inside the lane (`lane_rank`), up to the lane's size (25 each; the run's `shortlist_size`
    replaces it when set). A lane with fewer candidates lists those it has and says so in the
    `lanes` table below; it is never padded from outside its scope. Each row says in plain language
    why it is there. Re-running a week replaces that week's rows only. Published (replica and
    `shortlists/shortlist_<week>.csv` in the pipeline home) by `analyst_replica` once every
    blocking check has passed, then forwarded as `packs/<week>/report.html` and `shortlist.xlsx`
    by `weekly_pack` (linked below as `pack_report` and `pack_workbook`)."""

    week = date.fromisoformat(context.partition_key)
    thesis = load_thesis()
    lanes = company_lanes(thesis, settings.shortlist_size)
    with warehouse.connect() as con:
        # only the listed companies leave DuckDB, not the whole week
        scores = con.sql(shortlist_sql(HISTORY, lanes, thesis), params=[week]).pl()
        eligible = dict(
            con.sql(
                lane_counts_sql(
                    f"(SELECT * FROM {HISTORY} WHERE week_start = ?)",
                    lanes,
                    shortlist_rules_sql(thesis),
                ),
                params=[week],
            ).fetchall()
        )
        rate = eur_per_usd_as_of(con, scores["as_of"].max())
        rows = with_rationale(scores, rate).with_columns(pl.lit(week).alias("week_start"))
        rows = with_company_links(con, rows).select(SHORTLIST_COLUMNS)
        replace_week(con, "marts.weekly_shortlist", rows, week)
        meta = table_metadata(con, "marts.weekly_shortlist")
        counts = con.sql(
            shortlist_counts_sql("marts.company_scores_history", thesis), params=[week]
        ).fetchall()[0]

    report = lane_report(lanes, eligible)
    meta["lanes"] = dg.MetadataValue.md(markdown_table(report))
    for lane in report.iter_rows(named=True):
        meta[f"lane_{lane['lane']}_listed"] = dg.MetadataValue.int(lane["listed"])
    meta["shortlist"] = dg.MetadataValue.md(lanes_markdown(rows, report, "company", "total_score"))
    meta["dagster/row_count"] = dg.MetadataValue.int(rows.height)
    meta["eligible"] = dg.MetadataValue.int(int(counts[2]))
    # written by `weekly_pack` once the week is published (a failed run leaves the last one)
    pack = pack_folder(settings.home_path(), week)
    meta["pack_report"] = dg.MetadataValue.path(str(pack / REPORT))
    meta["pack_workbook"] = dg.MetadataValue.path(str(pack / WORKBOOK))
    reason = _short_reason(counts, report)
    if reason:
        meta["empty_reason"] = dg.MetadataValue.text(reason)
    return dg.MaterializeResult(metadata=meta)


def with_company_links(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (listed companies, with `as_of`) with `link` (homepage, else Crunchbase profile),
    `city` and `founded_year` from `core.companies` (`transforms/sql/company_links.sql`)."""
    facts = pl.DataFrame(
        schema={
            "company_id": pl.String,
            "link": pl.String,
            "city": pl.String,
            "founded_year": pl.Int32,
        }
    )
    if rows.height:
        found = con.sql(
            sql_text("company_links"),
            params={"as_of": rows["as_of"].max(), "ids": rows["company_id"].to_list()},
        ).pl()
        facts = pl.concat([facts, found], how="vertical_relaxed")
    return rows.join(facts, on="company_id", how="left")


def _short_reason(counts: tuple, report: pl.DataFrame) -> str | None:
    """Why the shortlist lists fewer companies than its lanes' sizes add up to: no eligible company
    at all (and why), none French, Emirati or tied to either, or the lanes that came up short."""
    scored, in_vertical, eligible = (int(c) for c in counts)
    if report["listed"].sum() == 0:
        if eligible:
            return (
                f"{eligible} eligible compan{'ies' if eligible > 1 else 'y'}, none in a lane "
                "(headquartered in France or the UAE, or with a French or Emirati tie)"
            )
        return shortlist_reason(scored, in_vertical, eligible, 1)
    return short_lanes(report)
