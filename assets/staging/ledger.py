"""The staging ledger: every staging step (and each delivered rounds file) appends its rejected
rows, nulled values and row reconciliation to three `meta` tables; their owner asset, downstream
of every writer, reports them whole."""

from collections.abc import Iterator

import dagster as dg

from assets.drops.assets import staging_round_drops
from assets.staging.assets import staged_assets
from assets.tables import table_result, table_spec
from transforms.staging import LEDGER_TABLES, create_ledger_tables
from warehouse.metadata import markdown_table
from warehouse.resources import Warehouse

LEDGER_WRITERS = [*(a.key for a in staged_assets), staging_round_drops.key]
QUARANTINE, VALUE_ISSUES, ROW_ACCOUNTING = LEDGER_TABLES
# what the UI shows of each table, beside its preview
SUMMARIES = {
    QUARANTINE: f"SELECT source, reason, count(*) AS n_rows FROM {QUARANTINE} GROUP BY ALL",
    VALUE_ISSUES: f"SELECT source, issue, count(*) AS n_values FROM {VALUE_ISSUES} GROUP BY ALL",
    ROW_ACCOUNTING: "SELECT source, rows_read, rows_staged, rows_quarantined, "
    f"duplicates_collapsed, reconciled FROM {ROW_ACCOUNTING}",
}


@dg.multi_asset(
    name="staging_ledger",
    specs=[table_spec(t, group_name="staging", deps=LEDGER_WRITERS) for t in LEDGER_TABLES],
)
def staging_ledger(warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
    """The rows every staging step could not stage, the values it set to NULL, and its row
    reconciliation, reported once all staging steps have written theirs."""
    with warehouse.connect() as con:
        create_ledger_tables(con)
        for table in LEDGER_TABLES:
            summary = con.sql(f"SELECT * FROM ({SUMMARIES[table]}) ORDER BY ALL").pl()
            yield table_result(con, table, summary=dg.MetadataValue.md(markdown_table(summary)))
