"""The shortlist's lane-by-lane backtest on small hand-made frames (no warehouse), and the shipped
ranking against the most-active ranking at the top of the list."""

import numpy as np
import polars as pl
import pytest

from models.backtest import most_active
from models.lanes import load_lanes
from models.metrics import precision_at_k
from models.shortlist_backtest import lane_candidates, lane_hits, score_cutoff
from models.thesis import load_thesis
from models.training import new_model
from tests.models.test_success import synthetic_features

SIZES = {"france": 3, "uae": 2, "bridge": 2}


def candidates() -> pl.DataFrame:
    # france: 5 candidates, 3 listed; uae: none; bridge: 1 candidate (fewer than its size)
    return pl.DataFrame(
        {
            "company_id": ["f1", "f2", "f3", "f4", "f5", "b1", "x1"],
            "lane": ["france"] * 5 + ["bridge", None],
            "label": [1, 0, 1, 1, 0, 1, 1],
            "total_score": [0.9, 0.8, 0.7, 0.1, 0.2, 0.5, 0.99],
            "most_active": [0.0, 1.0, 2.0, 3.0, 4.0, 1.0, 9.0],
        }
    )


def test_lane_hits_counts_the_top_n_against_the_lane_and_the_naive_ranking():
    out = lane_hits(candidates(), SIZES)
    assert out["lane"].to_list() == ["france", "uae", "bridge"]  # configured order
    france = out.row(0, named=True)
    # top 3 by total score: f1 (hit), f2, f3 (hit); most active: f5, f4 (hit), f3 (hit)
    assert france["n_candidates"] == 5 and france["n_listed"] == 3
    assert france["hits"] == 2 and france["hit_rate"] == pytest.approx(2 / 3)
    assert france["lane_base_rate"] == pytest.approx(3 / 5)
    assert france["naive_hits"] == 2 and france["naive_hit_rate"] == pytest.approx(2 / 3)
    bridge = out.row(2, named=True)
    assert bridge["n_listed"] == 1 and bridge["hits"] == 1 and bridge["hit_rate"] == 1.0
    assert bridge["lane_base_rate"] == 1.0 and bridge["naive_hit_rate"] == 1.0


def test_a_lane_with_no_candidate_lists_nothing_without_error():
    uae = lane_hits(candidates(), SIZES).row(1, named=True)
    assert uae["n_candidates"] == 0 and uae["n_listed"] == 0 and uae["hits"] == 0
    assert uae["hit_rate"] is None and uae["lane_base_rate"] is None
    assert uae["naive_hit_rate"] is None
    empty = lane_hits(candidates().clear(), SIZES)
    assert empty["n_listed"].to_list() == [0, 0, 0]


def test_ties_in_the_score_go_to_the_lower_company_id_as_in_the_shortlist():
    frame = pl.DataFrame(
        {
            "company_id": ["b", "a", "c"],
            "lane": ["france"] * 3,
            "label": [0, 1, 0],
            "total_score": [0.5, 0.5, 0.1],
            "most_active": [1.0, 1.0, 1.0],
        }
    )
    row = lane_hits(frame, {"france": 1}).row(0, named=True)
    assert row["hits"] == 1 and row["naive_hits"] == 1  # "a" before "b" on both


def scored_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "company_id": ["fr", "fr_exited", "fr_no_vertical", "ae", "us_fr_investor", "us"],
            "total_score": [0.5, 0.9, 0.9, 0.4, 0.3, 0.8],
            "n_rounds_24m": [1, 3, 3, 0, 2, 5],
            "n_rounds": [2, 3, 3, 1, 2, 5],
            "country_code": ["FRA", "FRA", "FRA", "ARE", "USA", "USA"],
            "countries": [["FRA"], ["FRA"], ["FRA"], ["ARE"], ["USA"], ["USA"]],
            "fra_investors": [[], [], [], [], ["x"], []],
            "are_investors": [[], [], [], [], [], []],
            "vertical": ["generative_models"] * 2 + [None] + ["ai_semiconductors"] * 3,
            "exited": [False, True, False, False, False, False],
            "closed": [False] * 6,
        },
        schema_overrides={
            "fra_investors": pl.List(pl.String),
            "are_investors": pl.List(pl.String),
        },
    )


def test_lane_candidates_apply_the_shortlist_rules_and_lanes():
    thesis = load_thesis()
    out = lane_candidates(scored_frame(), load_lanes(thesis["lanes"]), thesis).sort("company_id")
    # exited, no vertical, and no French/Emirati nexus: not candidates
    assert dict(zip(out["company_id"], out["lane"], strict=True)) == {
        "ae": "uae",
        "fr": "france",
        "us_fr_investor": "bridge",
    }
    assert out.filter(pl.col("company_id") == "us_fr_investor")["most_active"][0] > 2


def test_score_cutoff_aligns_probabilities_by_company_and_leaves_others_null():
    features, _ = synthetic_features(6, 0)
    features = features.with_columns(
        pl.Series("company_id", [f"c{i}" for i in range(6)]),
        pl.Series("in_population", [True, True, False, True, True, True]),
        pl.lit(None, dtype=pl.List(pl.String)).alias("countries"),
        pl.lit(False).alias("exited"),
        pl.lit(False).alias("closed"),
    )
    predictions = pl.DataFrame(
        {"company_id": ["c5", "c0", "c1", "c3"], "success_probability": [0.5, 0.1, 0.2, 0.3]}
    )
    out = score_cutoff(features, predictions, load_thesis())
    prob = dict(zip(out["company_id"], out["success_probability"], strict=True))
    assert prob == {"c0": 0.1, "c1": 0.2, "c2": None, "c3": 0.3, "c4": None, "c5": 0.5}
    no_model = score_cutoff(features, None, load_thesis())
    assert no_model["success_probability"].null_count() == 6


def test_the_shipped_ranking_is_at_least_as_good_as_most_active_at_the_top():
    """Outcomes driven by recency and investors, activity (rounds in 24 months) partly: the
    success probability of the configured model, which the shortlist ranks by, lists more future
    hits than most_active at 25, 50 and 100."""
    X, _ = synthetic_features(3000, 1)
    Xt, _ = synthetic_features(1500, 2)

    def outcome(frame: pl.DataFrame, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        z = (
            -0.5
            - frame["days_since_last_round"].to_numpy() / 400
            + 0.6 * frame["n_investors"].to_numpy()
            + 0.5 * frame["n_rounds_24m"].to_numpy()
        )
        return (rng.random(frame.height) < 1 / (1 + np.exp(-z))).astype(int)

    y, yt = outcome(X, 10), outcome(Xt, 11)
    shipped = new_model(load_thesis()["success_model"]).fit(X, y).predict_proba(Xt)
    naive = most_active(Xt)
    for k in (25, 50, 100):
        assert precision_at_k(yt, shipped, k) >= precision_at_k(yt, naive, k) + 0.05, k
