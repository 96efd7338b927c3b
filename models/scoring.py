"""Combine thesis fit, momentum and success probability into the total score, row by row
(`score_parts`, `total_score_sql`); the shortlist's rules and lanes over a week's scores. The
whole scoring, momentum and rank included, is `models.chunked_scoring.score_table`."""

from __future__ import annotations

import numpy as np
import polars as pl

from models.lanes import Lane, lane_shortlist, load_lanes, ranked_sql, shortlist_rules_sql
from models.thesis import load_thesis, thesis_fit


def score_parts(
    features: pl.DataFrame, success_probability: np.ndarray | None, thesis: dict
) -> pl.DataFrame:
    """Thesis fit, success probability and total score of rows that already carry `momentum`
    (row by row: any slice of the companies can be scored on its own). `success_probability` is
    aligned with the rows where `in_population` is true (None when no model could be trained);
    elsewhere it is NULL.

    total_score = w_fit * thesis_fit + w_momentum * momentum + w_success * success_probability
    (missing success counts as 0)."""
    frame = thesis_fit(features, thesis)
    prob = pl.Series("success_probability", [None] * frame.height, dtype=pl.Float64)
    if success_probability is not None:
        mask = frame["in_population"].to_numpy()
        values = np.full(frame.height, np.nan)
        values[mask] = success_probability
        prob = pl.Series("success_probability", values).fill_nan(None)
    w = thesis["total_weights"]
    return frame.with_columns(prob).with_columns(
        (
            w["thesis_fit"] * pl.col("thesis_fit")
            + w["momentum"] * pl.col("momentum")
            + w["success"] * pl.col("success_probability").fill_null(0.0)
        ).alias("total_score")
    )


def total_score_sql(
    thesis: dict,
    thesis_fit: str = "thesis_fit",
    momentum: str = "momentum",
    success_probability: str = "success_probability",
) -> str:
    """`total_score` of `score_parts` as a SQL expression over the given columns, equal to it bit
    for bit (the same products and sums of doubles, in the same order)."""
    w = {k: f"'{float(v)!r}'::DOUBLE" for k, v in thesis["total_weights"].items()}
    return (
        f"({w['thesis_fit']} * {thesis_fit} + {w['momentum']} * {momentum} "
        f"+ {w['success']} * coalesce({success_probability}, 0.0))"
    )


SHORTLIST_ORDER = "total_score DESC, company_id ASC"


def company_lanes(thesis: dict | None = None, size: int = 0) -> list[Lane]:
    """The shortlist's lanes from the thesis (`size` > 0 replaces every lane's size)."""
    return load_lanes((thesis or load_thesis())["lanes"], size)


def shortlist_sql(table: str, lanes: list[Lane], thesis: dict | None = None) -> str:
    """A SELECT of one week's shortlist from `table` (a week's scores, `?` = the week): each
    lane's best eligible companies by total score, with `lane`, `lane_rank` and `rank` (over all
    listed companies), in lane order. Only those rows leave DuckDB."""
    source = f"(SELECT * FROM {table} WHERE week_start = ?)"
    return ranked_sql(source, lanes, shortlist_rules_sql(thesis or load_thesis()), SHORTLIST_ORDER)


def shortlist(scores: pl.DataFrame, lanes: list[Lane], thesis: dict | None = None) -> pl.DataFrame:
    """`shortlist_sql` on a frame of scores (one week, or a backtest's past population)."""
    return lane_shortlist(
        scores, lanes, shortlist_rules_sql(thesis or load_thesis()), SHORTLIST_ORDER
    )
