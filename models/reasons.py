"""Why a mart is empty or shorter than asked, in words an analyst reads in the asset's metadata
(`empty_reason`). Each function returns None when the mart has what was asked of it.

Free of Dagster: the assets count, these functions say what the counts mean.
"""

from __future__ import annotations

from datetime import date

import polars as pl

INACTIVE_PREFIX = "not a fund: no investment in"


def company_scores_reason(companies: int, as_of: date) -> str | None:
    """`marts.company_scores`: every company known at as_of gets a row."""
    if companies:
        return None
    return f"no company known on or before {as_of} (founded, or with a dated fact, by then)"


def success_model_reason(skipped_reason: str | None) -> str | None:
    """`marts.success_models` (and the probabilities of `marts.company_scores`): the fit's own
    reason when no model could be fitted."""
    if skipped_reason is None:
        return None
    return f"no success model fitted: {skipped_reason}; success_probability is NULL this week"


def investor_scores_reason(edges_declared: bool, investors: int, as_of: date) -> str | None:
    """`marts.investor_scores`: one row per investor with an edge dated on or before as_of."""
    if investors:
        return None
    if not edges_declared:
        return "no investor edges declared in the sources"
    return f"no investor edge dated on or before {as_of}"


def fund_shortlist_reason(
    scores: pl.DataFrame, size: int, as_of: date, investors_reason: str | None = None
) -> str | None:
    """`marts.fund_shortlist`: the top `size` funds of the week. `scores` holds the week's
    investor scores (`is_fund`, `fund_reason`); `investors_reason` says why there are none."""
    funds = int(scores["is_fund"].sum()) if scores.height else 0
    if funds >= size:
        return None
    if funds:
        return f"{funds} fund{'s' if funds > 1 else ''}, fewer than the {size} asked"
    if scores.is_empty():
        return "no investor scored this week" + (
            f": {investors_reason}" if investors_reason else ""
        )
    reasons = scores.group_by("fund_reason").len().sort(["len", "fund_reason"], descending=True)
    inactive = reasons.filter(pl.col("fund_reason").str.starts_with(INACTIVE_PREFIX))
    if not inactive.is_empty():
        months = inactive["fund_reason"][0].removeprefix(INACTIVE_PREFIX).strip()
        n = int(inactive["len"].sum())
        return (
            f"no fund invested in the {months} before {as_of} ({n} investor"
            f"{'s' if n > 1 else ''} would count as funds but for that)"
        )
    top = "; ".join(
        f"{r['fund_reason'].removeprefix('not a fund: ')} ({r['len']})"
        for r in reasons.head(3).iter_rows(named=True)
    )
    return f"no investor passes the fund rule: {top}"


def shortlist_reason(scored: int, in_vertical: int, eligible: int, size: int) -> str | None:
    """`marts.weekly_shortlist`: the top `size` eligible companies (in a vertical, not exited or
    closed) of the `scored` ones, `in_vertical` of which are in one of the three verticals."""
    if eligible >= size:
        return None
    if eligible:
        return f"{eligible} eligible compan{'ies' if eligible > 1 else 'y'}, fewer than the {size} asked"
    if not scored:
        return "no company scored this week"
    if not in_vertical:
        return f"no company in any of the three verticals ({scored} scored)"
    return f"no eligible company: the {in_vertical} in a vertical have exited or closed"
