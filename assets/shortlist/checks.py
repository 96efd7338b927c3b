"""Shortlist checks: the configured size, ranks 1..n, only eligible companies."""

from datetime import date

import dagster as dg

from assets.checks import sql_check
from assets.shortlist.assets import weekly_shortlist
from pipelines.resources import DealflowSettings, Warehouse


@dg.asset_check(
    asset=weekly_shortlist,
    blocking=True,
    description="size as configured, ranks 1..n, eligible rows only",
)
def shortlist_well_formed(
    context: dg.AssetCheckExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.AssetCheckResult:
    week = date.fromisoformat(context.partition_key)
    with warehouse.connect() as con:
        return sql_check(
            con,
            """
            WITH s AS (SELECT * FROM marts.weekly_shortlist WHERE week_start = $week),
            eligible AS (SELECT count(*) AS n FROM marts.company_scores_history
                         WHERE week_start = $week AND vertical IS NOT NULL AND NOT exited AND NOT closed)
            SELECT 'size' AS problem, (SELECT count(*) FROM s) AS value FROM eligible
            WHERE (SELECT count(*) FROM s) <> least($size, n)
            UNION ALL
            SELECT 'ranks not 1..n', count(*) FROM s HAVING count(DISTINCT rank) <> count(*) OR max(rank) <> count(*)
            UNION ALL
            SELECT 'blank rationale', count(*) FROM s WHERE coalesce(rationale, '') = '' HAVING count(*) > 0
            """,
            "shortlist has min(N, eligible) rows ranked 1..n, each with a rationale",
            {"week": week, "size": settings.shortlist_size},
        )


shortlist_checks = [shortlist_well_formed]
