"""The backtest's metric functions and baselines on hand-made arrays (fast, no warehouse)."""

from datetime import date

import numpy as np
import polars as pl
import pytest

from models.backtest import (
    BASELINES,
    calibration_table,
    top_of_list_against,
    top_of_list_cells,
)
from models.metrics import precision_at_k, ranking_metrics, ranking_order


def test_perfect_ranking_gives_precision_one_and_auc_one():
    y = np.array([1] * 100 + [0] * 300)
    score = np.linspace(1, 0, len(y))
    m = ranking_metrics(y, score, ks=(25, 50, 100))
    assert m["precision@25"] == m["precision@50"] == m["precision@100"] == 1.0
    assert m["auc_roc"] == pytest.approx(1.0)
    assert m["auc_pr"] == pytest.approx(1.0)
    assert m["base_rate"] == pytest.approx(0.25)
    assert m["lift@100"] == pytest.approx(4.0)
    assert m["n"] == 400 and m["positives"] == 100
    assert m["brier"] is None  # a raw ranking score is not a probability


def test_reversed_ranking_gives_auc_zero():
    y = np.array([1] * 100 + [0] * 300)
    score = np.linspace(0, 1, len(y))
    m = ranking_metrics(y, score)
    assert m["auc_roc"] == pytest.approx(0.0)
    assert m["precision@100"] == 0.0


def test_random_scores_give_auc_near_half():
    rng = np.random.default_rng(42)
    y = (rng.random(20000) < 0.3).astype(int)
    m = ranking_metrics(y, rng.random(20000))
    assert m["auc_roc"] == pytest.approx(0.5, abs=0.02)
    assert m["auc_pr"] == pytest.approx(0.3, abs=0.02)


def test_brier_only_for_probabilities():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.1, 0.6, 0.4])
    m = ranking_metrics(y, p, ks=(2,), probability=True)
    assert m["brier"] == pytest.approx(np.mean((p - y) ** 2))
    assert m["precision@2"] == 1.0


def test_precision_at_k_needs_k_rows_and_single_class_has_no_auc():
    assert precision_at_k(np.array([1, 0]), np.array([0.2, 0.1]), 5) is None
    m = ranking_metrics(np.zeros(10, dtype=int), np.arange(10.0), ks=(5,))
    assert m["auc_roc"] is None and m["auc_pr"] is None and m["lift@5"] is None


def test_ties_break_by_row_order_and_nan_ranks_last():
    score = np.array([0.5, np.nan, 0.5, 0.9, 0.5])
    assert ranking_order(score).tolist() == [3, 0, 2, 4, 1]
    y = np.array([0, 1, 1, 1, 0])
    assert precision_at_k(y, score, 2) == 0.5  # rows 3 and 0
    assert precision_at_k(y, score, 2) == precision_at_k(y, score.copy(), 2)


def test_calibration_bins_sum_to_n():
    rng = np.random.default_rng(1)
    p = rng.random(1000)
    y = (rng.random(1000) < p).astype(int)
    table = calibration_table(y, p, bins=10)
    assert table.height == 10
    assert table["count"].sum() == 1000
    full = table.filter(pl.col("count") > 0)
    assert (full["mean_predicted"] >= full["lower"]).all()
    assert (full["mean_predicted"] <= full["upper"]).all()
    # well-calibrated by construction: observed rates follow predictions
    assert np.corrcoef(full["mean_predicted"], full["observed_rate"])[0, 1] > 0.95


def test_calibration_keeps_edges_and_empty_bins():
    table = calibration_table(np.array([0, 1, 1]), np.array([0.0, 1.0, 1.0]), bins=4)
    assert table["count"].to_list() == [1, 0, 0, 2]
    assert table["observed_rate"].to_list() == [0.0, None, None, 1.0]


def features_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "company_id": ["a", "b", "c", "d", "e"],
            "total_raised_usd": [1e6, None, 5e6, 0.0, 2e6],
            "days_since_last_round": [30, 400, None, 10, 100],
            "n_investors": [2, 0, 5, None, 1],
            "n_rounds_24m": [2, 0, 3, 3, None],
            "n_rounds": [2, 1, 4, 6, None],
            "last_round_on": [date(2012, 1, 1)] * 5,
        }
    )


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_baselines_one_score_per_row_and_deterministic(name):
    frame = features_frame()
    first = BASELINES[name](frame)
    assert first.shape == (frame.height,)
    assert not np.isnan(first).any()
    np.testing.assert_array_equal(first, BASELINES[name](frame))


def test_baselines_rank_what_they_say():
    frame = features_frame()
    order = lambda name: ranking_order(BASELINES[name](frame)).tolist()  # noqa: E731
    assert order("total_raised_usd")[0] == 2
    assert order("most_recent_round")[:2] == [3, 0]
    assert order("most_recent_round")[-1] == 2  # no round: last
    assert order("n_investors")[0] == 2


def test_most_active_ranks_rounds_in_24_months_then_rounds_ever():
    frame = features_frame()
    # c and d both raised 3 rounds in 24 months: d (6 ever) before c (4 ever); then a (2);
    # b (0 in 24 months, 1 ever) before e (no rounds known)
    assert ranking_order(BASELINES["most_active"](frame)).tolist() == [3, 2, 0, 1, 4]
    # a tie on both counts keeps row order; rounds ever never outweigh one recent round
    tied = pl.DataFrame({"n_rounds_24m": [1, 2, 1, 1], "n_rounds": [50, 2, 50, 3]})
    assert ranking_order(BASELINES["most_active"](tied)).tolist() == [1, 0, 2, 3]


def test_top_of_list_against_reads_the_companies_only_one_ranking_lists():
    y = np.array([1] * 50 + [0] * 50)
    good, bad = np.arange(100, 0, -1).astype(float), np.arange(100).astype(float)
    ahead = top_of_list_against(y, good, bad, (25,))[0]
    assert ahead == {"k": 25, "hits": 25, "naive_hits": 0, "shared": 0, "p_behind": 1.0}
    behind = top_of_list_against(y, bad, good, (25,))[0]
    assert behind["hits"] == 0 and behind["naive_hits"] == 25 and behind["p_behind"] < 1e-9
    same = top_of_list_against(y, good, good, (25, 50, 200))
    assert [r["shared"] for r in same[:2]] == [25, 50] and same[0]["p_behind"] == 1.0
    assert same[2]["hits"] is None  # fewer rows than k
    # one company's luck is within chance: 24 of 25 against 25 of 25 on disjoint lists
    y2 = np.zeros(200, dtype=int)
    y2[:25] = 1
    y2[100:124] = 1
    mine = np.r_[np.zeros(100), np.arange(100, 0, -1)].astype(float)
    theirs = np.r_[np.arange(100, 0, -1), np.zeros(100)].astype(float)
    close = top_of_list_against(y2, mine, theirs, (25,))[0]
    assert (close["hits"], close["naive_hits"], close["shared"]) == (24, 25, 0)
    assert close["p_behind"] > 0.4


def test_top_of_list_cells_give_a_verdict_per_cutoff_and_k():
    y = np.array([1] * 50 + [0] * 50)
    frame = pl.DataFrame(
        {
            "company_id": [f"c{i}" for i in range(100)],
            "label": y,
            "model": np.arange(100).astype(float),  # ranks the misses first
            "most_active": np.arange(100, 0, -1).astype(float),
        }
    )
    cells = top_of_list_cells({date(2012, 6, 5): frame, date(2013, 6, 5): frame.drop("model")})
    assert cells["cutoff"].unique().to_list() == [date(2012, 6, 5)]  # no model: left out
    assert cells["k"].to_list() == [25, 50, 100]
    assert cells["verdict"][0] == "behind by 25, beyond chance"
    assert cells["verdict"][2] == "level"  # the whole population: the same 100
