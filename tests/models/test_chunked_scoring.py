"""Scoring a features table in DuckDB chunk by chunk gives exactly what scoring it in one chunk
gives: same momentum bits, same probabilities, same total score and rank; momentum in SQL is the
mean percentile rank of its signals."""

from datetime import date

import duckdb
import numpy as np
import polars as pl
import pytest

from models.chunked_scoring import score_frame, score_table
from models.momentum import SIGNALS, momentum_table_sql
from models.scoring import company_lanes, shortlist, shortlist_sql
from models.thesis import load_thesis

COLUMNS = [
    "week_start",
    "company_id",
    "vertical",
    "success_probability",
    "total_score",
    "score_rank",
    "thesis_fit",
    "momentum",
    "nexus_score",
    "in_population",
    "thesis_version",
    "model_version",
]


def features(n: int = 2003, seed: int = 7) -> pl.DataFrame:
    """Random companies with ties, NULL step-ups and a population of about two thirds."""
    rng = np.random.default_rng(seed)
    pick = lambda values: [values[i] for i in rng.integers(0, len(values), n)]  # noqa: E731
    countries = pick(["FRA", "ARE", "USA", None])
    step_up = rng.choice([0.5, 1.0, 2.0, 3.5], n).astype(object)
    step_up[rng.random(n) < 0.4] = None
    return pl.DataFrame(
        {
            "company_id": [f"c{i:04d}" for i in rng.permutation(n)],
            "country_code": countries,
            "countries": [[c] if c else [] for c in countries],
            "vertical": pick(["generative_models", "ai_semiconductors", None]),
            "sector": pick(["health", "software", None]),
            "last_stage": pick(["seed", "series_a", "late", None]),
            "fra_investors": pick([[], ["Bpifrance"]]),
            "are_investors": pick([[], [], ["MGX"]]),
            "in_population": (rng.random(n) < 0.66).tolist(),
            "days_since_last_round": rng.integers(0, 400, n).tolist(),  # many ties
            "raised_24m_usd": rng.choice([0.0, 1e6, 2.5e6, 7e7], n).tolist(),
            "n_rounds_24m": rng.integers(0, 4, n).tolist(),
            "step_up": pl.Series(step_up.tolist(), dtype=pl.Float64),
            "max_training_compute_flop": pick([None, None, None, 1e22, 5e25]),
        },
        schema_overrides={
            "countries": pl.List(pl.String),
            "fra_investors": pl.List(pl.String),
            "are_investors": pl.List(pl.String),
            "max_training_compute_flop": pl.Float64,
        },
    )


class FakeModel:
    """Deterministic stand-in for SuccessModel: a probability from two columns of each row."""

    version = "fake-1"

    def predict_proba(self, frame: pl.DataFrame) -> np.ndarray:
        days = frame["days_since_last_round"].to_numpy()
        return 1.0 / (1.0 + days + frame["n_rounds_24m"].to_numpy())

    def contributions(self, frame: pl.DataFrame) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "funding_recency": -frame["days_since_last_round"].cast(pl.Float64) / 100,
                "funding_history": frame["n_rounds_24m"].cast(pl.Float64),
            }
        )


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA marts")
    return connection


def load(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    con.register("_f", frame.to_arrow())
    con.execute("CREATE TABLE marts.f AS SELECT * FROM _f ORDER BY company_id")
    con.unregister("_f")


def percentile_momentum(features: pl.DataFrame) -> pl.DataFrame:
    """Momentum by its definition, written independently of the SQL: per signal, the average
    rank within the population over the non-NULL count (recency: fewer days rank higher), NULL
    counting 0.5 for step_up and 0 otherwise; the mean over the signals; 0 outside."""

    def pct(column: str, higher_better: bool) -> pl.Expr:
        value = pl.col(column) if higher_better else -pl.col(column)
        ranked = value.rank("average") / value.count()
        return ranked.fill_null(0.5 if column == "step_up" else 0.0)

    ranks = features.filter(pl.col("in_population")).select(
        "company_id", (sum(pct(c, hb) for c, hb in SIGNALS) / len(SIGNALS)).alias("momentum")
    )
    return features.join(ranks, on="company_id", how="left").with_columns(
        pl.col("momentum").fill_null(0.0)
    )


def test_momentum_sql_is_the_mean_percentile_rank_bit_for_bit(con):
    frame = features()
    load(con, frame)
    got = con.sql(momentum_table_sql("marts.f")).pl()
    want = percentile_momentum(frame).select("company_id", "momentum", "in_population")
    joined = want.join(got, on="company_id", how="left", suffix="_sql")
    inside = joined.filter(pl.col("in_population"))
    assert got.height == inside.height > 1000
    assert (inside["momentum"] == inside["momentum_sql"]).all()  # the same bits
    outside = joined.filter(~pl.col("in_population"))
    assert outside["momentum_sql"].is_null().all() and (outside["momentum"] == 0.0).all()
    assert len(SIGNALS) == 4 and inside["momentum_sql"].n_unique() > 20


@pytest.mark.parametrize("model", [FakeModel(), None])
@pytest.mark.parametrize("chunk_rows", [100, 640, 5000])
def test_chunks_score_like_the_whole_frame(con, model, chunk_rows):
    frame, thesis = features(), load_thesis()
    load(con, frame)
    week = pl.lit(None, dtype=pl.Date).alias("week_start")
    version = pl.lit(model.version if model else None, dtype=pl.String).alias("model_version")
    rows = score_table(
        con, "marts.f", "marts.scores", model, thesis, COLUMNS, [week, version], chunk_rows
    )
    got = con.sql("SELECT * FROM marts.scores").pl()
    # the whole frame in one chunk
    score_table(con, "marts.f", "marts.whole", model, thesis, COLUMNS, [week, version], 10**6)
    want = con.sql("SELECT * FROM marts.whole").pl()
    assert rows == frame.height and got.columns == COLUMNS
    assert got.equals(want)  # same rows in the same (rank) order, same bits


def test_empty_features_table_gives_an_empty_scores_table(con):
    load(con, features().head(0))
    constants = [pl.lit(None, dtype=pl.Date).alias(c) for c in ("week_start", "model_version")]
    rows = score_table(con, "marts.f", "marts.scores", None, load_thesis(), COLUMNS, constants)
    assert rows == 0
    assert con.sql("SELECT * FROM marts.scores").pl().columns == COLUMNS


@pytest.mark.parametrize("size", [1, 25, 300, 10**6])
def test_shortlist_candidates_from_sql_give_the_same_shortlist(con, size):
    rng = np.random.default_rng(3)
    frame = features().with_columns(
        pl.Series("exited", rng.random(2003) < 0.2), pl.Series("closed", rng.random(2003) < 0.1)
    )
    nulls = pl.Series(rng.random(2003) < 0.1)
    frame = frame.with_columns(
        pl.when(nulls).then(None).otherwise(pl.col("closed")).alias("closed")
    )
    scores = score_frame(frame, load_thesis()).with_columns(
        pl.lit(date(2026, 11, 23)).alias("week_start")
    )
    con.register("scores", scores.to_arrow())
    lanes = company_lanes(size=size)
    listed = con.sql(shortlist_sql("scores", lanes), params=[date(2026, 11, 23)]).pl()
    assert listed.height <= 3 * size
    assert listed.equals(shortlist(scores, lanes))
    assert listed.height >= min(size, 20)


def test_chunks_carry_the_factors_and_compute_fit_of_their_own_rows(con):
    frame, thesis = features(), load_thesis()
    load(con, frame)
    constants = [pl.lit(None, dtype=pl.Date).alias(c) for c in ("week_start",)] + [
        pl.lit("fake-1").alias("model_version")
    ]
    columns = [*COLUMNS, "success_factors", "compute_fit", "max_training_compute_flop"]
    score_table(con, "marts.f", "marts.scores", FakeModel(), thesis, columns, constants, 300)
    got = con.sql("SELECT * FROM marts.scores ORDER BY company_id").pl()
    pop = got.filter(pl.col("in_population"))
    assert (
        got.filter(~pl.col("in_population"))["success_factors"].null_count()
        == got.height - pop.height
    )
    want = frame.sort("company_id").filter(pl.col("in_population"))
    first = pop["success_factors"].list.first().struct.field("factor")
    # the larger of |days/100| and n_rounds_24m is the first factor of every row
    bigger = (want["days_since_last_round"] / 100).abs() >= want["n_rounds_24m"]
    expected = pl.Series(np.where(bigger, "funding_recency", "funding_history"))
    assert (first == expected).all()
    flop = got["max_training_compute_flop"]
    assert got["compute_fit"].is_null().equals(flop.is_null())
