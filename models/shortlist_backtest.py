"""The shortlist's backtest, lane by lane: what the pipeline would have listed at a past cutoff,
and how much of it raised a new round or exited within the horizon. Free of Dagster.

At a cutoff, every company known then is scored the way a week is scored (`score_frame`:
thesis fit, momentum, the success model trained at that cutoff), the shortlist's eligibility
rules and lanes apply, and each lane's top N by total score is compared with the lane's base rate
(every eligible company of the lane) and with a naive ranking inside the lane (`most_active`: the
same N companies with the most rounds in the last 24 months, ties by rounds ever).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from models.backtest import most_active
from models.chunked_scoring import score_frame
from models.lanes import assign_lanes, shortlist_rules_sql
from models.metrics import ranking_order

LANE_COLUMNS = {
    "lane": pl.String,
    "lane_size": pl.Int64,
    "n_candidates": pl.Int64,
    "n_listed": pl.Int64,
    "hits": pl.Int64,
    "hit_rate": pl.Float64,
    "lane_base_rate": pl.Float64,
    "naive_hits": pl.Int64,
    "naive_hit_rate": pl.Float64,
}


def _top(frame: pl.DataFrame, score: str, n: int) -> pl.DataFrame:
    """The `n` best rows by `score` (NaN and NULL last), ties by `company_id`."""
    frame = frame.sort("company_id")
    values = frame[score].cast(pl.Float64).fill_null(np.nan).to_numpy()
    return frame[ranking_order(values)[:n]]


def lane_hits(
    frame: pl.DataFrame,
    sizes: Mapping[str, int],
    score: str = "total_score",
    naive: str = "most_active",
) -> pl.DataFrame:
    """One row per lane of `sizes` (in its order) from `frame`, the eligible companies of a
    cutoff with `company_id`, `lane` (NULL: in no lane), `label` (1: a new round or an exit within
    the horizon), the pipeline's `score` and the `naive` score.

    `n_listed` = min(lane size, the lane's candidates); `hits` among the lane's top `n_listed` by
    `score`; `lane_base_rate` = the share of hits among all the lane's candidates; `naive_hits`
    among its top `n_listed` by `naive`. Rates are NULL when there is nothing to divide by (a
    lane with no candidate lists 0 companies)."""
    rows = []
    for lane, size in sizes.items():
        members = frame.filter(pl.col("lane") == lane)
        n = min(int(size), members.height)
        hits = int(_top(members, score, n)["label"].sum()) if n else 0
        naive_hits = int(_top(members, naive, n)["label"].sum()) if n else 0
        rows.append(
            {
                "lane": lane,
                "lane_size": int(size),
                "n_candidates": members.height,
                "n_listed": n,
                "hits": hits,
                "hit_rate": hits / n if n else None,
                "lane_base_rate": float(members["label"].mean()) if members.height else None,
                "naive_hits": naive_hits,
                "naive_hit_rate": naive_hits / n if n else None,
            }
        )
    return pl.DataFrame(rows, schema=LANE_COLUMNS)


# what the lanes, their rules and most_active read of a company's features
CANDIDATE_COLUMNS = [
    "company_id",
    "n_rounds_24m",
    "n_rounds",
    "country_code",
    "countries",
    "fra_investors",
    "are_investors",
    "vertical",
    "exited",
    "closed",
]


def score_cutoff(
    features: pl.DataFrame, predictions: pl.DataFrame | None, thesis: dict
) -> pl.DataFrame:
    """Every company of `features` (as of a cutoff, as `transforms.features.features_as_of` gives
    them) scored as a week is scored (`models.chunked_scoring.score_frame`), with the success
    probabilities of `predictions` (`company_id`, `success_probability`: the model trained at
    that cutoff, on its population; None when no model could be fitted then)."""
    kept = [c for c in CANDIDATE_COLUMNS if c in features.columns]
    scores = ["total_score", "success_probability", "score_rank"]
    return score_frame(features, thesis, predictions, columns=[*kept, *scores])


def lane_candidates(scores: pl.DataFrame, lanes: list, thesis: dict) -> pl.DataFrame:
    """The companies the shortlist could list at the cutoff: its eligibility rules and lanes
    (`models.lanes`), each row with its `lane` and the naive `most_active` score."""
    wanted = [
        c
        for c in dict.fromkeys(["company_id", "total_score", *CANDIDATE_COLUMNS])
        if c in scores.columns
    ]
    framed = assign_lanes(scores.select(wanted), lanes, shortlist_rules_sql(thesis))
    framed = framed.filter(pl.col("lane").is_not_null())
    return framed.select("company_id", "lane", "total_score").with_columns(
        pl.Series("most_active", most_active(framed), dtype=pl.Float64)
    )
