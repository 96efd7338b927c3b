"""Momentum from the funding history as of the scoring date (percentile ranks, 0..1)."""

from __future__ import annotations

import polars as pl

# (column, higher is better?) — recency counts as fewer days since the last round.
SIGNALS: tuple[tuple[str, bool], ...] = (
    ("days_since_last_round", False),
    ("raised_24m_usd", True),
    ("n_rounds_24m", True),
    ("step_up", True),
)


def _pct_rank(column: str, higher_better: bool) -> pl.Expr:
    value = pl.col(column) if higher_better else -pl.col(column)
    ranked = value.rank("average") / value.count()
    return ranked.fill_null(0.5 if column == "step_up" else 0.0)


def momentum(features: pl.DataFrame) -> pl.DataFrame:
    """Adds `momentum` (mean percentile rank of the SIGNALS within the population; 0 outside it)."""
    population = features.filter(pl.col("in_population"))
    ranks = population.select(
        "company_id",
        (sum(_pct_rank(c, hb) for c, hb in SIGNALS) / len(SIGNALS)).alias("momentum"),
    )
    return features.join(ranks, on="company_id", how="left").with_columns(
        pl.col("momentum").fill_null(0.0)
    )
