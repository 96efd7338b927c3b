"""Entity checks: keys unique and present, every provider key mapped once."""

import dagster as dg

from assets.checks import sql_check
from assets.core.assets import companies, investors
from pipelines.resources import Warehouse


@dg.asset_check(asset=companies, blocking=True, description="company_id unique and not null")
def company_id_unique(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        return sql_check(
            con,
            "SELECT company_id, count(*) AS n FROM core.companies GROUP BY company_id "
            "HAVING count(*) > 1 OR company_id IS NULL",
            "company_id is unique and not null",
        )


@dg.asset_check(asset=companies, blocking=True, description="each provider key maps to one company")
def source_keys_unique(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        return sql_check(
            con,
            "SELECT source, source_key, count(*) AS n FROM core.company_source_ids "
            "GROUP BY ALL HAVING count(*) > 1",
            "(source, source_key) is unique",
        )


@dg.asset_check(
    asset=investors, blocking=True, description="investor_id unique; edges point to known investors"
)
def investor_integrity(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        return sql_check(
            con,
            "SELECT investor_id, 'duplicate' AS problem FROM core.investors GROUP BY investor_id HAVING count(*) > 1 "
            "UNION ALL SELECT DISTINCT investor_id, 'edge to unknown investor' FROM core.investments "
            "WHERE investor_id NOT IN (SELECT investor_id FROM core.investors)",
            "investor_id unique; every investment's investor exists",
        )


core_checks = [company_id_unique, source_keys_unique, investor_integrity]
