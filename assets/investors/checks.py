"""Investor and fund checks: the GX suites `quality/suites/marts.investor_scores.yaml` and
`marts.fund_shortlist.yaml`, on the partition's week: one row per investor, scores and components
in [0, 1], ranks 1..n, nothing dated after as_of; the fund shortlist of the configured size
(min(N, funds that week)) in score order, each row a fund with a rationale."""

from typing import Any

from assets.investors.assets import fund_shortlist, investor_scores
from quality.checks import CheckInputs, suite_checks
from transforms.investors import load_investor_scoring


def fund_shortlist_parameters(inputs: CheckInputs) -> dict[str, Any]:
    """`fund_shortlist_rows`: min(configured size, funds that week), from that week's scores."""
    funds = inputs.con.sql(
        "SELECT count(*) FROM marts.investor_scores_history WHERE week_start = ? AND is_fund",
        params=[inputs.week],
    ).fetchall()[0][0]
    size = int(load_investor_scoring()["fund_shortlist"]["size"])
    return {"fund_shortlist_size": size, "fund_shortlist_rows": min(size, funds)}


investor_checks = [
    *suite_checks(investor_scores),
    *suite_checks(fund_shortlist, parameters=fund_shortlist_parameters),
]
