"""Model explanations and the compute-capacity fit, on hand-made frames."""

import math
import re
from datetime import date

import polars as pl
import pytest

from models.compute import compute_fit, compute_phrase
from models.explain import (
    factor_phrase,
    missing_value,
    money,
    points_text,
    probability_points,
    rationale,
    reasons,
    top_factors,
    with_rationale,
)
from models.success import FACTOR_GROUPS

CAMPUS = {"flops_per_second": [1.0e19, 2.0e19], "utilization": 0.5, "max_training_days": 100}


def test_top_factors_largest_absolute_effect_first():
    contrib = pl.DataFrame({"a": [0.1, -2.0], "b": [-0.5, 0.3], "c": [0.2, 0.0]})
    out = top_factors(contrib, k=2).to_list()
    assert out[0] == [{"factor": "b", "effect": -0.5}, {"factor": "c", "effect": 0.2}]
    assert out[1] == [{"factor": "a", "effect": -2.0}, {"factor": "b", "effect": 0.3}]
    assert top_factors(pl.DataFrame(), k=2).len() == 0


ROW = {
    "as_of": date(2015, 12, 9),
    "total_score": 0.71,
    "thesis_fit": 0.85,
    "momentum": 0.78,
    "success_probability": 0.64,
    "vertical": "ai_semiconductors",
    "country_code": "FRA",
    "hq_in_nexus": True,
    "are_investors": ["MGX"],
    "fra_investors": [],
    "n_rounds": 2,
    "n_rounds_24m": 1,
    "last_stage": "series_a",
    "last_round_on": date(2015, 4, 10),
    "days_since_last_round": 243,
    "last_round_usd": 7e6,
    "total_raised_usd": 9e6,
    "founded_on": None,
    "n_investors": 3,
    "investor_exit_rate": 0.35,
}
SIGNED_DECIMAL = re.compile(r"[+\-−]\s?\d+\.\d")


def sentence(text: str, opening: str) -> str:
    """The sentence of `text` that starts with `opening` ('' when there is none)."""
    if opening not in text:
        return ""
    return text.split(opening, 1)[1].split(". ", 1)[0]


def test_every_factor_group_has_words():
    row = ROW | {
        "total_raised_usd": 9e6,
        "age_years": 3.2,
        "n_investors": 2,
        "fra_investors": ["Partech"],
        "region_rate": 0.4,
        "n_models": 1,
    }
    phrases = {g: factor_phrase(g, row) for g in FACTOR_GROUPS}
    assert phrases["funding_recency"].startswith("raised a Series A 8 months ago")
    assert phrases["investors"] == "backed by 2 investors with a 35% portfolio exit rate"
    assert phrases["nexus_investors"] == "French/Emirati investors (Partech, MGX)"
    assert phrases["sector"] == "AI semiconductors"
    assert phrases["location"].startswith("based in France")
    assert phrases["company_age"] == "founded 3 years ago"
    assert all(p and "_" not in p for p in phrases.values()), phrases


def test_money_in_usd_and_eur_at_the_given_rate():
    assert money(7e6) == "USD 7.0M"
    assert money(7e6, 0.9139) == "USD 7.0M / EUR 6.4M"
    assert money(1e6, 0.914) == "USD 1.0M / EUR 914k"
    assert money(2.5e9, 0.5) == "USD 2.5bn / EUR 1.2bn"
    assert money(None, 0.9) == money(0.0, 0.9) == "undisclosed"


def test_points_are_the_probability_the_factor_accounts_for():
    # p = 0.5 with a log-odds effect of ln(3): without it the odds are 1:3, p 0.25
    assert math.isclose(probability_points(0.5, math.log(3)), 25.0)
    assert math.isclose(probability_points(0.5, -math.log(3)), -25.0)
    assert probability_points(0.64, 0.0) == 0.0
    assert points_text(12.4) == "+12 pts" and points_text(-1.2) == "−1 pt"
    assert points_text(0.3) == "<1 pt"


def test_positive_and_negative_factors_go_in_separate_sentences():
    row = ROW | {
        "success_factors": [
            {"factor": "funding_recency", "effect": 0.61},
            {"factor": "location", "effect": -0.4},
            {"factor": "sector", "effect": 0.3},
        ]
    }
    text = rationale(row, eur_per_usd=0.9139)
    assert text.startswith("Score 0.71 (thesis fit 0.85, momentum 0.78, success chance 64%). ")
    pros = sentence(text, "What speaks for it: ")
    cons = sentence(text, "What holds it back: ")
    # the last round carries the model's points: 64% - sigmoid(logit(64%) - 0.61) = 14.9 pts
    assert "raised a Series A 8 months ago (USD 7.0M / EUR 6.4M) (+15 pts)" in pros
    assert "AI semiconductors (+7 pts)" in pros and "French HQ" in pros
    assert "Emirati investors (MGX)" in pros
    # French HQ speaks for it (thesis), the model's location effect holds it back
    assert cons == "companies based in France raise again less often (−9 pts)"
    assert not SIGNED_DECIMAL.search(text), text


def test_a_missing_value_is_never_a_reason_for():
    row = ROW | {
        "n_investors": 0,
        "investor_exit_rate": None,
        "are_investors": [],
        "hq_in_nexus": False,
        "country_code": "USA",
        "success_factors": [
            {"factor": "company_age", "effect": 0.6},  # founding date unknown
            {"factor": "investors", "effect": 0.5},  # no recorded investor
            {"factor": "nexus_investors", "effect": 0.2},  # no French/Emirati investor
        ],
    }
    pros, cons = reasons(row, 0.9)
    assert all(r.factor not in ("company_age", "investors", "nexus_investors") for r in pros)
    texts = [str(r) for r in cons]
    assert "little is known about its founding date (the model reads the gap as +15 pts)" in texts
    assert any(t.startswith("little is known about its investors") for t in texts)
    assert not any("French or Emirati" in str(r) for r in pros + cons)  # dropped
    # the rule itself, factor by factor
    assert missing_value("company_age", row) == "its founding date"
    assert missing_value("investors", row) == "its investors"
    assert missing_value("company_age", row | {"founded_on": date(2012, 1, 1)}) is None
    assert missing_value("location", row | {"country_code": None}) == "its location"
    assert missing_value("funding_amounts", row | {"total_raised_usd": None})
    # a missing value pulling the probability down is said the same way, with its points
    down = row | {"success_factors": [{"factor": "company_age", "effect": -0.6}]}
    assert "little is known about its founding date (−12 pts)" in rationale(down)


def test_old_funding_history_is_said_to_hold_it_back_and_to_be_old():
    row = ROW | {
        "as_of": date(2026, 12, 7),
        "last_round_on": date(2014, 6, 12),
        "days_since_last_round": (date(2026, 12, 7) - date(2014, 6, 12)).days,
        "founded_on": date(2012, 3, 1),
    }
    text = rationale(row, 0.9)
    assert "its last round was 12 years ago (Series A, USD 7.0M / EUR 6.3M)" in sentence(
        text, "What holds it back: "
    )
    assert "raised a Series A" not in text
    facts = sentence(text, "Facts as of 2026-12-07: ")
    assert (
        facts
        == "founded 2012; 2 rounds, the latest on 2014-06-12 (old: 12 years before the scoring date)."
    )
    recent = sentence(rationale(ROW), "Facts as of 2015-12-09: ")
    assert recent == "2 rounds, the latest on 2015-04-10 (current: 8 months old)."


def test_no_success_probability_is_said_plainly():
    epoch_only = {
        "as_of": date(2026, 12, 7),
        "total_score": 0.4,
        "thesis_fit": 0.9,
        "momentum": 0.0,
        "success_probability": None,
        "vertical": "generative_models",
        "n_rounds": 0,
        "n_models": 3,
        "success_factors": None,
    }
    text = rationale(epoch_only, 0.95)
    assert text.startswith("Score 0.40 (thesis fit 0.90, momentum 0.00). ")
    assert "No success probability: no funding round on record." in text
    assert "What speaks for it: generative AI models." in text
    assert "What holds it back" not in text  # said once, plainly
    assert text.endswith(
        "Facts as of 2026-12-07: no funding round on record; 3 AI models on record (Epoch AI, current)."
    )
    assert "pts" not in text and "%" not in text


def test_rationale_carries_the_compute_fit_and_no_log_odds():
    row = ROW | {
        "success_factors": [
            {"factor": "funding_recency", "effect": 0.61},
            {"factor": "investors", "effect": -0.2},
        ],
        "n_top_investors": 2,
        "compute_fit": "fits",
        "campus_training_days": 3.4,
        "max_training_compute_flop": 1.2e24,
    }
    text = rationale(row)
    # the momentum fact 'backed by 2 top-decile investors' speaks for it; the model's view of
    # the investors holds it back, in other words
    assert "backed by 2 top-decile investors" in sentence(text, "What speaks for it: ")
    assert sentence(text, "What holds it back: ") == "its investors' track record (−4 pts)"
    assert "Compute: largest training run 1.2e+24 FLOP ≈ 3.4 days" in text
    assert not SIGNED_DECIMAL.search(text) and "(+0." not in text


def test_with_rationale_passes_the_rate():
    frame = pl.DataFrame([ROW | {"success_factors": []}])
    out = with_rationale(frame, eur_per_usd=0.9139)["rationale"][0]
    assert "(USD 7.0M / EUR 6.4M)" in out
    assert "EUR" not in with_rationale(frame)["rationale"][0]


def test_rationale_says_plainly_when_there_is_no_funding_history():
    row = {"total_score": 0.4, "thesis_fit": 0.7, "momentum": 0.0, "n_rounds": 0}
    row |= {"success_probability": None, "days_since_last_round": None}
    assert "No success probability: no funding round on record." in rationale(row)
    funded_exited = row | {"n_rounds": 2, "last_stage": "seed", "days_since_last_round": 90}
    assert "no funding round on record" not in rationale(funded_exited)


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
        "AI confidence 85%)" in text
    )
    bare = rationale({**row, "vertical_reason": None, "ai_confidence": None})
    assert "AI applications in health;" in bare or "AI applications in health." in bare
