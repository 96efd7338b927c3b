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


def _pct_rank_sql(column: str, higher_better: bool) -> str:
    """SQL twin of `_pct_rank` within the population: the average rank of the value among the
    population's non-NULL values (ties share the mean of their ranks), over their count (times
    the reciprocal, as polars divides by a scalar, so both give the same bits)."""
    col = f'"{column}"'
    order = f"{col} {'ASC' if higher_better else 'DESC'} NULLS LAST"
    pop = "coalesce(in_population, false)"
    ranked = (
        f"(rank() OVER (PARTITION BY {pop} ORDER BY {order}) "
        f"+ (count(*) OVER (PARTITION BY {pop}, {col}) - 1) / 2.0) "
        f"* (1.0 / count({col}) OVER (PARTITION BY {pop}))"
    )
    fill = "0.5" if column == "step_up" else "0.0"
    return f"coalesce(CASE WHEN {col} IS NOT NULL THEN {ranked} END, {fill})"


def momentum_sql() -> str:
    """A SQL expression for `momentum` over a features table, equal to `momentum()`: window
    functions partitioned by population, 0 outside it (SELECT it from the table itself)."""
    parts = " + ".join(_pct_rank_sql(c, hb) for c, hb in SIGNALS)
    return (
        f"CASE WHEN coalesce(in_population, false) THEN (0 + {parts}) / {len(SIGNALS)} ELSE 0.0 END"
    )
