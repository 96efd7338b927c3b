"""The analysts' decisions on the shortlist: latest known decision per company, passed companies
out unless their score rose by the margin, portfolio apart, future decisions unknown."""

from datetime import date

import polars as pl
import pytest

from models.decisions import (
    DECISION_COLUMNS,
    apply_decisions,
    decision_phrase,
    passed_return_margin,
)

AS_OF = date(2015, 12, 9)
WEEK = date(2015, 12, 7)


def _scores(week: date, scores: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "week_start": [week] * len(scores),
            "as_of": [week + (AS_OF - WEEK)] * len(scores),
            "company_id": list(scores),
            "total_score": list(scores.values()),
        }
    )


def _decisions(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(
        [(*r, "decisions.csv", i + 1) for i, r in enumerate(rows)],
        schema=DECISION_COLUMNS,
        orient="row",
    )


def _decided(decisions: pl.DataFrame, history: pl.DataFrame | None = None, margin: float = 0.05):
    week = _scores(WEEK, {"A": 0.70, "B": 0.60, "C": 0.50, "D": 0.40, "E": 0.30})
    frame = apply_decisions(week, decisions, history if history is not None else week, margin)
    return {r["company_id"]: r for r in frame.iter_rows(named=True)}


def test_watch_and_diligence_stay_with_their_status_and_note():
    rows = _decided(
        _decisions(
            ("A", "watch", "next round", "CM", date(2015, 11, 1)),
            ("B", "in_diligence", "data room", "AA", date(2015, 12, 1)),
        )
    )
    assert rows["A"]["decision_keeps"] and rows["A"]["analyst_status"] == "watch"
    assert rows["A"]["analyst_note"] == "next round"
    assert rows["B"]["decision_keeps"] and rows["B"]["analyst_status"] == "in_diligence"
    assert rows["C"]["analyst_status"] is None and rows["C"]["decision_keeps"]


def test_portfolio_leaves_the_lanes():
    rows = _decided(_decisions(("C", "portfolio", None, None, date(2015, 1, 5))))
    assert rows["C"]["analyst_status"] == "portfolio" and not rows["C"]["decision_keeps"]


def test_passed_leaves_unless_the_score_rose_by_the_margin_since():
    # history: the week of the decision (2015-11-02) scored A at 0.60 and B at 0.58
    history = pl.concat(
        [
            _scores(date(2015, 11, 2), {"A": 0.60, "B": 0.58}),
            _scores(WEEK, {"A": 0.70, "B": 0.60, "C": 0.50, "D": 0.40, "E": 0.30}),
        ]
    )
    decisions = _decisions(
        ("A", "passed", "too early", "CM", date(2015, 11, 4)),  # +0.10 since: back, flagged
        ("B", "passed", None, "CM", date(2015, 11, 4)),  # +0.02 since: stays out
        ("C", "passed", None, "CM", date(2014, 1, 1)),  # no score on record then: stays out
    )
    rows = _decided(decisions, history)
    assert rows["A"]["decision_keeps"] and rows["A"]["back_after_pass"]
    assert rows["A"]["score_at_decision"] == pytest.approx(0.60)
    assert not rows["B"]["decision_keeps"] and not rows["B"]["back_after_pass"]
    assert not rows["C"]["decision_keeps"] and rows["C"]["score_at_decision"] is None
    # a larger margin keeps A out too
    rows = _decided(decisions, history, margin=0.15)
    assert not rows["A"]["decision_keeps"]
    assert decision_phrase(_decided(decisions, history)["A"]) == (
        "Back after a pass on 2015-11-04 (CM): score 0.60 then, 0.70 now."
    )


def test_the_latest_decision_wins_and_a_future_one_is_not_known_yet():
    rows = _decided(
        _decisions(
            ("A", "passed", None, None, date(2015, 6, 1)),
            ("A", "in_diligence", "reopened", None, date(2015, 11, 30)),
            ("B", "watch", None, None, date(2015, 11, 1)),
            ("B", "portfolio", "signed", None, date(2015, 12, 20)),  # after as_of: not known
            ("D", "portfolio", None, None, date(2015, 12, 10)),  # the day after as_of
            (None, "portfolio", None, None, date(2015, 1, 1)),  # unmatched: never applied
        )
    )
    assert rows["A"]["analyst_status"] == "in_diligence" and rows["A"]["decision_keeps"]
    assert rows["B"]["analyst_status"] == "watch" and rows["B"]["decision_keeps"]
    assert rows["D"]["analyst_status"] is None and rows["D"]["decision_keeps"]
    assert sum(r["analyst_status"] == "portfolio" for r in rows.values()) == 0


def test_the_margin_is_read_from_the_thesis():
    assert passed_return_margin({"analyst_decisions": {"passed_return_margin": 0.1}}) == 0.1
    assert passed_return_margin({}) == 0.05
    with pytest.raises(ValueError, match="passed_return_margin"):
        passed_return_margin({"analyst_decisions": {"passed_return_margin": -1}})
