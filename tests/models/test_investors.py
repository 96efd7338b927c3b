"""Investor and fund scoring on small hand-made feature frames: percentiles, smoothing, footprint,
the fund rule, weights, ranks, the fund shortlist and the rationale."""

import copy
from datetime import date

import duckdb
import polars as pl
import pytest

from models.investors import (
    COMPONENTS,
    fund_lanes,
    fund_reason,
    normalise_name,
    pct_against,
    score_investors,
    shortlist_funds,
    with_rationale,
)
from models.lanes import load_lanes
from transforms.investors import load_investor_scoring
from warehouse.sql import install_macros

CONFIG = load_investor_scoring()


def investor(investor_id: str, name: str, **values) -> dict:
    """One feature row with unremarkable defaults."""
    row = {
        "investor_id": investor_id,
        "as_of": date(2020, 6, 30),
        "name": name,
        "name_norm": normalise_name(name),
        "country_code": None,
        "country_source": None,
        "n_investments": 10,
        "n_companies": 10,
        "n_matched_companies": 10,
        "n_ai_thesis_companies": 1,
        "n_generative_models": 0,
        "n_sector_applications": 1,
        "n_ai_semiconductors": 0,
        "n_exit_eligible": 10,
        "n_exits": 2,
        "n_seasoned_companies": 8,
        "n_follow_on": 4,
        "first_investment_on": date(2012, 1, 1),
        "last_investment_on": date(2020, 3, 1),
        "days_since_last_investment": 121,
        "n_investments_24m": 3,
        "n_disclosed_rounds": 8,
        "median_round_usd": 5e6,
        "mean_round_usd": 7e6,
        "ticket_fit": 0.75,
        "n_fra_companies": 0,
        "n_are_companies": 0,
        "fra_coinvestors": [],
        "are_coinvestors": [],
        "n_nexus_coinvested_companies": 0,
    }
    row.update(values)
    n = row["n_matched_companies"]
    row["ai_thesis_share"] = row["n_ai_thesis_companies"] / n if n else None
    row["exit_rate"] = row["n_exits"] / row["n_exit_eligible"] if row["n_exit_eligible"] else None
    seasoned = row["n_seasoned_companies"]
    row["follow_on_rate"] = row["n_follow_on"] / seasoned if seasoned else None
    return row


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema_overrides={"fra_coinvestors": pl.List(pl.String)})


def population() -> pl.DataFrame:
    return frame(
        investor(
            "I1",
            "Alpha Ventures",
            country_code="FRA",
            country_source="curated list",
            n_ai_thesis_companies=6,
            n_exits=4,
            n_follow_on=7,
            n_fra_companies=5,
            are_coinvestors=["Gulf Capital"],
        ),
        investor("I2", "Beta Capital Partners"),
        investor("I3", "Gamma Angels", n_ai_thesis_companies=5),
        investor("I4", "Jane Doe", n_matched_companies=2, n_companies=2, n_exit_eligible=2),
        investor(
            "I5",
            "Lone Wolf Fund",
            n_matched_companies=1,
            n_companies=1,
            n_ai_thesis_companies=1,
            n_exit_eligible=1,
            n_exits=1,
            n_seasoned_companies=1,
            n_follow_on=1,
        ),
        investor(
            "I6",
            "Ghost Partners",
            n_matched_companies=0,
            n_ai_thesis_companies=0,
            n_exit_eligible=0,
            n_exits=0,
            n_seasoned_companies=0,
            n_follow_on=0,
            ticket_fit=None,
            median_round_usd=None,
        ),
        investor("I7", "Old Timer Ventures", days_since_last_investment=2000, n_investments_24m=0),
        investor("I8", "Intel Capital", n_ai_thesis_companies=9, n_exits=6),
    )


def test_pct_against_is_the_percentile_rank_in_the_reference():
    ref = pl.Series([1.0, 2.0, 2.0, 4.0])
    out = pct_against(pl.Series("x", [0.0, 1.0, 2.0, 3.0, 4.0, 9.0, None]), ref)
    assert out.to_list() == [0.0, 0.125, 0.5, 0.75, 0.875, 1.0, None]
    lower = pct_against(pl.Series("x", [1.0, 4.0]), ref, higher_better=False)
    assert lower.to_list() == [0.875, 0.125]
    assert pct_against(pl.Series("x", [3.0]), pl.Series([], dtype=pl.Float64)).to_list() == [0.5]


def test_normalise_name_is_the_sql_macro():
    con = duckdb.connect()
    install_macros(con)
    rule = CONFIG["fund_rule"]
    names = [*rule["include_names"], *rule["exclude_names"], "Société Générale SA", "A&B Co."]
    for name in names:
        assert (
            normalise_name(name) == con.sql("SELECT norm_name(?)", params=[name]).fetchall()[0][0]
        )


def test_scores_are_weighted_means_of_components_in_range():
    scores = score_investors(population(), CONFIG)
    assert scores.height == 8 and scores["investor_id"].is_unique().all()
    for c in COMPONENTS:
        assert scores[f"{c}_score"].is_between(0, 1).all(), c
    w = CONFIG["co_investor_weights"]
    expected = sum(scores[f"{c}_score"] * v for c, v in w.items()) / sum(w.values())
    assert (scores["co_investor_score"] - expected).abs().max() < 1e-12
    assert scores["co_investor_rank"].to_list() == list(range(1, 9))
    assert scores["co_investor_score"].is_sorted(descending=True)
    first = scores.row(0, named=True)
    assert first["investor_id"] == "I1"  # AI share, track record and footprint all lead


def test_smoothing_keeps_one_lucky_company_below_a_real_track_record():
    """Pooled exit rate 20% (N = 10): 1 of 1 ranks as 27%, 5 of 10 as 35%."""
    rows = [investor(f"I{i}", f"Average {i} Ventures", n_exits=2) for i in range(8)]
    rows += [
        investor("LUCKY", "Lucky Ventures", n_matched_companies=1, n_exit_eligible=1, n_exits=1),
        investor("GOOD", "Good Ventures", n_exits=5),
        investor("NONE", "None Ventures", n_matched_companies=19, n_exits=0, n_exit_eligible=19),
    ]  # 22 exits out of 110 companies: pooled 20%
    scores = score_investors(frame(*rows), CONFIG)
    by_id = {r["investor_id"]: r for r in scores.iter_rows(named=True)}
    assert by_id["LUCKY"]["exit_rate"] == 1.0 > by_id["GOOD"]["exit_rate"] == 0.5
    assert by_id["LUCKY"]["exit_rate_for_ranking"] == pytest.approx(3 / 11)
    assert by_id["GOOD"]["exit_rate_for_ranking"] == pytest.approx(7 / 20)
    assert by_id["LUCKY"]["exits_score"] < by_id["GOOD"]["exits_score"]


def test_investor_without_matched_companies_gets_neutral_rates():
    scores = score_investors(population(), CONFIG)
    ghost = scores.filter(pl.col("investor_id") == "I6").row(0, named=True)
    assert ghost["exit_rate"] is None and ghost["ticket_score"] == 0.5
    pooled = population()["n_exits"].sum() / population()["n_exit_eligible"].sum()
    assert ghost["exit_rate_for_ranking"] == pytest.approx(pooled)
    assert "no portfolio company matched" in ghost["rationale"]
    assert not ghost["is_fund"] and ghost["fund_score"] is None


def test_footprint_points():
    scores = score_investors(population(), CONFIG)
    fp = dict(zip(scores["investor_id"], scores["footprint_score"], strict=True))
    # French home 0.5 + 5 French companies (full 0.3) + 1 Emirati co-investor (0.2 / 3)
    assert fp["I1"] == pytest.approx(0.5 + 0.3 + 0.2 / 3)
    assert fp["I2"] == 0.0


def test_fund_rule_says_why():
    reasons = dict(zip(population()["investor_id"], fund_reason(population(), CONFIG), strict=True))
    assert reasons["I1"] == "fund: name"
    assert reasons["I2"] == "fund: name"
    assert reasons["I3"] == "not a fund: name says 'angels'"
    assert reasons["I4"] == "not a fund: no fund word in the name"
    assert reasons["I5"].startswith("not a fund: fewer than 5 portfolio companies")
    assert reasons["I7"] == "not a fund: no investment in 36 months"
    assert reasons["I8"] == "not a fund: listed in fund_rule.exclude_names"
    curated = frame(
        investor("I9", "Bpifrance", country_code="FRA", country_source="curated list"),
        investor("I10", "Benchmark"),
    )
    assert fund_reason(curated, CONFIG).to_list() == [
        "fund: curated French/Emirati investor",
        "fund: listed in fund_rule.include_names",
    ]


def test_fund_rule_is_configurable():
    config = copy.deepcopy(CONFIG)
    config["fund_rule"]["min_companies"] = 1
    config["fund_rule"]["exclude_names"] = []
    reasons = fund_reason(population(), config).to_list()
    assert reasons[4] == "fund: name"  # Lone Wolf Fund, 1 company
    assert reasons[7] == "fund: name"  # Intel Capital, no longer excluded


def test_investor_types_decide_when_there_are_any():
    typed = frame(
        investor("T1", "Falcon Ventures", investor_types=["angel"]),
        investor("T2", "Orchard Street", investor_types=["venture_capital"]),
        investor("T3", "Delta Labs", investor_types=["micro_vc", "private_equity_firm"]),
        investor(
            "T4",
            "Big Corp Capital",
            investor_types=["corporate_venture_capital", "venture_capital"],
        ),
        investor("T5", "Hub Partners", investor_types=["accelerator"]),
        investor("T6", "Odd One", investor_types=["venture_debt"]),
        investor("T7", "Small Ventures", investor_types=["venture_capital"], n_matched_companies=2),
        investor("T8", "Intel Capital", investor_types=["venture_capital"]),
        investor("T9", "Seine Ventures"),  # no types: the name rule
        investor(
            "T10",
            "Bpifrance",
            country_code="FRA",
            country_source="curated list",
            investor_types=["government_office"],
        ),
    )
    assert fund_reason(typed, CONFIG).to_list() == [
        "not a fund: investor type angel",  # a fund word in the name does not make a fund
        "fund: investor type venture_capital",  # nor does its absence unmake one
        "fund: investor type micro_vc",
        "not a fund: investor type corporate_venture_capital",  # an excluding type wins
        "not a fund: investor type accelerator",
        "not a fund: investor type venture_debt is no fund type",
        "not a fund: fewer than 5 portfolio companies",  # the activity conditions still hold
        "not a fund: listed in fund_rule.exclude_names",
        "fund: name",
        "not a fund: investor type government_office",
    ]
    config = copy.deepcopy(CONFIG)
    config["fund_rule"]["fund_types"] = ["venture_capital", "venture_debt"]
    config["fund_rule"]["exclude_types"] = []
    assert fund_reason(typed, config).to_list()[3:6] == [
        "fund: investor type venture_capital",
        "not a fund: investor type accelerator is no fund type",
        "fund: investor type venture_debt",
    ]


def test_frames_without_types_or_leads_keep_the_name_rule_and_rationale():
    """Feature frames of sources that give no investor types or leads score as before: the new
    columns are added as unknown and the rationale says nothing of leads."""
    scores = score_investors(population(), CONFIG)
    assert scores["investor_types"].to_list() == [[]] * 8
    assert scores["n_lead_investments"].null_count() == 8 and scores["lead_share"].null_count() == 8
    assert not scores["rationale"].str.contains("led ").any()


def test_lead_investments_in_the_rationale():
    rows = frame(
        investor(
            "L1",
            "Lead Ventures",
            country_code="FRA",
            investor_types=["venture_capital"],
            n_lead_investments=4,
            lead_share=0.4,
        ),
        investor(
            "L2",
            "Follow Capital",
            investor_types=["venture_capital"],
            n_lead_investments=0,
            lead_share=0.0,
        ),
    )
    scores = score_investors(rows, CONFIG)
    text = dict(zip(scores["investor_id"], scores["rationale"], strict=True))
    assert "; led 4 rounds (40% of rounds with a known lead)." in text["L1"]
    assert "; led 0 rounds (0% of rounds with a known lead)." in text["L2"]
    funds = shortlist_funds(scores, load_lanes({"fr": {"size": 2, "hq_in": ["FRA"]}}), CONFIG)
    assert funds["investor_id"].to_list() == ["L1"]
    assert (
        funds["rationale"][0].startswith("Fund score ") and "led 4 rounds" in funds["rationale"][0]
    )


def test_fund_scores_and_shortlist():
    scores = score_investors(population(), CONFIG)
    funds = scores.filter(pl.col("is_fund"))
    assert set(funds["investor_id"]) == {"I1", "I2"}
    assert scores.filter(~pl.col("is_fund"))["fund_score"].null_count() == 6
    one = load_lanes({"any_home": {"size": 1, "hq_in": ["FRA"], "portfolio_in": ["FRA", "ARE"]}})
    top = shortlist_funds(scores, one, CONFIG)
    assert top["rank"].to_list() == [1] and top["investor_id"].to_list() == ["I1"]
    assert top["lane"].to_list() == ["any_home"] and top["lane_rank"].to_list() == [1]
    assert top["rationale"][0].startswith("Fund score ")
    ranks = dict(zip(funds["investor_id"], funds["fund_rank"], strict=True))
    assert ranks == {"I1": 1, "I2": 2}


def test_weights_change_the_ranking():
    config = copy.deepcopy(CONFIG)
    config["co_investor_weights"] = {"recency": 1.0}
    scores = score_investors(population(), config)
    assert scores["co_investor_rank"].filter(scores["investor_id"] == "I7").item() == 8
    with pytest.raises(ValueError, match="unknown score components"):
        config["co_investor_weights"] = {"charisma": 1.0}
        score_investors(population(), config)


def test_rationale_names_the_evidence():
    scores = score_investors(population(), CONFIG)
    text = scores.filter(pl.col("investor_id") == "I1")["rationale"].item()
    assert text.startswith("Co-investor score ")
    for part in (
        "6 of 10 portfolio companies in our verticals (60%",
        "4 exits (40%)",
        "7 of 8 companies backed 12+ months ago raised again (88%)",
        "3 investments in 24 months",
        "median round USD 5.0M (round total)",
        "French investor",
        "5 French portfolio companies",
        "co-invested with Gulf Capital",
    ):
        assert part in text, part


def test_empty_features():
    empty = population().clear()
    scores = score_investors(empty, CONFIG)
    assert scores.is_empty() and "co_investor_score" in scores.columns
    assert shortlist_funds(scores, fund_lanes(CONFIG), CONFIG).is_empty()


def test_kept_rationales_equal_rationales_written_again():
    """A rationale kept from an earlier scoring (same inputs) is the text written from scratch;
    a changed input or another follow-on window writes it again."""
    from models.investors import RATIONALE_COLUMNS

    config = load_investor_scoring()
    base = population()
    previous = score_investors(base, config).select("investor_id", *RATIONALE_COLUMNS, "rationale")
    changed = base.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("n_exits") + 1)
        .otherwise(pl.col("n_exits"))
        .alias("n_exits")
    )
    # a stale text planted for every investor: kept only where the inputs are all equal
    stale = previous.with_columns(
        pl.col("rationale").str.replace("AI thesis: ", "AI thesis: (old) ", literal=True)
    )
    for features, rewritten in ((base, 0), (changed, 1)):
        fresh = score_investors(features, config)
        kept = score_investors(features, config, previous)
        assert kept["rationale"].to_list() == fresh["rationale"].to_list()
        planted = score_investors(features, config, stale)["rationale"]
        assert (~planted.str.contains("(old)", literal=True)).sum() == rewritten
    other = copy.deepcopy(config)
    other["features"]["follow_on_min_months"] = 7
    planted = score_investors(base, other, stale)
    seasoned = planted.filter(pl.col("n_seasoned_companies") > 0)
    assert seasoned.height > 0
    assert not seasoned["rationale"].str.contains("(old)", literal=True).any()


def test_amounts_in_eur_and_a_kept_rationale_at_another_rate_written_again():
    from models.investors import RATIONALE_COLUMNS

    base = population()
    eur = score_investors(base, CONFIG, eur_per_usd=0.9)
    text = eur.filter(pl.col("investor_id") == "I1")["rationale"].item()
    assert "median round USD 5.0M / EUR 4.5M (round total)" in text
    funds = shortlist_funds(eur, config=CONFIG, eur_per_usd=0.9)
    with_median = funds.filter(pl.col("median_round_usd").is_not_null())
    assert with_median.height > 0 and with_median["rationale"].str.contains(" / EUR ").all()
    # rationales written without the rate (or at another) are not kept
    previous = score_investors(base, CONFIG).select("investor_id", *RATIONALE_COLUMNS, "rationale")
    again = score_investors(base, CONFIG, previous, eur_per_usd=0.9)
    assert again["rationale"].to_list() == eur["rationale"].to_list()
    same = score_investors(base, CONFIG, eur.select(previous.columns), eur_per_usd=0.9)
    assert same["rationale"].to_list() == eur["rationale"].to_list()


# --- the LP components: track record, fresh capital, fund size ------------------------------------

OLD_COMPONENTS = ("ai_thesis", "exits", "follow_on", "recency", "activity", "scale", "ticket")


def with_lp(features: pl.DataFrame, values: dict[str, dict]) -> pl.DataFrame:
    """`features` with LP columns, `values` per investor id (the others without any)."""
    columns = {
        "n_disclosed_funds": pl.Int64,
        "n_ranked_funds": pl.Int64,
        "n_top_quartile_tvpi": pl.Int64,
        "n_ranked_tvpi": pl.Int64,
        "best_tvpi_quartile": pl.Int64,
        "n_top_quartile_irr": pl.Int64,
        "n_ranked_irr": pl.Int64,
        "best_irr_quartile": pl.Int64,
        "latest_vintage": pl.Int64,
        "track_record_points": pl.Float64,
        "latest_fund_on": pl.Date,
        "latest_fund_usd": pl.Float64,
        "latest_fund_eur": pl.Float64,
        "latest_sized_fund_on": pl.Date,
    }
    ids = features["investor_id"].to_list()
    return features.with_columns(
        pl.Series(c, [values.get(i, {}).get(c) for i in ids], dtype=t) for c, t in columns.items()
    )


def test_without_lp_evidence_the_fund_score_is_the_old_weighted_mean():
    """No disclosure and no fund raise by as_of (or no such source): the LP components are left
    out of the weighted mean, so the scores are those of the components before them."""
    weights = CONFIG["fund_weights"]
    for features in (population(), with_lp(population(), {})):
        scores = score_investors(features, CONFIG).filter(pl.col("is_fund"))
        old = sum(scores[f"{c}_score"] * weights[c] for c in (*OLD_COMPONENTS, "footprint"))
        expected = old / sum(weights[c] for c in (*OLD_COMPONENTS, "footprint"))
        assert (scores["fund_score"] - expected).abs().max() < 1e-12
        assert scores["track_record_score"].to_list() == [0.5, 0.5]
        assert scores["fund_size_score"].to_list() == [0.5, 0.5]
        texts = with_rationale(scores, "fund", CONFIG)["rationale"].to_list()
        assert len(texts) == 2
        assert all(
            t.endswith("LP view: no disclosed fund performance by 2020-06-30.") for t in texts
        )


def test_lp_components_from_the_track_record_and_fund_raises():
    record = {
        "n_disclosed_funds": 4,
        "n_ranked_funds": 3,
        "n_top_quartile_tvpi": 2,
        "n_ranked_tvpi": 3,
        "best_tvpi_quartile": 1,
        "n_top_quartile_irr": 0,
        "n_ranked_irr": 2,
        "best_irr_quartile": 2,
        "latest_vintage": 2019,
        "track_record_points": 0.8,
    }
    # a EUR 280M fund (USD 300M at the rate of its day): its own EUR size is shown
    raised = {
        "latest_fund_on": date(2019, 9, 1),
        "latest_fund_usd": 300e6,
        "latest_fund_eur": 280e6,
    }
    raised["latest_sized_fund_on"] = raised["latest_fund_on"]
    features = with_lp(
        population(),
        {
            "I1": record | raised,
            # a fund raised 4 years before as_of, 1000x its median round (USD 5M)
            "I2": {
                "latest_fund_on": date(2016, 6, 1),
                "latest_fund_usd": 5e9,
                "latest_sized_fund_on": date(2016, 6, 1),
            },
        },
    )
    scores = score_investors(features, CONFIG)
    one, two = (scores.filter(pl.col("investor_id") == i).row(0, named=True) for i in ("I1", "I2"))
    # (0.8 * 3 + 0.5 * 2) / (3 + 2); a manager without a ranked fund stays neutral
    assert abs(one["track_record_score"] - 3.4 / 5) < 1e-12 and two["track_record_score"] == 0.5
    assert (one["fresh_capital_score"], two["fresh_capital_score"]) == (1.0, 0.0)
    # 300M / 5M = 60x: inside the 10-100x band; 5000M / 5M = 1000x: ten times above it
    assert one["fund_size_to_round"] == 60.0 and one["fund_size_score"] == 1.0
    assert two["fund_size_score"] == 0.0
    weights = CONFIG["fund_weights"]
    expected = sum(one[f"{c}_score"] * w for c, w in weights.items()) / sum(weights.values())
    assert abs(one["fund_score"] - expected) < 1e-12
    top = with_rationale(scores.filter(pl.col("is_fund")), "fund", CONFIG, eur_per_usd=0.9)
    text = top.filter(pl.col("investor_id") == "I1")["rationale"].item()
    for part in (
        "LP view: top-quartile TVPI in 2 of 3 ranked funds; best IRR quartile 2 of 4 in 2 ranked"
        " funds (4 disclosed funds, latest vintage 2019)",
        "raised a fund of USD 300.0M / EUR 280.0M in 2019",
        "latest fund 60x its median round (within the 10-100x band)",
    ):
        assert part in text, text
    text = top.filter(pl.col("investor_id") == "I2")["rationale"].item()
    assert "last fund raised in 2016 (USD 5.0bn / EUR 4.5bn), more than 24 months ago" in text, text
    assert "latest fund 1000x its median round (outside the 10-100x band)" in text
