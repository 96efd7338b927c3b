"""Thesis fit, momentum, total score, shortlist and rationale on hand-made feature frames."""

import numpy as np
import polars as pl
import pytest

from models.chunked_scoring import score_frame
from models.explain import rationale, stage_label
from models.scoring import company_lanes, shortlist
from models.thesis import load_thesis, thesis_fit

BASE = {
    "company_id": "c",
    "name": "X",
    "country_code": "USA",
    "countries": ["USA"],
    "vertical": None,
    "sector": None,
    "last_stage": None,
    "fra_investors": [],
    "are_investors": [],
    "in_population": True,
    "exited": False,
    "closed": False,
    "days_since_last_round": 400,
    "raised_24m_usd": 1e6,
    "n_rounds_24m": 1,
    "step_up": None,
    "n_rounds": 1,
    "last_round_usd": 1e6,
    "n_top_investors": 0,
    "investor_exit_rate": None,
    "max_training_compute_flop": None,
}


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(
        [{**BASE, **r} for r in rows],
        schema_overrides={
            "countries": pl.List(pl.String),
            "fra_investors": pl.List(pl.String),
            "are_investors": pl.List(pl.String),
            "step_up": pl.Float64,
            "investor_exit_rate": pl.Float64,
            "max_training_compute_flop": pl.Float64,
            "vertical": pl.String,
            "sector": pl.String,
            "last_stage": pl.String,
        },
    )


def score(features: pl.DataFrame, probability: np.ndarray | None) -> pl.DataFrame:
    """The pipeline's scoring of `features` (`score_frame`), `probability` given in the order of
    the population rows (None: no model)."""
    predictions = None
    if probability is not None:
        ids = features.filter(pl.col("in_population"))["company_id"]
        predictions = pl.DataFrame({"company_id": ids, "success_probability": probability})
    return score_frame(features, load_thesis(), predictions)


def test_nexus_french_hq_with_emirati_investor_is_full_score():
    out = thesis_fit(frame({"country_code": "FRA", "countries": ["FRA"], "are_investors": ["MGX"]}))
    row = out.row(0, named=True)
    assert row["hq_in_nexus"] and row["nexus_investor"] and row["nexus_both"]
    assert row["nexus_score"] == 1.0


def test_thesis_fit_orders_companies_sensibly():
    out = thesis_fit(
        frame(
            {
                "company_id": "fit",
                "vertical": "ai_semiconductors",
                "sector": "industry",
                "last_stage": "series_a",
                "country_code": "FRA",
                "countries": ["FRA"],
            },
            {
                "company_id": "partial",
                "vertical": "sector_applications",
                "sector": "software",
                "last_stage": "late",
            },
            {"company_id": "none"},
        )
    )
    fits = dict(zip(out["company_id"], out["thesis_fit"], strict=True))
    assert fits["fit"] > fits["partial"] > fits["none"] == 0.0
    assert all(0 <= f <= 1 for f in fits.values())


def test_total_score_uses_thesis_weights_and_ranks():
    features = frame(
        {"company_id": "a", "vertical": "generative_models", "days_since_last_round": 30},
        {"company_id": "b", "days_since_last_round": 900},
        {"company_id": "c", "in_population": False, "n_rounds": 0},
    )
    out = score(features, np.array([0.9, 0.1]))
    w = load_thesis()["total_weights"]
    a = out.filter(pl.col("company_id") == "a").row(0, named=True)
    assert a["total_score"] == pytest.approx(
        w["thesis_fit"] * a["thesis_fit"] + w["momentum"] * a["momentum"] + w["success"] * 0.9
    )
    assert out.filter(pl.col("company_id") == "c")["success_probability"][0] is None
    assert out["score_rank"].to_list() == [1, 2, 3] and out["company_id"][0] == "a"


def test_no_model_gives_null_probability_everywhere():
    out = score(frame({"company_id": "a"}), None)
    assert out["success_probability"].null_count() == 1


def test_shortlist_only_eligible_and_size():
    scores = score(
        frame(
            {"company_id": "a", "vertical": "generative_models"},
            {"company_id": "b", "vertical": "generative_models", "exited": True},
            {"company_id": "c"},
            {"company_id": "d", "vertical": "ai_semiconductors"},
        ),
        np.array([0.5, 0.5, 0.5, 0.5]),
    )
    scores = scores.with_columns(pl.lit("FRA").alias("country_code"))
    top = shortlist(scores, company_lanes(size=5))
    assert set(top["company_id"]) == {"a", "d"} and top["rank"].to_list() == [1, 2]
    assert top["lane"].to_list() == ["france", "france"]
    assert shortlist(scores, company_lanes(size=1)).height == 1


def test_rationale_names_the_factors():
    scores = score(
        frame(
            {
                "company_id": "a",
                "vertical": "ai_semiconductors",
                "country_code": "FRA",
                "countries": ["FRA"],
                "are_investors": ["MGX"],
                "last_stage": "series_a",
                "days_since_last_round": 243,
                "last_round_usd": 7e6,
                "n_top_investors": 2,
            }
        ),
        np.array([0.64]),
    )
    text = rationale(scores.row(0, named=True))
    for part in (
        "AI semiconductors",
        "French HQ",
        "Emirati investors (MGX)",
        "Series A 8 months ago",
        "USD 7.0M",
        "2 top-decile",
        "success chance 64%",
    ):
        assert part in text, (part, text)


def test_stage_labels():
    assert stage_label("series_b") == "Series B" and stage_label("seed") == "a seed round"


def test_recency_wording():
    base = score(frame({"company_id": "a", "days_since_last_round": 10}), None).row(0, named=True)
    assert "this month" in rationale(base)
    one = score(frame({"company_id": "a", "days_since_last_round": 31}), None).row(0, named=True)
    assert "1 month ago" in rationale(one)


@pytest.mark.parametrize(
    "weights",
    [
        None,
        {"thesis_fit": 0.1, "momentum": 1 / 3, "success": 0.7},
        {"thesis_fit": 1, "momentum": 0, "success": 2},
    ],
)
def test_total_score_sql_equals_score_parts_bit_for_bit(weights):
    import duckdb

    from models.scoring import score_parts, total_score_sql

    thesis = load_thesis()
    if weights is not None:
        thesis = thesis | {"total_weights": weights}
    rng = np.random.default_rng(3)
    n = 5000
    verticals = ["generative_models", "ai_semiconductors", "sector_applications", None]
    rows = [{"company_id": f"c{i}", "vertical": verticals[i % 4]} for i in range(n)]
    features = frame(*rows).with_columns(
        pl.Series("momentum", rng.random(n)),
        pl.Series("in_population", rng.random(n) < 0.7),
    )
    probability = rng.random(int(features["in_population"].sum()))
    scored = score_parts(features, probability, thesis).select(
        "thesis_fit", "momentum", "success_probability", "total_score"
    )
    con = duckdb.connect()
    con.register("s", scored.to_arrow())
    got = con.sql(f"SELECT {total_score_sql(thesis)} AS t FROM s").pl()["t"]
    assert (got == scored["total_score"]).all()
