"""The real public files in ../shared/datasets (skipped when absent): everything lands, nothing is
silently dropped, and the country counts match the provider file."""

from datetime import date

import polars as pl
import pytest

from tests.helpers import SHARED, expected_shortlist_rows, query

pytestmark = [
    pytest.mark.real_data,
    pytest.mark.skipif(
        not (SHARED / "crunchbase_2015" / "companies.csv.gz").exists(),
        reason="../shared/datasets absent",
    ),
]


@pytest.fixture(scope="module")
def real_home(real_run):
    """The replica of the session's real run (tests/conftest.py), shared with
    test_real_data_current.py."""
    return real_run.replica


def test_counts_reconcile_with_the_files(real_home):
    acc = {
        r["source"]: r
        for r in query(real_home, "SELECT * FROM meta.row_accounting").iter_rows(named=True)
    }
    assert acc["companies"]["rows_read"] == 66368
    assert acc["rounds"]["rows_read"] == 114949
    assert acc["acquisitions"]["rows_read"] == 18968
    assert acc["investor_edges"]["rows_read"] == 80245
    for r in acc.values():
        assert r["reconciled"], r
    assert acc["companies"]["rows_staged"] == 66368
    # the 47 rounds whose permalinks were damaged by invalid UTF-8 are quarantined, not lost
    orphans = query(
        real_home,
        "SELECT count(*) AS n FROM meta.quarantine WHERE source = 'rounds' AND reason LIKE 'orphan%'",
    )
    assert orphans["n"][0] == acc["rounds"]["rows_quarantined"] == 47


def test_france_and_uae_counts(real_home):
    counts = dict(
        query(
            real_home, "SELECT country_code, count(*) FROM staging.companies GROUP BY 1"
        ).iter_rows()
    )
    assert counts["FRA"] == 1135 and counts["ARE"] == 94
    ids = query(
        real_home, "SELECT count(*) AS n FROM core.company_source_ids WHERE source = 'crunchbase'"
    )
    assert ids["n"][0] == 66368


def test_date_typos_become_null_and_are_counted(real_home):
    acc = query(
        real_home, "SELECT dates_nulled FROM meta.row_accounting WHERE source = 'companies'"
    )
    assert (
        acc["dates_nulled"][0] >= 108
    )  # founded_at before 1900 (1015-01-30) or after today (2914)
    bad = query(
        real_home,
        "SELECT count(*) AS n FROM staging.companies WHERE founded_on < DATE '1900-01-01'",
    )
    assert bad["n"][0] == 0


def test_scores_and_shortlist_on_real_data(real_home):
    scores = query(real_home, "SELECT * FROM marts.company_scores")
    assert scores["company_id"].is_unique().all()
    assert scores["success_probability"].drop_nulls().len() > 20000
    shortlist = query(real_home, "SELECT * FROM marts.weekly_shortlist")
    assert shortlist.height == expected_shortlist_rows(real_home)
    # the partnership's scope: French and Emirati companies, and companies tied to both countries
    france = shortlist.filter(pl.col("lane") == "france")
    assert france.height >= 5 and (france["country_code"] == "FRA").all()
    bridge = shortlist.filter(pl.col("lane") == "bridge")
    assert bridge.height > 0 and not bridge["country_code"].is_in(["FRA", "ARE"]).any()
    ties = query(
        real_home,
        "SELECT company_id FROM marts.company_scores WHERE len(fra_investors) > 0 "
        "OR len(are_investors) > 0 OR list_has_all(countries, ['FRA', 'ARE'])",
    )
    assert set(bridge["company_id"]) <= set(ties["company_id"])
    builders = query(
        real_home,
        "SELECT count(*) AS n FROM marts.company_scores WHERE vertical = 'generative_models'",
    )
    assert builders["n"][0] > 10  # Epoch AI model builders known by the end of 2015


def test_backtest_on_real_data_beats_every_naive_ranking_at_every_cutoff(real_home):
    bt = query(real_home, "SELECT * FROM marts.success_backtest")
    assert sorted({c.isoformat()[:7] for c in bt["cutoff"]}) == ["2011-12", "2012-12", "2013-12"]
    for cutoff, rows in bt.group_by("cutoff"):
        model = rows.filter(pl.col("method") == "model").row(0, named=True)
        naive = rows.filter(pl.col("method") != "model")
        assert 0.2 < model["base_rate"] < 0.35, cutoff  # about 27% with a 24-month horizon
        assert model["auc_roc"] > naive["auc_roc"].max() + 0.05, cutoff
        # the top of the list: the model beats every naive ranking but most_active, which it
        # matches within 0.05 (not yet at least as good at every cutoff: README, top of the list)
        others = naive.filter(pl.col("method") != "most_active")
        assert model["precision_at_100"] > others["precision_at_100"].max(), cutoff
        active = naive.filter(pl.col("method") == "most_active").row(0, named=True)
        assert model["precision_at_100"] >= active["precision_at_100"] - 0.05, cutoff
        assert model["auc_pr"] > naive["auc_pr"].max(), cutoff


def test_shortlist_backtest_on_real_data_lane_by_lane(real_home):
    bt = query(real_home, "SELECT * FROM marts.shortlist_backtest")
    assert sorted({c.isoformat()[:7] for c in bt["cutoff"]}) == ["2011-12", "2012-12", "2013-12"]
    assert bt.height == 3 * 3 and set(bt["lane"]) == {"france", "uae", "bridge"}
    for row in bt.iter_rows(named=True):
        assert row["n_listed"] == min(row["lane_size"], row["n_candidates"]), row
        assert row["hits"] <= row["n_listed"] and row["naive_hits"] <= row["n_listed"], row
        if row["n_listed"] == row["n_candidates"] > 0:
            # the lane listed every candidate: its hit rate is the lane's base rate, and so is
            # the naive ranking's
            assert row["hit_rate"] == row["lane_base_rate"] == row["naive_hit_rate"], row
        if row["n_candidates"] == 0:
            assert row["n_listed"] == 0 and row["hit_rate"] is None, row
    # French AI companies were known at every cutoff; Emirati ones hardly (none before 2013)
    assert (bt.filter(pl.col("lane") == "france")["n_candidates"] > 0).all()
    assert (bt.filter(pl.col("lane") == "uae")["n_listed"] == 0).any()


def test_real_shortlist_explains_itself_and_flags_compute_fit(real_home):
    shortlist = query(real_home, "SELECT rationale FROM marts.weekly_shortlist")
    text = shortlist["rationale"]
    # most carry the success model's reasons, in percentage points of the success chance
    with_model = text.str.contains(r"\((?:[+−]\d+ pts?|<1 pt)\)|reads the gap as").sum()
    assert text.len() >= 10 and with_model >= 0.8 * text.len()
    assert text.str.contains("What speaks for it: ", literal=True).all()
    # every amount in USD and EUR
    assert text.str.contains(r" / EUR \d").sum() >= text.len() // 2
    assert text.str.count_matches(r"USD \d").equals(text.str.count_matches(r" / EUR \d"))
    assert text.str.contains(r"Facts as of 2015-12-09: ").all()
    assert not text.str.contains(r"[+\-−]\d+\.\d").any()  # no log-odds
    pros = text.str.extract(r"What speaks for it: ([^.]*(?:\.\d[^.]*)*)\.")
    assert not pros.str.contains("little is known|unknown|no recorded").any()
    fits = query(
        real_home,
        "SELECT compute_fit, count(*) AS n FROM marts.company_scores "
        "WHERE compute_fit IS NOT NULL GROUP BY 1",
    )
    # Epoch AI's 2015-era training runs all fit the campus many times over
    assert dict(fits.iter_rows()).get("fits", 0) >= 10


FRENCH_FUNDS = ("Partech Ventures", "Sofinnova Partners", "IDInvest Partners", "Kima Ventures")


def test_investor_scores_on_real_data(real_home):
    scores = query(real_home, "SELECT * FROM marts.investor_scores")
    assert scores.height > 15000 and scores["investor_id"].is_unique().all()
    assert scores["is_fund"].sum() > 500
    french = {r["name"]: r for r in scores.iter_rows(named=True) if r["name"] in FRENCH_FUNDS}
    assert set(french) == set(FRENCH_FUNDS)
    for name, r in french.items():
        assert r["country_code"] == "FRA" and r["is_fund"], name
        assert r["n_fra_companies"] >= 5 and r["footprint_score"] >= 0.8, name
        assert "French investor" in r["rationale"], name
    # the edges stop in December 2013: two years before as_of, nobody is recent
    assert scores["last_investment_on"].max() <= date(2013, 12, 31)
    shortlist = query(real_home, "SELECT * FROM marts.fund_shortlist ORDER BY rank")
    assert shortlist["rationale"].str.starts_with("Fund score").all()
    french = shortlist.filter(pl.col("lane") == "france")
    assert french.height >= 5 and (french["country_code"] == "FRA").all()
    international = shortlist.filter(pl.col("lane") == "international")
    assert international.height == 25
    assert not international["country_code"].is_in(["FRA", "ARE"]).any()


def test_investor_features_at_the_end_of_the_edges(real_home):
    """As of 2013-12-31, when the edges are fresh, French funds rank among the funds to consider."""
    import duckdb

    from models.investors import score_investors, shortlist_funds
    from transforms.investors import investor_features_as_of

    con = duckdb.connect(str(real_home), read_only=True)
    try:
        features = investor_features_as_of(con, date(2013, 12, 31))
    finally:
        con.close()
    scores = score_investors(features)
    top = shortlist_funds(scores)
    assert top.filter(pl.col("lane") == "france").height >= 2
    assert "Partech Ventures" in top["name"].to_list()


def test_taxonomy_against_the_labelled_companies(real_home):
    """Precision / recall of the taxonomy on the labelled real companies
    (config/labels/verticals.csv) found in the 2015 export (measured 2026-12-07, taxonomy
    2026.2: 233 present; any vertical P 0.915 R 0.890; sector_applications P 0.881 R 0.945;
    generative_models P 1.0 R 0.6; ai_semiconductors 3/3. 2026.3, robots and algorithms deciding
    alone: any vertical P 0.817 R 0.918; sector_applications P 0.768 R 0.964)."""
    import duckdb

    from transforms.taxonomy_eval import labelled_predictions, load_labels, vertical_metrics

    con = duckdb.connect(str(real_home), read_only=True)
    try:
        pairs = labelled_predictions(con, load_labels())
    finally:
        con.close()
    assert pairs.height >= 200 and (pairs["country"] == "FRA").sum() >= 100
    got = {r["vertical"]: r for r in vertical_metrics(pairs).iter_rows(named=True)}
    assert got["any vertical"]["precision"] >= 0.8 and got["any vertical"]["recall"] >= 0.9
    apps = got["sector_applications"]
    assert apps["precision"] >= 0.75 and apps["recall"] >= 0.95
    assert (
        got["generative_models"]["precision"] >= 0.9 and got["generative_models"]["recall"] >= 0.5
    )
    # LightOn (labelled a model builder) is on the AI-chip list for its optical computing: 3 of 4
    assert (
        got["ai_semiconductors"]["precision"] >= 0.75 and got["ai_semiconductors"]["recall"] == 1.0
    )


def test_french_and_emirati_companies_in_the_verticals(real_home):
    """As of 2015-12-09, at least 20 French companies (21 from Crunchbase, plus the AI-chip list's
    Upmem and VSORA, founded in 2015) and 1 Emirati company (KinTrans) get a vertical,
    each with the signals that decided it (835 companies, 11 French and 0 Emirati before
    taxonomy 2026.2)."""
    rows = query(
        real_home,
        "SELECT name, country_code, vertical, ai_confidence, vertical_reason FROM marts.company_scores "
        "WHERE vertical IS NOT NULL AND country_code IN ('FRA', 'ARE')",
    )
    fra = rows.filter(pl.col("country_code") == "FRA")
    assert fra.height >= 20
    assert {"Dataiku", "Deepomatic", "craft ai", "Antidot"} <= set(fra["name"])
    assert rows.filter(pl.col("country_code") == "ARE")["name"].to_list() == ["KinTrans"]
    assert rows["vertical_reason"].null_count() == 0 and rows["ai_confidence"].min() >= 0.5
