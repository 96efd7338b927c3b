"""The weekly shortlist analysts review: top companies with a plain-language rationale."""

from datetime import date

import dagster as dg
import duckdb
import polars as pl

from assets.scoring.assets import company_scores
from models.decisions import (
    KEEPS_SQL,
    PORTFOLIO_LANE,
    PORTFOLIO_SQL,
    decided_sql,
    passed_return_margin,
    undecided_sql,
    with_decision_phrase,
)
from models.explain import with_rationale
from models.lanes import (
    Lane,
    lane_counts_sql,
    lane_report,
    lanes_markdown,
    ranked_sql,
    short_lanes,
    shortlist_counts_sql,
    shortlist_rules_sql,
)
from models.reasons import shortlist_reason
from models.score_store import SCORE_TABLES
from models.scoring import SHORTLIST_ORDER, company_lanes
from models.thesis import load_thesis
from reports.paths import REPORT, WORKBOOK, pack_folder
from transforms import SQL_DIR
from transforms.reference import eur_per_usd_as_of
from warehouse.metadata import markdown_table, table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.sql import sql_text
from warehouse.tables import replace_week, table_exists

DECISIONS = "core.analyst_decisions"

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
    "analyst_status",
    "analyst_note",
    "analyst_decided_on",
    "back_after_pass",
]


def decided_week_sql(con: duckdb.DuckDBPyConnection, thesis: dict) -> str:
    """A relation: one week's scores (`?` = the week) with the analysts' latest decisions known at
    its as_of (`models.decisions.decided_sql`; none when no decision table was written)."""
    week = f"(SELECT * FROM {SCORE_TABLES.history} WHERE week_start = ?)"
    if not table_exists(con, DECISIONS):
        return f"({undecided_sql(week)})"
    return f"({decided_sql(week, SCORE_TABLES.history, DECISIONS, passed_return_margin(thesis))})"


def lane_eligible(
    con: duckdb.DuckDBPyConnection, thesis: dict, lanes: list[Lane], week: date
) -> tuple[dict[str, int], int]:
    """Per lane, the companies it could list that week (the shortlist's rules, less the passed and
    portfolio companies), and the portfolio companies listed apart."""
    source, rules = decided_week_sql(con, thesis), shortlist_rules_sql(thesis)
    where = f"({rules}) AND {KEEPS_SQL}"
    eligible = dict(con.sql(lane_counts_sql(source, lanes, where), params=[week]).fetchall())
    portfolio = con.sql(
        f"SELECT count(*) FROM {source} WHERE ({rules}) AND {PORTFOLIO_SQL}", params=[week]
    ).fetchall()[0][0]
    return eligible, int(portfolio)


@dg.asset(
    key_prefix="marts",
    group_name="shortlist",
    kinds={"duckdb", "polars"},
    partitions_def=weekly_partitions,
    deps=[company_scores, dg.AssetKey(["core", "analyst_decisions"])],
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
    why it is there. The analysts' decisions (`core.analyst_decisions`, the latest per company
    dated on or before as_of) are respected: `watch` and `in_diligence` companies stay, with
    `analyst_status` and `analyst_note`; a `passed` company leaves unless its total score rose by
    `analyst_decisions.passed_return_margin` (`config/thesis.yaml`) since the decision (then it is
    back, `back_after_pass`, and its rationale says so); `portfolio` companies leave the lanes and
    are listed apart in the lane `portfolio` (no overall `rank`, in no lane's count). Re-running a
    week replaces that week's rows only. Published (replica and
    `shortlists/shortlist_<week>.csv` in the pipeline home) by `analyst_replica` once every
    blocking check has passed, then forwarded as `packs/<week>/report.html` and `shortlist.xlsx`
    by `weekly_pack` (linked below as `pack_report` and `pack_workbook`)."""

    week = date.fromisoformat(context.partition_key)
    thesis = load_thesis()
    lanes = company_lanes(thesis, settings.shortlist_size)
    with warehouse.connect() as con:
        # only the listed companies leave DuckDB, not the whole week
        source, rules = decided_week_sql(con, thesis), shortlist_rules_sql(thesis)
        scores = con.sql(
            ranked_sql(source, lanes, f"({rules}) AND {KEEPS_SQL}", SHORTLIST_ORDER), params=[week]
        ).pl()
        portfolio = con.sql(
            f"SELECT *, '{PORTFOLIO_LANE}' AS lane, "
            f"row_number() OVER (ORDER BY {SHORTLIST_ORDER}) AS lane_rank, NULL::BIGINT AS rank "
            f"FROM {source} WHERE ({rules}) AND {PORTFOLIO_SQL} ORDER BY lane_rank",
            params=[week],
        ).pl()
        eligible, _ = lane_eligible(con, thesis, lanes, week)
        decided = con.sql(
            f"SELECT analyst_status AS status, count(*) AS companies, "
            f"count(*) FILTER (back_after_pass) AS back_after_pass FROM {source} "
            "WHERE analyst_status IS NOT NULL GROUP BY ALL ORDER BY ALL",
            params=[week],
        ).pl()
        listed = pl.concat([scores, portfolio], how="diagonal_relaxed")
        rate = eur_per_usd_as_of(con, listed["as_of"].max())
        rows = with_decision_phrase(with_rationale(listed, rate))
        rows = rows.with_columns(pl.lit(week).alias("week_start"))
        rows = with_company_links(con, rows).select(SHORTLIST_COLUMNS)
        replace_week(con, "marts.weekly_shortlist", rows, week)
        meta = table_metadata(con, "marts.weekly_shortlist", week)
        counts = con.sql(
            shortlist_counts_sql("marts.company_scores_history", thesis), params=[week]
        ).fetchall()[0]

    report = lane_report(lanes, eligible)
    meta["lanes"] = dg.MetadataValue.md(markdown_table(report))
    for lane in report.iter_rows(named=True):
        meta[f"lane_{lane['lane']}_listed"] = dg.MetadataValue.int(lane["listed"])
    meta["shortlist"] = dg.MetadataValue.md(
        lanes_markdown(rows, _with_portfolio(report, rows), "company", "total_score")
    )
    meta["portfolio_listed"] = dg.MetadataValue.int(portfolio.height)
    meta["analyst_decisions"] = dg.MetadataValue.md(markdown_table(decided))
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


def _with_portfolio(report: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """The lane report plus the portfolio, listed apart (no size: every portfolio company in a
    vertical and not exited), for the UI's sections."""
    n = rows.filter(pl.col("lane") == PORTFOLIO_LANE).height
    if not n:
        return report
    apart = {
        "lane": PORTFOLIO_LANE,
        "scope": "the analysts' portfolio companies, listed apart (not in any lane's count)",
        "size": n,
        "eligible": n,
        "listed": n,
        "note": "",
    }
    return pl.concat([report, pl.DataFrame([apart], schema=report.schema)])


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
            sql_text("company_links", SQL_DIR),
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
