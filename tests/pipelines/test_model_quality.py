"""The success model's artifact, backtest and explanations, as the whole-graph run left them."""

import json
from pathlib import Path

import joblib
import polars as pl

from models.backtest import BASELINES
from models.success import FACTOR_GROUPS
from reports.plots import backtest_png
from tests.helpers import query


def test_the_weeks_model_is_saved_with_its_card_and_used_by_the_scores(pipeline_run):
    # other tests may add earlier weeks to the shared run: read this run's week
    week = [pipeline_run.week]
    models = query(
        pipeline_run.replica, "SELECT * FROM marts.success_models WHERE week_start = ?", week
    )
    assert models.height == 1 and models["skipped_reason"][0] is None
    row = models.row(0, named=True)
    assert row["week_start"] == pipeline_run.week and row["data_end"] <= row["as_of"]
    assert row["training_cutoffs"] and max(row["training_cutoffs"]) < row["data_end"]
    assert 0.5 < row["holdout_auc_roc"] <= 1 and 0 <= row["holdout_brier"] <= 1
    artifact = Path(row["artifact_path"])
    card = json.loads(artifact.with_suffix(".json").read_text())
    assert card["version"] == row["model_version"] and card["features"] == row["features"]
    assert card["cutoffs"] == [str(c) for c in row["training_cutoffs"]]
    assert card["validation"]["auc_roc"] == row["holdout_auc_roc"]
    # the scores are this artifact's probabilities
    model = joblib.load(artifact)
    scores = query(
        pipeline_run.replica,
        "SELECT company_id, success_probability FROM marts.company_scores "
        "WHERE in_population ORDER BY company_id",
    )
    assert scores.height > 100
    versions = query(
        pipeline_run.replica, "SELECT DISTINCT model_version FROM marts.company_scores"
    )
    assert versions["model_version"].to_list() == [model.version]


def test_backtest_rows_per_cutoff_and_method_and_the_model_beats_random(pipeline_run):
    week = [pipeline_run.week]
    bt = query(
        pipeline_run.replica, "SELECT * FROM marts.success_backtest WHERE week_start = ?", week
    )
    cutoffs = sorted(set(bt["cutoff"]))
    assert len(cutoffs) == 3 and (bt["horizon_end"] <= bt["as_of"]).all()
    assert set(bt["method"]) == {"model", *BASELINES}
    assert bt.height == 3 * (1 + len(BASELINES))
    model = bt.filter(pl.col("method") == "model").sort("cutoff")
    rand = bt.filter(pl.col("method") == "random").sort("cutoff")
    assert (model["auc_roc"] > rand["auc_roc"] + 0.1).all()
    assert (model["brier"] < model["base_rate"] * (1 - model["base_rate"])).all()
    calib = query(
        pipeline_run.replica, "SELECT * FROM marts.success_calibration WHERE week_start = ?", week
    )
    assert calib.group_by("cutoff").agg(pl.col("count").sum())["count"].sort().to_list() == sorted(
        model["n"].to_list()
    )


def test_scores_carry_their_top_factors_and_the_shortlist_says_them(pipeline_run):
    scores = query(
        pipeline_run.replica,
        "SELECT in_population, success_factors, compute_fit, n_models, max_training_compute_flop "
        "FROM marts.company_scores",
    )
    pop = scores.filter(pl.col("in_population"))
    assert pop["success_factors"].null_count() == 0
    assert (pop["success_factors"].list.len() == 3).all()
    factors = pop["success_factors"].explode().struct.field("factor")
    assert set(factors) <= set(FACTOR_GROUPS) and factors.n_unique() >= 4
    assert scores.filter(~pl.col("in_population"))["success_factors"].null_count() == (
        scores.height - pop.height
    )
    # compute fit exactly for companies with a recorded training run
    has_compute = scores["max_training_compute_flop"].fill_null(0) > 0
    assert scores.filter(has_compute)["compute_fit"].null_count() == 0
    assert scores.filter(~has_compute)["compute_fit"].null_count() == (~has_compute).sum()
    shortlist = query(
        pipeline_run.replica, "SELECT rationale, success_probability FROM marts.weekly_shortlist"
    )
    with_model = shortlist.filter(pl.col("success_probability").is_not_null())
    # each says what the model leans on, in percentage points of the success chance
    model_reason = r"\((?:[+−]\d+ pts?|<1 pt)\)|reads the gap as"
    assert with_model.height > 0 and with_model["rationale"].str.contains(model_reason).all()


def test_backtest_plot_is_a_png():
    results = pl.DataFrame(
        {
            "method": ["model", "random"],
            "base_rate": [0.3, 0.3],
            "precision_at_25": [0.8, 0.3],
            "precision_at_50": [0.7, 0.3],
        }
    )
    calib = pl.DataFrame(
        {
            "bin": [0, 1],
            "mean_predicted": [0.1, 0.6],
            "observed_rate": [0.12, 0.5],
            "count": [10, 5],
        }
    )
    png = backtest_png(results, calib, [25, 50])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
