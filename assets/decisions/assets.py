"""The analysts' decisions (watch, in diligence, passed, portfolio) matched to companies."""

from pathlib import Path

import dagster as dg

from assets.core.assets import COMPANIES
from warehouse.metadata import markdown_table, table_metadata
from warehouse.resources import Warehouse
from warehouse.sql import sql_text

SQL_DIR = Path(__file__).parent / "sql"


@dg.asset(
    key_prefix="core",
    group_name="entities",
    kinds={"duckdb"},
    deps=[dg.AssetKey(["staging", "analyst_decisions"]), COMPANIES],
)
def analyst_decisions(warehouse: Warehouse) -> dg.MaterializeResult:
    """The analysts' decisions file (`analyst_decisions:` in the sources YAML, CSV or Excel), one
    row per staged decision, matched to a company: by provider key, else web domain, else
    normalised name (the first way that finds exactly one company). A row no way matches stays
    here with `company_id` NULL and `unmatched_reason` (the metadata lists them; the warning check
    `analyst_decisions_warnings` flags them): nothing is dropped silently. Rows with a blank
    company, an unknown status or no readable date are in `meta.quarantine`. The weekly shortlist
    reads the latest decision per company dated on or before its `as_of`."""
    with warehouse.connect() as con:
        con.execute(sql_text("analyst_decisions", SQL_DIR))
        by_way = con.sql(
            "SELECT coalesce(matched_by, 'unmatched') AS matched_by, status, count(*) AS decisions "
            "FROM core.analyst_decisions GROUP BY ALL ORDER BY ALL"
        ).pl()
        unmatched = con.sql(
            "SELECT _source_row AS row, company, status, unmatched_reason "
            "FROM core.analyst_decisions WHERE company_id IS NULL ORDER BY _source_row LIMIT 20"
        ).pl()
        quarantined = con.sql(
            "SELECT source_row AS row, column_name, raw_value, reason FROM meta.quarantine "
            "WHERE source = 'analyst_decisions' ORDER BY source_row LIMIT 20"
        ).pl()
        n_unmatched = con.sql(
            "SELECT count(*) FROM core.analyst_decisions WHERE company_id IS NULL"
        ).fetchall()[0][0]
        meta = table_metadata(
            con,
            "core.analyst_decisions",
            matches=dg.MetadataValue.md(markdown_table(by_way)),
            unmatched=dg.MetadataValue.int(int(n_unmatched)),
            unmatched_rows=dg.MetadataValue.md(markdown_table(unmatched)),
            quarantined_rows=dg.MetadataValue.md(markdown_table(quarantined)),
        )
    return dg.MaterializeResult(metadata=meta)
