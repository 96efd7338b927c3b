"""Market statistics among the model's inputs are measured at the start of as_of's quarter: a
round reported during the quarter changes its own company's inputs and nobody else's, which is
what lets a refresh re-predict only the companies that raised (marts/company_scores)."""

from datetime import date, timedelta

import polars as pl
import pytest

from models.chunked_scoring import model_input_columns
from transforms.features import features_as_of

RATES = [
    "category_rate_max",
    "category_rate_mean",
    "region_rate",
    "investor_follow_on_max",
    "investor_follow_on_mean",
]


@pytest.fixture
def con(warehouse_copy):
    return warehouse_copy


def _inputs(con, as_of: date) -> pl.DataFrame:
    features = features_as_of(con, as_of, status_usable=True).filter(pl.col("in_population"))
    return features.select("company_id", *model_input_columns()).sort("company_id")


def _changed(before: pl.DataFrame, after: pl.DataFrame, columns: list[str]) -> set[str]:
    joined = before.join(after, on="company_id", suffix="_after")
    moved = pl.any_horizontal(~pl.col(c).eq_missing(pl.col(f"{c}_after")) for c in columns)
    return set(joined.filter(moved)["company_id"])


def _add_round(con, company_id: str, day: date) -> None:
    """A follow-on round of `company_id` on `day` (a copy of its first round, new key)."""
    con.execute(
        "INSERT INTO core.funding_rounds SELECT * REPLACE (? AS funded_on, "
        "round_key || '-late' AS round_key) FROM core.funding_rounds WHERE company_id = ? "
        "ORDER BY funded_on LIMIT 1",
        [day, company_id],
    )


def test_a_round_within_the_quarter_changes_only_its_companys_inputs(con, pipeline_run):
    as_of = pipeline_run.as_of
    quarter_start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    assert quarter_start < as_of
    before = _inputs(con, as_of)
    # a company that had not raised for over two years: the round flips its category outcome
    stale = before.filter(pl.col("days_since_last_round") > 800).sort("company_id")
    assert stale.height > 0
    company = stale["company_id"][0]
    _add_round(con, company, as_of - timedelta(days=1))
    after = _inputs(con, as_of)
    assert _changed(before, after, model_input_columns()) == {company}
    assert not _changed(before, after, RATES)


def test_a_round_before_the_quarter_moves_the_market_rates(con, pipeline_run):
    """The anchor is what keeps the rates still: the same kind of round dated before the
    quarter's start (and inside the rates' window) changes other companies' rates."""
    as_of = pipeline_run.as_of
    quarter_start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    before = _inputs(con, as_of)
    stale = before.filter(pl.col("days_since_last_round") > 800 + (as_of - quarter_start).days)
    company = stale.sort("company_id")["company_id"][0]
    _add_round(con, company, quarter_start - timedelta(days=10))
    after = _inputs(con, as_of)
    assert len(_changed(before, after, RATES) - {company}) > 0
