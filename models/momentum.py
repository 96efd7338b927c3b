"""Momentum from the funding history as of the scoring date (percentile ranks, 0..1), in SQL.

The one form of the rule: the weekly scoring runs it over the whole features table in DuckDB
(`models.chunked_scoring.score_table`), and a frame (a backtest's past population) goes through
the same statement once registered (`models.chunked_scoring.score_frame`).
"""

from __future__ import annotations

# (column, higher is better?) — recency counts as fewer days since the last round.
SIGNALS: tuple[tuple[str, bool], ...] = (
    ("days_since_last_round", False),
    ("raised_24m_usd", True),
    ("n_rounds_24m", True),
    ("step_up", True),
)


def _ranks_sql(column: str, higher_better: bool) -> str:
    """Per distinct non-NULL value of `column` in `pop`: `k` rows hold it, `r` is the rank of its
    first row (ascending when higher is better, else descending) and `n` the non-NULL count."""
    order = "ASC" if higher_better else "DESC"
    return (
        f"(SELECT v, k, sum(k) OVER (ORDER BY v {order} ROWS UNBOUNDED PRECEDING) - k + 1 AS r, "
        f'sum(k) OVER () AS n FROM (SELECT "{column}" AS v, count(*) AS k FROM pop '
        f'WHERE "{column}" IS NOT NULL GROUP BY 1))'
    )


def momentum_table_sql(features: str) -> str:
    """A SELECT of (company_id, momentum) for the population rows (`in_population`) of the table
    `features`: the mean over the SIGNALS of each row's percentile rank within the population,
    its average rank (ties share the mean of their ranks; fewer days since the last round rank
    higher) times the reciprocal of the signal's non-NULL count. A NULL signal counts 0.5 for
    `step_up`, 0 for the others; rows outside the population are not listed (their momentum is 0).
    A value's average rank is the rank of its first row plus half its ties; ranks come from a
    GROUP BY per signal (distinct values), not from windows over every row."""
    signals = ", ".join(f'"{c}"' for c, _ in SIGNALS)
    joins, terms = [], []
    for i, (column, higher_better) in enumerate(SIGNALS):
        fill = "0.5" if column == "step_up" else "0.0"
        joins.append(
            f'LEFT JOIN {_ranks_sql(column, higher_better)} AS s{i} ON p."{column}" = s{i}.v'
        )
        terms.append(f"coalesce((s{i}.r + (s{i}.k - 1) / 2.0) * (1.0 / s{i}.n), {fill})")
    return (
        f"WITH pop AS (SELECT company_id, {signals} FROM {features} "
        f"WHERE coalesce(in_population, false)) "
        f"SELECT p.company_id, (0 + {' + '.join(terms)}) * (1.0 / {len(SIGNALS)}) AS momentum "
        f"FROM pop AS p {' '.join(joins)}"
    )
