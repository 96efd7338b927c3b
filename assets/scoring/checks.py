"""Score checks: values in range, one row per company, nothing dated after as_of."""

from datetime import date

import dagster as dg

from assets.checks import sql_check
from assets.scoring.assets import company_scores
from pipelines.resources import Warehouse


@dg.asset_check(
    asset=company_scores, blocking=True, description="scores in [0, 1], one row per company"
)
def scores_in_range(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    week = date.fromisoformat(context.partition_key) if context.has_partition_key else None
    with warehouse.connect() as con:
        return sql_check(
            con,
            "SELECT company_id, thesis_fit, momentum, success_probability, total_score "
            "FROM marts.company_scores_history WHERE week_start = coalesce(?, (SELECT max(week_start) FROM marts.company_scores_history)) AND ("
            "thesis_fit NOT BETWEEN 0 AND 1 OR momentum NOT BETWEEN 0 AND 1 OR total_score NOT BETWEEN 0 AND 1 "
            "OR success_probability NOT BETWEEN 0 AND 1 OR thesis_fit IS NULL OR total_score IS NULL "
            "OR company_id IN (SELECT company_id FROM marts.company_scores_history WHERE week_start = coalesce(?, (SELECT max(week_start) FROM marts.company_scores_history)) "
            "GROUP BY ALL HAVING count(*) > 1))",
            "thesis_fit, momentum, success_probability, total_score in [0, 1]; company_id unique per week",
            [week, week],
        )


scoring_checks = [scores_in_range]
