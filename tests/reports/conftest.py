"""A small week built by hand: three lanes, an awkward company name, a backtest."""

from datetime import date

import polars as pl
import pytest

from models.investors import fund_lanes
from models.scoring import company_lanes
from reports.data import PackData

WEEK = date(2026, 11, 2)
AS_OF = date(2026, 11, 4)
NASTY = '<script>alert("x")</script> & Söhne "Labs"'


def shortlist_frame() -> pl.DataFrame:
    rows = [
        ("france", 1, "Mistral AI", 0.9299999999999999, "https://mistral.ai", "Paris", 2023),
        ("france", 2, NASTY, 0.61234567, "javascript:alert(1)", "Lyon", None),
        ("uae", 1, "G42", 0.5, "https://www.crunchbase.com/organization/g42", None, 2018),
        ("bridge", 1, "Pix4D", 0.41, None, "Lausanne", 2011),
    ]
    return pl.DataFrame(
        {
            "week_start": [WEEK] * len(rows),
            "lane": [r[0] for r in rows],
            "lane_rank": [r[1] for r in rows],
            "rank": [1, 2, 3, 4],
            "company_id": [f"C{i}" for i in range(len(rows))],
            "name": [r[2] for r in rows],
            "total_score": [r[3] for r in rows],
            "rationale": ["Score 0.93 − because. " * 8] * len(rows),
            "country_code": ["FRA", "FRA", "ARE", "CHE"],
            "city": [r[5] for r in rows],
            "founded_year": pl.Series([r[6] for r in rows], dtype=pl.Int32),
            "link": [r[4] for r in rows],
            "vertical": ["generative_models", "sector_applications", "generative_models", None],
            "sector": [None, "health", None, None],
            "success_probability": [0.4912345, None, 0.3, 0.2],
            "total_raised_usd": [2_000_000_000.4, None, 12_345.678, 1.0],
            "fra_investors": [["Bpifrance", "Xavier Niel"], [], [], ["Partech"]],
            "are_investors": [[], [], ["MGX"], []],
            "last_round_on": [date(2025, 9, 9), None, None, date(2015, 1, 1)],
            "as_of": [AS_OF] * len(rows),
        }
    )


def backtest_frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    cutoffs = [date(2012, 12, 5), date(2013, 12, 5)]
    results = pl.DataFrame(
        [
            {
                "week_start": WEEK,
                "cutoff": c,
                "method": m,
                "n": 1000,
                "base_rate": 0.25,
                "precision_at_25": p,
                "precision_at_50": p - 0.02,
                "precision_at_100": p - 0.04,
                "auc_roc": 0.79,
            }
            for c in cutoffs
            for m, p in (("model", 0.88), ("most_active", 0.72), ("random", 0.24))
        ]
    )
    calibration = pl.DataFrame(
        {
            "week_start": [WEEK] * 3,
            "cutoff": [cutoffs[0]] * 3,
            "bin": [0, 1, 2],
            "mean_predicted": [0.1, 0.4, 0.8],
            "observed_rate": [0.12, 0.35, 0.7],
            "count": [50, 30, 20],
        }
    )
    lanes = pl.DataFrame(
        {
            "week_start": [WEEK] * 3,
            "cutoff": [cutoffs[1]] * 3,
            "lane": ["france", "uae", "bridge"],
            "n_candidates": [40, 2, 30],
            "n_listed": [25, 2, 25],
            "hits": [12, 1, 10],
            "hit_rate": [0.48, 0.5, 0.4],
            "naive_hit_rate": [0.44, 0.5, 0.36],
            "lane_base_rate": [0.3, 0.5, 0.25],
        }
    )
    return results, calibration, lanes


def funds_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "week_start": [WEEK, WEEK],
            "lane": ["france", "international"],
            "lane_rank": [1, 1],
            "rank": [1, 2],
            "investor_id": ["I1", "I2"],
            "name": ["Partech", "Accel"],
            "fund_score": [0.7512345, 0.7],
            "rationale": ["Fund score 0.75.", "Fund score 0.70."],
            "country_code": ["FRA", "USA"],
            "fra_coinvestors": [["Elaia"], []],
        }
    )


@pytest.fixture
def pack_data() -> PackData:
    results, calibration, lanes = backtest_frames()
    return PackData(
        week=WEEK,
        company_lanes=company_lanes(),
        fund_lanes=fund_lanes(),
        shortlist=shortlist_frame(),
        funds=funds_frame(),
        changes=None,
        shortlist_backtest=lanes,
        success_backtest=results,
        calibration=calibration,
    )
