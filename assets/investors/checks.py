"""Investor and fund checks: the GX suites `quality/suites/marts.investor_scores.yaml` and
`marts.fund_shortlist.yaml`, on the partition's week: one row per investor, scores and components
in [0, 1], ranks 1..n, nothing dated after as_of; the fund shortlist of the configured size
(min(N, funds that week)) in score order, each row a fund with a rationale."""

from typing import Any

from assets.investors.assets import INVESTOR_SCORES, fund_shortlist
from assets.tables import table_key
from models.investors import fund_lanes
from models.lanes import lane_counts_sql
from quality.checks import CheckInputs, suite_checks


def fund_shortlist_parameters(inputs: CheckInputs) -> dict[str, Any]:
    """`fund_shortlist_rows`: the sum over fund lanes of min(lane size, funds of the lane that
    week), from that week's scores; `fund_shortlist_size`: the sum of the lanes' sizes."""
    lanes = fund_lanes()
    eligible = dict(
        inputs.con.sql(
            lane_counts_sql(
                "(SELECT * FROM marts.investor_scores_history WHERE week_start = ?)",
                lanes,
                "is_fund",
            ),
            params=[inputs.week],
        ).fetchall()
    )
    return {
        "fund_shortlist_size": sum(lane.size for lane in lanes),
        "fund_shortlist_rows": sum(min(lane.size, eligible.get(lane.name, 0)) for lane in lanes),
        "fund_lanes": [lane.name for lane in lanes],
    }


investor_checks = [
    *suite_checks(table_key(INVESTOR_SCORES)),
    *suite_checks(fund_shortlist, parameters=fund_shortlist_parameters),
]
