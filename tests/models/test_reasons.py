"""Why a mart is empty or short, in words: each reason from the counts that decide it."""

from datetime import date

import polars as pl

from models.reasons import (
    company_scores_reason,
    fund_shortlist_reason,
    investor_scores_reason,
    shortlist_reason,
    success_model_reason,
)

AS_OF = date(2026, 12, 7)


def investors(*reasons: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"is_fund": [r.startswith("fund") for r in reasons], "fund_reason": list(reasons)},
        schema={"is_fund": pl.Boolean, "fund_reason": pl.String},
    )


def test_investor_scores_reason():
    assert investor_scores_reason(True, 3, AS_OF) is None
    assert investor_scores_reason(False, 0, AS_OF) == "no investor edges declared in the sources"
    assert (
        investor_scores_reason(True, 0, AS_OF) == "no investor edge dated on or before 2026-12-07"
    )


def test_fund_shortlist_reason_says_which_rule_left_no_fund():
    inactive = "not a fund: no investment in 36 months"
    assert fund_shortlist_reason(investors(inactive, inactive, "not a fund: x"), 25, AS_OF) == (
        "no fund invested in the 36 months before 2026-12-07 "
        "(2 investors would count as funds but for that)"
    )
    small = "not a fund: fewer than 5 portfolio companies"
    words = "not a fund: no fund word in the name"
    assert fund_shortlist_reason(investors(small, small, words), 25, AS_OF) == (
        "no investor passes the fund rule: fewer than 5 portfolio companies (2); "
        "no fund word in the name (1)"
    )
    assert fund_shortlist_reason(investors(), 25, AS_OF, "no investor edges declared") == (
        "no investor scored this week: no investor edges declared"
    )


def test_fund_shortlist_reason_short_and_full():
    funds = investors("fund: name", "fund: name", "fund: curated", "not a fund: x")
    assert fund_shortlist_reason(funds, 25, AS_OF) == "3 funds, fewer than the 25 asked"
    assert fund_shortlist_reason(investors("fund: name"), 25, AS_OF) == (
        "1 fund, fewer than the 25 asked"
    )
    assert fund_shortlist_reason(funds, 3, AS_OF) is None


def test_shortlist_reason():
    assert shortlist_reason(100, 40, 30, 25) is None
    assert shortlist_reason(100, 40, 3, 25) == "3 eligible companies, fewer than the 25 asked"
    assert shortlist_reason(100, 40, 1, 25) == "1 eligible company, fewer than the 25 asked"
    assert shortlist_reason(0, 0, 0, 25) == "no company scored this week"
    assert shortlist_reason(8, 0, 0, 25) == "no company in any of the three verticals (8 scored)"
    assert shortlist_reason(8, 2, 0, 25) == (
        "no eligible company: the 2 in a vertical have exited or closed"
    )


def test_company_scores_and_model_reasons():
    assert company_scores_reason(5, AS_OF) is None
    assert company_scores_reason(0, AS_OF).startswith("no company known on or before 2026-12-07")
    assert success_model_reason(None) is None
    assert success_model_reason("1 training rows with 0 positives: too few to fit") == (
        "no success model fitted: 1 training rows with 0 positives: too few to fit; "
        "success_probability is NULL this week"
    )
