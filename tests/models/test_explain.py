"""Model explanations and the compute-capacity fit, on hand-made frames."""

import math

import polars as pl
import pytest

from models.compute import compute_fit, compute_phrase
from models.explain import factor_phrase, rationale, top_factors
from models.success import FACTOR_GROUPS

CAMPUS = {"flops_per_second": [1.0e19, 2.0e19], "utilization": 0.5, "max_training_days": 100}


def test_top_factors_largest_absolute_effect_first():
    contrib = pl.DataFrame({"a": [0.1, -2.0], "b": [-0.5, 0.3], "c": [0.2, 0.0]})
    out = top_factors(contrib, k=2).to_list()
    assert out[0] == [{"factor": "b", "effect": -0.5}, {"factor": "c", "effect": 0.2}]
    assert out[1] == [{"factor": "a", "effect": -2.0}, {"factor": "b", "effect": 0.3}]
    assert top_factors(pl.DataFrame(), k=2).len() == 0


def test_every_factor_group_has_words():
    row = {
        "n_rounds": 2,
        "last_stage": "series_a",
        "days_since_last_round": 243,
        "last_round_usd": 7e6,
        "total_raised_usd": 9e6,
        "age_years": 3.2,
        "n_investors": 2,
        "investor_exit_rate": 0.35,
        "fra_investors": ["Partech"],
        "are_investors": ["MGX"],
        "vertical": "ai_semiconductors",
        "country_code": "FRA",
        "region_rate": 0.4,
        "n_models": 1,
    }
    phrases = {g: factor_phrase(g, row) for g in FACTOR_GROUPS}
    assert phrases["funding_recency"].startswith("raised Series A 8 months ago")
    assert phrases["investors"] == "backed by 2 investors with a 35% portfolio exit rate"
    assert phrases["nexus_investors"] == "French/Emirati investors (Partech, MGX)"
    assert phrases["sector"] == "AI semiconductors"
    assert all(p and "_" not in p for p in phrases.values()), phrases


def test_rationale_carries_the_model_drivers_and_compute_fit():
    row = {
        "total_score": 0.7,
        "thesis_fit": 0.8,
        "momentum": 0.6,
        "success_probability": 0.64,
        "n_rounds": 1,
        "last_stage": "seed",
        "days_since_last_round": 40,
        "n_investors": 3,
        "success_factors": [
            {"factor": "funding_recency", "effect": 0.61},
            {"factor": "investors", "effect": -0.2},
        ],
        "compute_fit": "fits",
        "campus_training_days": 3.4,
        "max_training_compute_flop": 1.2e24,
    }
    text = rationale(row)
    assert "driven by: raised a seed round 1 month ago (undisclosed) (+0.61)" in text
    assert "backed by 3 investors (−0.20)" in text
    assert "Compute: largest training run 1.2e+24 FLOP ≈ 3.4 days" in text


def test_compute_fit_bands():
    low_rate = 1.0e19 * 0.5 * 86_400  # FLOP per day at the low capacity
    frame = pl.DataFrame(
        {"max_training_compute_flop": [None, 0.0, 50 * low_rate, 150 * low_rate, 300 * low_rate]}
    )
    out = compute_fit(frame, CAMPUS)
    assert out["compute_fit"].to_list() == [None, None, "fits", "fits_at_high_capacity", "exceeds"]
    assert math.isclose(out["campus_training_days"][2], 50.0)
    assert compute_phrase(out.row(0, named=True)) is None
    assert "(fits the French AI campus)" in compute_phrase(out.row(2, named=True))


def test_compute_fit_refuses_an_inverted_capacity_range():
    with pytest.raises(ValueError, match="low <= high"):
        compute_fit(
            pl.DataFrame({"max_training_compute_flop": [1.0]}),
            CAMPUS | {"flops_per_second": [2, 1]},
        )


def test_rationale_says_why_the_vertical():
    row = {
        "total_score": 0.7,
        "thesis_fit": 0.8,
        "momentum": 0.6,
        "vertical": "sector_applications",
        "sector": "health",
        "ai_confidence": 0.85,
        "vertical_reason": "categories: Machine Learning; sector: health",
        "n_rounds": 0,
    }
    text = rationale(row)
    assert (
        "AI applications in health (categories: Machine Learning; sector: health; "
        "AI confidence 0.85)" in text
    )
    bare = rationale({**row, "vertical_reason": None, "ai_confidence": None})
    assert "AI applications in health;" in bare or "AI applications in health." in bare
