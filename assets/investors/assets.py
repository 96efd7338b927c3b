"""Investors as co-investors, funds as LP commitments: weekly scores and the fund shortlist."""

from collections.abc import Iterator
from datetime import date

import dagster as dg
import polars as pl

from assets.tables import table_result, table_specs
from models.investors import (
    COMPONENTS,
    RATIONALE_COLUMNS,
    fund_lanes,
    score_investors,
    shortlist_funds,
)
from models.lanes import lane_counts, lane_report, lanes_markdown, short_lanes
from models.reasons import fund_shortlist_reason, investor_scores_reason
from models.track_record import TRACK_RECORD_COLUMNS, lp_features_as_of, with_lp_features
from transforms.investors import investor_features_as_of, load_investor_scoring
from transforms.reference import eur_per_usd_as_of
from transforms.sources import load_sources
from warehouse.metadata import markdown_table, table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import replace_week, table_exists

COMPONENT_COLUMNS = [f"{c}_score" for c in COMPONENTS]
FIGURES = [
    "n_investments",
    "n_companies",
    "n_matched_companies",
    "n_ai_thesis_companies",
    "n_generative_models",
    "n_sector_applications",
    "n_ai_semiconductors",
    "ai_thesis_share",
    "n_exit_eligible",
    "n_exits",
    "exit_rate",
    "n_seasoned_companies",
    "n_follow_on",
    "follow_on_rate",
    "first_investment_on",
    "last_investment_on",
    "days_since_last_investment",
    "n_investments_24m",
    "n_disclosed_rounds",
    "median_round_usd",
    "mean_round_usd",
    "ticket_fit",
    "n_fra_companies",
    "n_are_companies",
    "fra_coinvestors",
    "are_coinvestors",
    "n_nexus_coinvested_companies",
    "investor_types",
    "n_lead_investments",
    "lead_share",
]
# the LP view: the manager's disclosed track record and fund raises as of the week
LP_FIGURES = [
    *(c for c in TRACK_RECORD_COLUMNS if c != "track_record_points"),
    "n_funds_raised",
    "latest_fund_on",
    "latest_fund_name",
    "latest_fund_usd",
    "latest_fund_eur",
    "latest_sized_fund_on",
    "fund_size_to_round",
]
INVESTOR_COLUMNS = [
    "week_start",
    "as_of",
    "investor_id",
    "name",
    "country_code",
    "country_source",
    "co_investor_score",
    "co_investor_rank",
    "is_fund",
    "fund_reason",
    "fund_score",
    "fund_rank",
    "rationale",
    *COMPONENT_COLUMNS,
    *FIGURES,
    *LP_FIGURES,
    "ai_thesis_share_for_ranking",
    "exit_rate_for_ranking",
    "follow_on_rate_for_ranking",
    "in_reference",
    "scoring_version",
]
FUND_COLUMNS = [
    "week_start",
    "lane",
    "lane_rank",
    "rank",
    "investor_id",
    "name",
    "fund_score",
    "rationale",
    "country_code",
    "fund_reason",
    *COMPONENT_COLUMNS,
    "n_matched_companies",
    "n_ai_thesis_companies",
    "ai_thesis_share",
    "n_exits",
    "exit_rate",
    "follow_on_rate",
    "last_investment_on",
    "n_investments_24m",
    "median_round_usd",
    "n_lead_investments",
    "lead_share",
    "n_fra_companies",
    "n_are_companies",
    "fra_coinvestors",
    "are_coinvestors",
    *LP_FIGURES,
    "co_investor_rank",
    "as_of",
    "scoring_version",
]


INVESTOR_SCORES_DESCRIPTION = """One row per investor with an investment dated on or before the
week's as_of, scored as a co-investor: AI-thesis share of its portfolio (our three verticals), exit
and follow-on rates, recency, activity, scale, ticket fit and France/UAE footprint, each a 0..1
component; `co_investor_score` is their weighted mean (`config/investor_scoring.yaml`), with a
plain-language `rationale`. `is_fund` / `fund_reason` apply the fund rule, `fund_score` the LP
weights. Only facts dated on or before as_of are read. History by week in
`marts.investor_scores_history`; `marts.investor_scores` holds the latest week."""
INVESTOR_SCORE_DEPS = [
    dg.AssetKey(["core", "investors"]),
    dg.AssetKey(["core", "company_taxonomy"]),
    dg.AssetKey(["core", "fund_performance"]),
    dg.AssetKey(["core", "funds"]),
]
INVESTOR_SCORES = "marts.investor_scores"
INVESTOR_HISTORY = "marts.investor_scores_history"


@dg.multi_asset(
    name="investor_scores",
    specs=table_specs(
        (INVESTOR_SCORES, INVESTOR_HISTORY),
        group_name="investors",
        description=INVESTOR_SCORES_DESCRIPTION,
        deps=INVESTOR_SCORE_DEPS,
        kinds={"duckdb", "polars"},
        partitions_def=weekly_partitions,
    ),
)
def investor_scores(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """The week's investors scored as co-investors and funds, with their history by week."""

    week = date.fromisoformat(context.partition_key)
    as_of = settings.week_as_of(context.partition_key)
    config = load_investor_scoring()
    with warehouse.connect() as con:
        features = with_lp_features(
            investor_features_as_of(con, as_of, config), lp_features_as_of(con, as_of, config)
        )
        scores = (
            score_investors(
                features, config, _previous_rows(con, week, as_of), eur_per_usd_as_of(con, as_of)
            )
            .with_columns(pl.lit(week).alias("week_start"))
            .select(INVESTOR_COLUMNS)
        )
        replace_week(con, INVESTOR_HISTORY, scores, week)
        con.execute(
            f"CREATE OR REPLACE TABLE {INVESTOR_SCORES} AS SELECT * FROM {INVESTOR_HISTORY} "
            "WHERE week_start = ? ORDER BY co_investor_rank",  # this run's week, not the largest
            [week],
        )
        reasons = scores.group_by("fund_reason").len("investors").sort("investors", descending=True)
        top = scores.head(10).select(
            "co_investor_rank",
            "name",
            "country_code",
            pl.col("co_investor_score").round(3),
            pl.col("fund_rank"),
            pl.col("ai_thesis_share").round(2),
            pl.col("exit_rate").round(2),
            pl.col("follow_on_rate").round(2),
            pl.col("footprint_score").round(2),
        )
        yield table_result(
            con,
            INVESTOR_SCORES,
            as_of=str(as_of),
            scoring_version=str(config["version"]),
            investors_scored=dg.MetadataValue.int(scores.height),
            funds=dg.MetadataValue.int(int(scores["is_fund"].sum())),
            percentile_reference=dg.MetadataValue.int(int(scores["in_reference"].sum())),
            top_co_investors=dg.MetadataValue.md(markdown_table(top)),
            fund_rule=dg.MetadataValue.md(markdown_table(reasons)),
            empty_reason=investor_scores_reason(_edges_declared(settings), scores.height, as_of),
        )
        yield table_result(con, INVESTOR_HISTORY, week)


def _edges_declared(settings: DealflowSettings) -> bool:
    """Whether any source of investments is declared (investor edges, the bulk export's, mapped
    rounds or investments)."""
    sources = load_sources(settings.sources_path())
    kinds = ("investor_edges", "crunchbase_bulk.investments", "mapped.rounds", "mapped.investments")
    return any(sources.declared(kind) for kind in kinds)


def _previous_rows(con, week: date, as_of: date) -> pl.DataFrame | None:
    """The week's rows scored before at the same as_of (a refresh after new rounds), whose
    rationales `score_investors` may keep; None when there are none."""
    if not table_exists(con, INVESTOR_HISTORY):
        return None
    present = {
        c for (c,) in con.sql(f"SELECT column_name FROM (DESCRIBE {INVESTOR_HISTORY})").fetchall()
    }
    # columns added since the history was written are read as unknown (with_optional_features)
    columns = ", ".join(c for c in ["investor_id", *RATIONALE_COLUMNS, "rationale"] if c in present)
    return con.sql(
        f"SELECT {columns} FROM {INVESTOR_HISTORY} WHERE week_start = ? AND as_of = ?",
        params=[week, as_of],
    ).pl()


@dg.asset(
    key_prefix="marts",
    group_name="investors",
    kinds={"duckdb", "polars"},
    partitions_def=weekly_partitions,
    deps=[investor_scores],
)
def fund_shortlist(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """This week's funds for an LP commitment, in lanes (`config/investor_scoring.yaml`):
    `france` (French managers), `uae` (Emirati managers) and `international` (managers elsewhere
    with French or Emirati portfolio companies or co-investors), each up to its size, ranked inside
    the lane (`lane_rank`) by `fund_score`, which weighs AI-thesis share, track record (exits,
    follow-on), recent activity and France/UAE footprint, and, when disclosed or declared, the
    manager's track record in its LPs' disclosures, fresh capital and fund size. Only investors the fund rule counts as
    funds; a lane with fewer funds lists those it has and says so in the `lanes` table below. Each
    row shows its components and says in plain language why it is there. Re-running a week
    replaces that week's rows only. Published (replica and `shortlists/fund_shortlist_<week>.csv`)
    by `analyst_replica` once every blocking check has passed."""
    week = date.fromisoformat(context.partition_key)
    as_of = settings.week_as_of(context.partition_key)
    config = load_investor_scoring()
    lanes = fund_lanes(config)
    size = sum(lane.size for lane in lanes)
    with warehouse.connect() as con:
        scores = con.sql(
            f"SELECT * FROM {INVESTOR_HISTORY} WHERE week_start = ?", params=[week]
        ).pl()
        funds = scores.filter(pl.col("is_fund"))
        rate = eur_per_usd_as_of(con, scores["as_of"].max())
        rows = shortlist_funds(funds, lanes, config, rate).select(FUND_COLUMNS)
        replace_week(con, "marts.fund_shortlist", rows, week)
        meta = table_metadata(con, "marts.fund_shortlist", week)
    report = lane_report(lanes, lane_counts(funds, lanes), noun="fund")
    meta["lanes"] = dg.MetadataValue.md(markdown_table(report))
    meta["fund_shortlist"] = dg.MetadataValue.md(lanes_markdown(rows, report, "fund", "fund_score"))
    meta["dagster/row_count"] = dg.MetadataValue.int(rows.height)
    meta["funds_eligible"] = dg.MetadataValue.int(funds.height)
    investors_reason = investor_scores_reason(_edges_declared(settings), scores.height, as_of)
    reason = fund_shortlist_reason(scores, size, as_of, investors_reason) or short_lanes(report)
    if reason:
        meta["empty_reason"] = dg.MetadataValue.text(reason)
    return dg.MaterializeResult(metadata=meta)
