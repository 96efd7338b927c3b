"""Rounds on the same day give the same features whatever order DuckDB reads them in: the last
round is the higher stage (then the greater hash of its key), in every run and on every thread count."""

from datetime import timedelta

import polars as pl
import pytest

from transforms.features import features_as_of

TIED = ["first_round_usd", "last_round_usd", "last_stage", "step_up", "max_round_usd"]


@pytest.fixture
def con(warehouse_copy):
    return warehouse_copy


def _features(con, as_of) -> pl.DataFrame:
    return features_as_of(con, as_of).select("company_id", *TIED).sort("company_id")


def _reorder(con, direction: str) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE core.funding_rounds AS "
        f"SELECT * FROM core.funding_rounds ORDER BY round_key {direction}"
    )


def test_same_day_rounds_give_the_same_features_in_any_order(con, pipeline_run):
    as_of = pipeline_run.as_of
    day = as_of - timedelta(days=30)
    company = con.sql(
        "SELECT company_id FROM core.funding_rounds WHERE amount_usd > 0 AND funded_on < ? "
        "GROUP BY 1 HAVING count(*) = 1 ORDER BY 1 LIMIT 1",
        params=[day],
    ).fetchall()[0][0]
    # two equity rounds on one day: a seed of 1M (key z) and a series A of 5M (key a)
    for key, stage, order, amount in (("z", "seed", 2, 1e6), ("a", "series_a", 3, 5e6)):
        con.execute(
            "INSERT INTO core.funding_rounds SELECT * REPLACE (? AS funded_on, "
            "round_key || ? AS round_key, ? AS stage, ? AS stage_order, 'early' AS stage_group, "
            "? AS amount_usd) FROM core.funding_rounds WHERE company_id = ? LIMIT 1",
            [day, f"-tie-{key}", stage, order, amount, company],
        )
    con.execute("SET threads = 1")  # one thread reads rows in table order: the order is the test
    _reorder(con, "ASC")
    ascending = _features(con, as_of)
    _reorder(con, "DESC")
    descending = _features(con, as_of)
    assert ascending.equals(descending)
    row = ascending.filter(pl.col("company_id") == company).row(0, named=True)
    assert row["last_stage"] == "series_a" and row["last_round_usd"] == 5e6
    assert row["step_up"] == pytest.approx(5.0)  # the series A over the seed of the same day
