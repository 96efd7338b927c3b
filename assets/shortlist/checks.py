"""Shortlist checks: the GX suite `quality/suites/marts.weekly_shortlist.yaml` on the partition's
week, as `shortlist_well_formed`: each lane of the configured size (min(size, eligible in the
lane)), ranks 1..n in score order, a rationale on every row, only companies the shortlist's rules
let in (`models.lanes.shortlist_rules_sql`: the same predicate the shortlist applies), values in
range."""

from datetime import date
from typing import Any

import duckdb

from assets.shortlist.assets import lane_eligible, weekly_shortlist
from assets.shortlist.changes import SHORTLIST, shortlist_changes
from models.decisions import PORTFOLIO_LANE
from models.lanes import shortlist_rules_sql
from models.score_store import SCORE_TABLES
from models.scoring import company_lanes
from models.thesis import load_thesis
from quality.checks import CheckInputs, suite_checks


def eligible_listed(con: duckdb.DuckDBPyConnection, thesis: dict, week: date) -> list[str]:
    """The companies listed that week whose scores of the week pass the shortlist's rules."""
    rows = con.sql(
        f"SELECT company_id FROM {SCORE_TABLES.history} WHERE week_start = ? AND ({shortlist_rules_sql(thesis)}) "
        f"AND company_id IN (SELECT company_id FROM {SHORTLIST} WHERE week_start = ?) "
        "ORDER BY company_id",
        params=[week, week],
    ).fetchall()
    return [r[0] for r in rows]


def shortlist_parameters(inputs: CheckInputs) -> dict[str, Any]:
    """`shortlist_rows`: the sum over lanes of min(lane size, companies of the lane eligible that
    week under the shortlist's rules, less those the analysts passed or hold in portfolio), from
    that week's scores, plus the portfolio companies listed apart; `shortlist_size`: the sum of
    the lanes' sizes plus those; `lanes`: the lane names and `portfolio`; `eligible_listed`: the
    listed companies that the shortlist's rules let in (`eligible_listed`)."""
    thesis = load_thesis()
    lanes = company_lanes(thesis, inputs.settings.shortlist_size)
    eligible, portfolio = lane_eligible(inputs.con, thesis, lanes, inputs.week)
    return {
        "eligible_listed": eligible_listed(inputs.con, thesis, inputs.week),
        "shortlist_size": sum(lane.size for lane in lanes) + portfolio,
        "shortlist_rows": sum(min(lane.size, eligible.get(lane.name, 0)) for lane in lanes)
        + portfolio,
        "lanes": [lane.name for lane in lanes] + [PORTFOLIO_LANE],
    }


def changes_parameters(inputs: CheckInputs) -> dict[str, Any]:
    """`lanes`: the shortlist's lane names and `portfolio`."""
    lanes = company_lanes(load_thesis(), inputs.settings.shortlist_size)
    return {"lanes": [lane.name for lane in lanes] + [PORTFOLIO_LANE]}


shortlist_checks = [
    *suite_checks(weekly_shortlist, parameters=shortlist_parameters),
    *suite_checks(shortlist_changes, parameters=changes_parameters),
]
