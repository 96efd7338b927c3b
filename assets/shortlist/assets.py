"""The weekly shortlist analysts review: top companies with a plain-language rationale."""

from datetime import date

import dagster as dg
import polars as pl

from assets.scoring.assets import company_scores
from assets.tables import replace_week, table_metadata
from models.explain import with_rationale
from models.reasons import shortlist_reason
from models.scoring import shortlist, shortlist_candidates_sql, shortlist_counts_sql
from models.thesis import load_thesis
from pipelines.partitions import weekly_partitions
from pipelines.resources import DealflowSettings, Warehouse

SHORTLIST_COLUMNS = [
    "week_start",
    "rank",
    "company_id",
    "name",
    "total_score",
    "rationale",
    "country_code",
    "vertical",
    "sector",
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
    """This week's top N opportunities for a joint France–UAE review (N from the run config,
    default 25), ranked by total score among companies in one of the three verticals that have
    not exited. Each row says in plain language why it is there. Re-running a week replaces that
    week's rows only. Published (replica and `shortlists/shortlist_<week>.csv` in the pipeline
    home) by `analyst_replica` once every blocking check has passed."""

    week = date.fromisoformat(context.partition_key)
    thesis = load_thesis()
    with warehouse.connect() as con:
        scores = con.sql(  # only the candidates leave DuckDB, not the whole week
            shortlist_candidates_sql(
                "marts.company_scores_history", settings.shortlist_size, thesis
            ),
            params=[week],
        ).pl()
        top = with_rationale(shortlist(scores, settings.shortlist_size, thesis))
        rows = top.with_columns(pl.lit(week).alias("week_start")).select(SHORTLIST_COLUMNS)
        replace_week(con, "marts.weekly_shortlist", rows.sort("rank"), week)
        meta = table_metadata(con, "marts.weekly_shortlist")
        counts = con.sql(
            shortlist_counts_sql("marts.company_scores_history", thesis), params=[week]
        ).fetchall()[0]

        meta["shortlist"] = dg.MetadataValue.md(_shortlist_markdown(rows))
        meta["dagster/row_count"] = dg.MetadataValue.int(rows.height)
        meta["eligible"] = dg.MetadataValue.int(int(counts[2]))
        reason = shortlist_reason(*(int(c) for c in counts), settings.shortlist_size)
        if reason:
            meta["empty_reason"] = dg.MetadataValue.text(reason)
    return dg.MaterializeResult(metadata=meta)


def _shortlist_markdown(rows: pl.DataFrame) -> str:
    if rows.is_empty():
        return "_(no company this week)_"
    lines = ["| # | company | score | why |", "|---|---|---|---|"]
    for r in rows.iter_rows(named=True):
        lines.append(f"| {r['rank']} | {r['name']} | {r['total_score']:.2f} | {r['rationale']} |")
    return "\n".join(lines)
