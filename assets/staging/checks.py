"""Staging checks: every input row accounted for."""

import dagster as dg

from assets.checks import sql_check
from assets.staging.assets import STAGED
from warehouse.resources import Warehouse


def _reconciliation_check(name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["staging", name]),
        name="rows_reconcile",
        blocking=True,
        description="rows read = rows staged + rows quarantined + duplicates collapsed",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            return sql_check(
                con,
                "SELECT * FROM meta.row_accounting WHERE source = ? AND NOT reconciled",
                "rows read = staged + quarantined + duplicates collapsed",
                [name],
            )

    return _check


staging_checks = [_reconciliation_check(n) for n in STAGED]
