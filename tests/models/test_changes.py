"""Last week's changes: new, dropped, up, down, same inside the lane, a lane change said, and the
reason in words (the component that moved most, and the factor inside it)."""

from datetime import date

import polars as pl

from models.changes import compare_weeks, movement_reason
from models.thesis import load_thesis

THESIS = load_thesis()
WEEK, BEFORE = date(2015, 12, 7), date(2015, 11, 30)


def _score(company_id: str, **values) -> dict:
    base = {
        "company_id": company_id,
        "total_score": 0.5,
        "thesis_fit": 0.6,
        "momentum": 0.5,
        "success_probability": 0.3,
        "vertical_fit": 1.0,
        "sector_fit": 1.0,
        "stage_fit": 0.8,
        "nexus_score": 0.6,
        "vertical": "sector_applications",
        "sector": "health",
        "last_stage": "seed",
        "last_round_on": date(2015, 3, 1),
        "last_round_usd": 1e6,
        "n_rounds": 1,
        "n_rounds_24m": 1,
        "fra_investors": [],
        "are_investors": [],
        "success_factors": [{"factor": "funding_recency", "effect": 0.2}],
        "exited": False,
        "closed": False,
        "ai_confidence": 0.8,
        "scope_lane": "france",
        "analyst_status": None,
    }
    return base | values


def _listed(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "lane": pl.String,
            "lane_rank": pl.Int64,
            "company_id": pl.String,
            "name": pl.String,
            "total_score": pl.Float64,
        },
        orient="row",
    )


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


def test_moves_inside_a_lane():
    previous = _listed(
        ("france", 1, "A", "Alpha", 0.80),
        ("france", 2, "B", "Beta", 0.70),
        ("france", 3, "C", "Gamma", 0.60),
        ("france", 4, "D", "Delta", 0.50),
    )
    current = _listed(
        ("france", 1, "B", "Beta", 0.85),
        ("france", 2, "A", "Alpha", 0.80),
        ("france", 3, "C", "Gamma", 0.60),
        ("france", 4, "E", "Epsilon", 0.55),
    )
    before = [
        _score("A", total_score=0.80),
        _score("B", total_score=0.70, momentum=0.40),
        _score("C", total_score=0.60),
        _score("D", total_score=0.50),
        _score("E", total_score=0.45, momentum=0.3),
    ]
    now = [
        _score("A", total_score=0.80),
        _score(
            "B",
            total_score=0.85,
            momentum=0.90,
            last_round_on=date(2015, 10, 1),
            last_stage="series_a",
            last_round_usd=7e6,
        ),
        _score("C", total_score=0.60),
        _score("D", total_score=0.49),
        _score("E", total_score=0.55, momentum=0.63, n_rounds_24m=2),
    ]
    rows = compare_weeks(current, previous, _frame(now), _frame(before), THESIS, WEEK, BEFORE)
    by_id = {r["company_id"]: r for r in rows.iter_rows(named=True)}
    assert {k: v["change"] for k, v in by_id.items()} == {
        "A": "down",
        "B": "up",
        "C": "same",
        "D": "dropped",
        "E": "new",
    }
    assert (by_id["B"]["rank"], by_id["B"]["previous_rank"]) == (1, 2)
    assert by_id["B"]["reason"] == "momentum up 0.50: a new Series A (USD 7.0M) on 2015-10-01"
    assert by_id["A"]["reason"].startswith("score unchanged (0.80); a company rose above it")
    assert by_id["C"]["reason"] == "score unchanged (0.60)"
    assert by_id["D"]["rank"] is None and by_id["D"]["previous_rank"] == 4
    assert by_id["D"]["reason"].startswith("score 0.49 below the cut of the france lane, 0.55")
    assert by_id["E"]["previous_rank"] is None
    assert by_id["E"]["reason"] == "momentum up 0.33: 2 rounds in 24 months (was 1)"
    assert rows["week_start"].unique().to_list() == [WEEK]
    assert rows["previous_week_start"].unique().to_list() == [BEFORE]


def test_a_lane_change_is_said_and_a_dropped_company_says_why_it_left():
    previous = _listed(
        ("bridge", 1, "A", "Alpha", 0.80),
        ("france", 1, "P", "Passed", 0.70),
        ("france", 2, "X", "Exited", 0.65),
        ("france", 3, "V", "Vertical", 0.60),
        ("uae", 1, "O", "Owned", 0.75),
    )
    current = _listed(("france", 1, "A", "Alpha", 0.86), ("portfolio", 1, "O", "Owned", 0.75))
    now = [
        _score(
            "A",
            total_score=0.86,
            thesis_fit=0.75,
            nexus_score=1.0,
            fra_investors=["Partech"],
        ),
        _score(
            "P",
            total_score=0.70,
            analyst_status="passed",
            analyst_decided_on=date(2015, 12, 1),
            analyst_note="too early",
        ),
        _score("X", exited=True),
        _score("V", vertical=None, ai_confidence=0.42),
        _score(
            "O",
            total_score=0.75,
            analyst_status="portfolio",
            analyst_decided_on=date(2015, 12, 2),
        ),
    ]
    before = [_score("A", total_score=0.80, nexus_score=0.6), *now[1:]]
    rows = compare_weeks(current, previous, _frame(now), _frame(before), THESIS, WEEK, BEFORE)
    by_id = {r["company_id"]: r for r in rows.iter_rows(named=True)}
    alpha = by_id["A"]
    assert alpha["change"] == "new" and alpha["previous_lane"] == "bridge"
    assert alpha["reason"] == (
        "changed lane: bridge → france; thesis fit up 0.15: new French/Emirati investor(s) "
        "on the cap table: Partech"
    )
    assert by_id["O"]["reason"] == (
        "changed lane: uae → portfolio; moved to the portfolio on 2015-12-02"
    )
    assert by_id["P"]["reason"] == "analysts passed on 2015-12-01 (too early)"
    assert by_id["X"]["reason"] == "exited (acquired or listed) by as_of"
    assert by_id["V"]["reason"] == "left the verticals (AI confidence 0.42)"
    assert {r["change"] for r in rows.iter_rows(named=True) if r["company_id"] in "PXV"} == {
        "dropped"
    }


def test_success_moves_in_points_with_the_factor_that_moved():
    before = _score("A", success_probability=0.30)
    now = _score(
        "A",
        success_probability=0.42,
        success_factors=[{"factor": "investors", "effect": 0.5}],
        n_investors=4,
        n_top_investors=2,
    )
    assert movement_reason(now, before, THESIS) == (
        "success chance up 12 pts: backed by 4 investors (2 top-decile) "
        "(read more favourably by the model)"
    )


def test_no_previous_rows_means_every_company_is_new():
    current = _listed(("france", 1, "A", "Alpha", 0.8))
    rows = compare_weeks(
        current, current.clear(), _frame([_score("A")]), _frame([]), THESIS, WEEK, BEFORE
    )
    assert rows["change"].to_list() == ["new"] and rows["reason"][0] == "first scored this week"
