"""Shortlist checks: the GX suite `quality/suites/marts.weekly_shortlist.yaml` on the partition's
week, as `shortlist_well_formed`: the configured size (min(N, eligible)), ranks 1..n in score
order, a rationale on every row, only companies in the three verticals, values in range."""

from typing import Any

from assets.shortlist.assets import weekly_shortlist
from quality.checks import CheckInputs, suite_checks


def shortlist_parameters(inputs: CheckInputs) -> dict[str, Any]:
    """`shortlist_rows`: min(configured size, companies eligible that week: in a vertical, not
    exited, not closed), from that week's scores."""
    eligible = inputs.con.sql(
        "SELECT count(*) FROM marts.company_scores_history WHERE week_start = ? "
        "AND vertical IS NOT NULL AND NOT coalesce(exited, false) AND NOT coalesce(closed, false)",
        params=[inputs.week],
    ).fetchall()[0][0]
    size = inputs.settings.shortlist_size
    return {"shortlist_size": size, "shortlist_rows": min(size, eligible)}


shortlist_checks = suite_checks(weekly_shortlist, parameters=shortlist_parameters)
