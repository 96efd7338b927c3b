"""marts.investor_scores and marts.fund_shortlist after a whole-graph run: in the replica with
their comments, one row per investor, scores in range, funds only on the fund shortlist, CSV."""

import polars as pl

from models.investors import COMPONENTS
from tests.helpers import query

COMPONENT_COLUMNS = [f"{c}_score" for c in COMPONENTS]


def test_replica_publishes_the_investor_tables_with_comments(pipeline_run):
    tables = query(
        pipeline_run.replica,
        "SELECT schema_name || '.' || table_name AS t, comment FROM duckdb_tables() "
        "WHERE schema_name = 'marts'",
    )
    comments = dict(tables.iter_rows())
    for table in ("marts.investor_scores", "marts.investor_scores_history", "marts.fund_shortlist"):
        assert comments.get(table), table
    column = query(
        pipeline_run.replica,
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'investor_scores' "
        "AND column_name = 'fund_reason'",
    )
    assert "fund" in column["comment"][0]


def test_investor_scores_contract(pipeline_run):
    scores = query(pipeline_run.replica, "SELECT * FROM marts.investor_scores")
    investors = query(pipeline_run.replica, "SELECT investor_id FROM core.investors")
    assert scores.height > 0 and scores["investor_id"].is_unique().all()
    assert set(scores["investor_id"]) <= set(investors["investor_id"])
    assert scores["as_of"].unique().to_list() == [pipeline_run.as_of]
    assert scores["week_start"].unique().to_list() == [pipeline_run.week]
    assert (scores["last_investment_on"] <= pipeline_run.as_of).all()
    for col in [*COMPONENT_COLUMNS, "co_investor_score"]:
        assert scores[col].is_between(0, 1).all(), col
    assert sorted(scores["co_investor_rank"]) == list(range(1, scores.height + 1))
    funds = scores.filter(pl.col("is_fund"))
    assert funds["fund_reason"].str.starts_with("fund: ").all()
    assert sorted(funds["fund_rank"]) == list(range(1, funds.height + 1))
    assert scores.filter(~pl.col("is_fund"))["fund_score"].null_count() == scores.height - (
        funds.height
    )
    assert scores["rationale"].str.starts_with("Co-investor score ").all()
    if pipeline_run.on_sample:
        assert scores.height == investors.height  # every sample investor invests by as_of
        assert 50 < funds.height < scores.height
        nexus = scores.filter(pl.col("country_code").is_in(["FRA", "ARE"]))
        assert nexus.height >= 10 and (nexus["footprint_score"] >= 0.5).all()
        assert scores["ai_thesis_share"].drop_nulls().max() > 0


def test_fund_shortlist(pipeline_run):
    shortlist = query(
        pipeline_run.replica,
        "SELECT * FROM marts.fund_shortlist WHERE week_start = ? ORDER BY rank",
        [pipeline_run.week],
    )  # other tests may add earlier weeks to the shared run
    scores = query(
        pipeline_run.replica,
        "SELECT * FROM marts.investor_scores WHERE is_fund ORDER BY fund_rank",
    )
    # the lanes, written out independently of the SQL: French managers, Emirati managers, then
    # managers elsewhere with French/Emirati portfolio companies or co-investors
    home = pl.col("country_code").fill_null("")
    ties = (pl.col("n_fra_companies") + pl.col("n_are_companies") > 0) | (
        pl.col("fra_coinvestors").list.len() + pl.col("are_coinvestors").list.len() > 0
    )
    scores = scores.with_columns(
        pl.when(home == "FRA")
        .then(pl.lit("france"))
        .when(home == "ARE")
        .then(pl.lit("uae"))
        .when(ties)
        .then(pl.lit("international"))
        .alias("lane")
    )
    expected = []
    for lane in ("france", "uae", "international"):
        expected += scores.filter(pl.col("lane") == lane)["investor_id"].head(25).to_list()
    listed = shortlist.sort(
        pl.col("lane").replace_strict({"france": 0, "uae": 1, "international": 2}), "lane_rank"
    )
    assert listed["investor_id"].to_list() == expected
    assert shortlist["week_start"].unique().to_list() == [pipeline_run.week]
    assert shortlist["rank"].to_list() == list(range(1, shortlist.height + 1))
    assert shortlist["fund_score"].is_sorted(descending=True)
    assert shortlist["rationale"].str.starts_with("Fund score ").all()
    csv = pl.read_csv(pipeline_run.home / "shortlists" / f"fund_shortlist_{pipeline_run.week}.csv")
    assert csv["investor_id"].to_list() == listed["investor_id"].to_list()
    if pipeline_run.on_sample:
        assert set(shortlist["lane"]) == {"france", "uae", "international"}
        # French and Emirati funds are on the sample's shortlist, with their footprint
        top = shortlist.filter(pl.col("country_code").is_in(["FRA", "ARE"]))
        assert set(top["country_code"]) == {"FRA", "ARE"}
        assert top["rationale"].str.contains("France/UAE: (French|Emirati) investor").all()
