"""Round drop checks: every row of every delivered file accounted for."""

import dagster as dg

from assets.checks import sql_check
from assets.drops.assets import staging_round_drops
from pipelines.resources import Warehouse


@dg.asset_check(
    asset=staging_round_drops,
    name="rows_reconcile",
    blocking=True,
    description="for each delivered file: rows read = rows staged + rows quarantined + "
    "duplicates collapsed",
)
def round_drops_reconcile(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        return sql_check(
            con,
            "SELECT * FROM meta.row_accounting WHERE starts_with(source, 'round_drops/') "
            "AND NOT reconciled",
            "rows read = staged + quarantined + duplicates collapsed, per delivered file",
        )


drops_checks = [round_drops_reconcile]
