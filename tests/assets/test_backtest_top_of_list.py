"""The success backtest's top-of-list summary shown in the UI: the model against most_active."""

import polars as pl

from assets.scoring.backtest import top_of_list


def test_top_of_list_gives_mean_spread_and_cutoffs_at_least_most_active():
    results = pl.DataFrame(
        {
            "cutoff": ["2012-01-01", "2012-01-01", "2013-01-01", "2013-01-01", "2013-01-01"],
            "method": ["model", "most_active", "model", "most_active", "random"],
            "precision_at_25": [0.8, 0.84, 0.88, 0.68, 0.2],
            "auc_roc": [0.79, 0.73, 0.81, 0.74, 0.5],
        }
    )
    out = {r["method"]: r for r in top_of_list(results, [25]).iter_rows(named=True)}
    assert set(out) == {"model", "most_active", "cutoffs model >= most_active"}
    assert out["model"]["precision_at_25"] == "0.84 [0.8-0.88]"
    assert out["most_active"]["precision_at_25"] == "0.76 [0.68-0.84]"
    assert out["cutoffs model >= most_active"]["precision_at_25"] == "1 of 2"
    assert out["model"]["auc_roc_mean"] == 0.8


def test_top_of_list_counts_cutoffs_behind_beyond_chance():
    results = pl.DataFrame(
        {
            "cutoff": ["2012-01-01", "2012-01-01", "2013-01-01", "2013-01-01"],
            "method": ["model", "most_active", "model", "most_active"],
            "precision_at_25": [0.8, 0.84, 0.2, 0.9],
            "auc_roc": [0.79, 0.73, 0.81, 0.74],
        }
    )
    cells = pl.DataFrame(
        {
            "cutoff": ["2012-01-01", "2013-01-01"],
            "k": [25, 25],
            "verdict": ["behind by 1, within chance", "behind by 17, beyond chance"],
        }
    )
    out = {r["method"]: r for r in top_of_list(results, [25], cells).iter_rows(named=True)}
    assert out["cutoffs model behind beyond chance"]["precision_at_25"] == "1 of 2"
