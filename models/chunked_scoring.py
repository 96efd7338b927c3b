"""Score every company of a features table held in DuckDB, a chunk of rows at a time.

The population-wide parts (momentum's percentile ranks, the final rank) are computed in SQL over
the whole table; the row-wise parts (thesis fit, success probability, total score) in polars and
scikit-learn on one chunk at a time, written back to DuckDB before the next chunk is read. Memory
stays bounded by the chunk size whatever the number of companies, and the result does not depend
on the chunk size (tests/models/test_chunked_scoring.py). A polars frame of features (a backtest's
past population) is scored by the same code once registered in DuckDB (`score_frame`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from models.compute import compute_fit
from models.explain import FACTORS_DTYPE, top_factors
from models.momentum import SIGNALS, momentum_table_sql
from models.scoring import score_parts, total_score_sql
from models.success import CATEGORICAL, NUMERIC, SuccessModel
from warehouse.tables import quote_identifier, registered, write_frame

CHUNK_ROWS = 200_000
# the columns momentum ranks (models.momentum.SIGNALS)
MOMENTUM_INPUTS = [c for c, _ in SIGNALS]
REUSED_PROBABILITY, REUSED_FACTORS = "_reused_probability", "_reused_factors"
RANK_ORDER = "total_score DESC, company_id ASC"


def model_input_columns() -> list[str]:
    """The feature columns the success model reads (`models.success.model_matrix`'s inputs):
    equal values give an equal probability and equal factors under one fitted model."""
    derived = {"n_fra_investors": "fra_investors", "n_are_investors": "are_investors"}
    numeric = [derived.get(c, c) for c in NUMERIC]
    categorical = ["country_code" if c == "country_group" else c for c in CATEGORICAL]
    return list(dict.fromkeys([*numeric, *categorical]))


def reusable_scores_sql(features: str, inputs: str, scores: str) -> str:
    """A SELECT of (`company_id`, `success_probability`, `success_factors`) from `scores` for the
    population rows of `features` whose model inputs equal those saved in `inputs` (both scored
    by the same model: the caller filters `inputs` and `scores` on it)."""
    same = " AND ".join(
        f"f.{quote_identifier(c)} IS NOT DISTINCT FROM i.{quote_identifier(c)}"
        for c in model_input_columns()
    )
    return (
        f"SELECT s.company_id, s.success_probability, s.success_factors FROM {features} AS f "
        f"JOIN {inputs} AS i USING (company_id) JOIN {scores} AS s USING (company_id) "
        f"WHERE f.in_population AND s.success_probability IS NOT NULL AND {same}"
    )


def model_inputs_sql(features: str) -> str:
    """A SELECT of `company_id` and the model inputs of the population rows of `features`."""
    columns = ", ".join(quote_identifier(c) for c in model_input_columns())
    return f"SELECT company_id, {columns} FROM {features} WHERE in_population"


def _write_chunk(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, first: bool):
    with registered(con, "_score_chunk", frame):
        verb = f"CREATE OR REPLACE TABLE {table} AS" if first else f"INSERT INTO {table}"
        con.execute(f"{verb} SELECT * FROM _score_chunk")


def explain_chunk(
    chunk: pl.DataFrame, population: pl.DataFrame, model: SuccessModel | None, thesis: dict
) -> pl.DataFrame:
    """`success_factors` (the model's top factor groups, population rows only) and the
    compute-capacity fit (`compute_fit`, `campus_training_days`) of the chunk's companies."""
    chunk = compute_fit(chunk, thesis["campus"])
    if model is None or population.is_empty():
        return chunk.with_columns(pl.lit(None, dtype=FACTORS_DTYPE).alias("success_factors"))
    factors = population.select("company_id").with_columns(
        top_factors(model.contributions(population))
    )
    return chunk.join(factors, on="company_id", how="left", maintain_order="left")


def score_table(
    con: duckdb.DuckDBPyConnection,
    features: str,
    target: str,
    model: SuccessModel | None,
    thesis: dict,
    columns: Sequence[str] | None,
    constants: Sequence[pl.Expr] = (),
    chunk_rows: int = CHUNK_ROWS,
    reuse: str | None = None,
    carried: str | None = None,
    carried_scores: str | None = None,
) -> int:
    """Write the scores of every row of `features` into `target` (replaced), in `columns` order
    (None: every column of the features and of the scores, `score_rank` last).

    `features` is a DuckDB table of company features, in any order (see
    `transforms.features.create_features_table`); momentum's population-wide ranks are computed
    from it in SQL first (`models.momentum.momentum_table_sql`). `constants` are extra columns
    added to every row (e.g. the week). `score_rank` (1 = best, ties broken by company_id) is numbered in SQL at the end, and
    `target` is written in rank order. `reuse` names a table of (`company_id`,
    `success_probability`, `success_factors`) already computed by this very model for companies
    whose model inputs are unchanged: those are taken as they are instead of predicted and
    explained again (the model is a function of the inputs row by row, so the result is the
    same); with no `model`, they are the only probabilities (e.g. a backtest's predictions). `carried` names a table of the companies not in `features` whose features are
    unchanged since they were scored under this very model and thesis (`company_id`,
    `in_population`, the momentum inputs, `thesis_fit`, `success_probability` of their score
    rows): their rows are kept as they are but for momentum, total score and rank, recomputed
    over both tables. `target` then holds only the rows scored here, and `carried_scores` (a
    temp table, required with `carried`) the carried companies' `company_id`, `momentum`,
    `total_score` and `score_rank`, to update their rows with. Returns the number of rows scored
    (not carried)."""
    rows = int(con.sql(f"SELECT count(*) FROM {features}").fetchall()[0][0])
    scratch, momentum = f"{target}_chunks", f"{target}_momentum"
    ranked = features
    if carried is not None:
        if carried_scores is None:
            raise ValueError("score_table: `carried` needs a `carried_scores` table to write")
        signals = ", ".join(
            quote_identifier(c) for c in ["company_id", "in_population", *MOMENTUM_INPUTS]
        )
        ranked = f"(SELECT {signals} FROM {features} UNION ALL SELECT {signals} FROM {carried})"
    con.execute(f"CREATE OR REPLACE TABLE {momentum} AS {momentum_table_sql(ranked)}")
    for start in range(0, max(rows, 1), chunk_rows):
        reused = (
            f", r.success_probability AS {REUSED_PROBABILITY}, r.success_factors AS "
            f"{REUSED_FACTORS} FROM {features} AS f LEFT JOIN {reuse} AS r USING (company_id)"
            if reuse
            else f", NULL::DOUBLE AS {REUSED_PROBABILITY}, NULL AS {REUSED_FACTORS} "
            f"FROM {features} AS f"
        )
        chunk = con.sql(
            f"SELECT f.*, coalesce(m.momentum, 0.0) AS momentum{reused} "
            f"LEFT JOIN {momentum} AS m USING (company_id) "
            "WHERE f.rowid >= ? AND f.rowid < ? ORDER BY company_id",
            params=[start, start + chunk_rows],
        ).pl()
        population = chunk.filter(pl.col("in_population"))
        known = population[REUSED_PROBABILITY].is_not_null().to_numpy()
        fresh = population.filter(pl.Series(~known))
        prob = None
        if model is not None or reuse is not None:
            prob = population[REUSED_PROBABILITY].to_numpy(writable=True).astype(float)
        if model is not None:
            prob[~known] = model.predict_proba(fresh)
        chunk = explain_chunk(chunk, fresh, model, thesis).with_columns(
            pl.coalesce(pl.col(REUSED_FACTORS), pl.col("success_factors")).alias("success_factors")
        )
        scored = score_parts(chunk, prob, thesis).with_columns(
            pl.lit(str(thesis["version"])).alias("thesis_version"), *constants
        )
        if columns is None:
            internal = (REUSED_PROBABILITY, REUSED_FACTORS)
            columns = [*(c for c in scored.columns if c not in internal), "score_rank"]
        wanted = [c for c in columns if c != "score_rank"]
        _write_chunk(con, scratch, scored.select(wanted), first=start == 0)
    ranked = scratch
    if carried is not None:
        # only what changes of a carried row: the rest of it stays where it is
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {carried_scores} AS SELECT c.company_id, "
            "coalesce(m.momentum, 0.0) AS momentum, "
            f"{total_score_sql(thesis, momentum='coalesce(m.momentum, 0.0)')} AS total_score "
            f"FROM {carried} AS c LEFT JOIN {momentum} AS m USING (company_id)"
        )
        ranked = (
            f"(SELECT company_id, total_score FROM {scratch} "
            f"UNION ALL SELECT company_id, total_score FROM {carried_scores})"
        )
    # ranked on two columns, then joined: a window over the whole rows is twice as slow
    ranks = f"{target}_ranks"
    con.execute(
        f"CREATE OR REPLACE TABLE {ranks} AS SELECT company_id, "
        f"row_number() OVER (ORDER BY {RANK_ORDER}) AS score_rank FROM {ranked}"
    )
    select = ", ".join(
        "r.score_rank" if c == "score_rank" else f"s.{quote_identifier(c)}" for c in columns
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {target} AS SELECT {select} FROM {scratch} AS s "
        f"JOIN {ranks} AS r USING (company_id) ORDER BY r.score_rank"
    )
    if carried is not None:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {carried_scores} AS SELECT c.*, r.score_rank "
            f"FROM {carried_scores} AS c JOIN {ranks} AS r USING (company_id)"
        )
    for table in (scratch, momentum, ranks):
        con.execute(f"DROP TABLE {table}")
    return rows


def score_frame(
    features: pl.DataFrame,
    thesis: dict,
    predictions: pl.DataFrame | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """`score_table` on a frame of features (best first; `columns` of the features and scores in
    that order, None: every column kept, then the scores): the success probabilities are those
    of `predictions` (`company_id`, `success_probability`) for the population rows it names, NULL
    elsewhere or when it is None (no model)."""
    con = duckdb.connect()
    try:
        write_frame(con, "features", features)
        reuse = None
        if predictions is not None:
            probability = pl.col("success_probability").cast(pl.Float64)
            write_frame(con, "predictions", predictions.select("company_id", probability))
            reuse = "(SELECT *, NULL AS success_factors FROM predictions)"
        score_table(con, "features", "scores", None, thesis, columns, reuse=reuse)
        return con.sql("SELECT * FROM scores ORDER BY score_rank").pl()
    finally:
        con.close()
