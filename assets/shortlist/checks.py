"""Shortlist checks: the GX suite `quality/suites/marts.weekly_shortlist.yaml` on the partition's
week, as `shortlist_well_formed`: each lane of the configured size (min(size, eligible in the
lane)), ranks 1..n in score order, a rationale on every row, only companies in the three verticals,
values in range."""

from typing import Any

from assets.scoring.assets import HISTORY
from assets.shortlist.assets import weekly_shortlist
from models.lanes import lane_counts_sql
from models.scoring import company_lanes, shortlist_rules_sql
from models.thesis import load_thesis
from quality.checks import CheckInputs, suite_checks


def shortlist_parameters(inputs: CheckInputs) -> dict[str, Any]:
    """`shortlist_rows`: the sum over lanes of min(lane size, companies of the lane eligible that
    week under the shortlist's rules), from that week's scores; `shortlist_size`: the sum of the
    lanes' sizes; `lanes`: the lane names."""
    thesis = load_thesis()
    lanes = company_lanes(thesis, inputs.settings.shortlist_size)
    eligible = dict(
        inputs.con.sql(
            lane_counts_sql(
                f"(SELECT * FROM {HISTORY} WHERE week_start = ?)",
                lanes,
                shortlist_rules_sql(thesis),
            ),
            params=[inputs.week],
        ).fetchall()
    )
    return {
        "shortlist_size": sum(lane.size for lane in lanes),
        "shortlist_rows": sum(min(lane.size, eligible.get(lane.name, 0)) for lane in lanes),
        "lanes": [lane.name for lane in lanes],
    }


shortlist_checks = suite_checks(weekly_shortlist, parameters=shortlist_parameters)
