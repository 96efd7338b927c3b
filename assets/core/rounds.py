"""Funding rounds and exits: re-derived on their own when a new rounds file is delivered, without
rebuilding the company entities."""

from pathlib import Path

import dagster as dg

from assets.core.assets import companies
from assets.drops.assets import staging_round_drops
from assets.tables import markdown_table, table_metadata
from pipelines.resources import Warehouse
from transforms.sql import sql_text

SQL_DIR = Path(__file__).parent / "sql"


@dg.asset(
    key_prefix="core",
    group_name="entities",
    kinds={"duckdb"},
    deps=[
        companies,
        dg.AssetKey(["staging", "rounds"]),
        dg.AssetKey(["staging", "acquisitions"]),
        staging_round_drops,
    ],
)
def funding_rounds(warehouse: Warehouse) -> dg.MaterializeResult:
    """Every funding round keyed by `company_id`: the main rounds file plus every file delivered
    to the rounds drop folder (`staging.round_drops`). A round delivered twice (same `round_key`)
    counts once, the latest delivery winning. Also writes `core.company_exits`: dated
    acquisitions, and IPOs (evidenced by the first post-IPO round)."""
    with warehouse.connect() as con:
        con.execute(sql_text("funding_rounds", SQL_DIR))
        # counted by file first (few), then named: no join over every round
        by_delivery = con.sql(
            "SELECT coalesce(d._drop, '(main rounds file)') AS delivery, sum(r.n)::BIGINT AS rounds "
            "FROM (SELECT _source_file, count(*) AS n FROM core.funding_rounds GROUP BY ALL) AS r "
            "LEFT JOIN (SELECT DISTINCT _source_file, _drop FROM staging.round_drops) AS d "
            "USING (_source_file) GROUP BY ALL ORDER BY ALL"
        ).pl()
        meta = table_metadata(
            con, "core.funding_rounds", deliveries=dg.MetadataValue.md(markdown_table(by_delivery))
        )
    return dg.MaterializeResult(metadata=meta)
