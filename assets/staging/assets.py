"""Staging layer: typed, conformed provider rows. Bad rows go to `meta.quarantine` with their
reason; every source gets a reconciliation row in `meta.row_accounting`."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from assets.ingest.assets import MAPPED_TABLES, RAW_TABLES, declared_sources
from assets.tables import table_result, table_specs
from transforms.mapped import name_file_columns
from transforms.reference import stage_frame, stage_map_frame
from transforms.sources import SOURCE_KINDS
from transforms.staging import quarantine_sample, register_country_lookup, stage
from warehouse.metadata import markdown_table, table_metadata
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.runs import run_started_on
from warehouse.sql import sql_text
from warehouse.tables import write_frame

SQL_DIR = Path(__file__).parent / "sql"

# staged table -> (raw table, columns holding country text, extra upstream assets)
STAGED = {
    "companies": ("raw.crunchbase_companies", ["country_code"], []),
    "rounds": (
        "raw.crunchbase_rounds",
        [],
        [["staging", "companies"], ["ref", "fx_rates"], ["ref", "round_stage_map"]],
    ),
    "acquisitions": (
        "raw.crunchbase_acquisitions",
        ["acquirer_country_code"],
        [["ref", "fx_rates"]],
    ),
    "investor_edges": ("raw.investor_edges", [], []),
    "epoch_models": ("raw.epoch_models", ["Country (of organization)"], []),
    "epoch_organizations": ("raw.epoch_organizations", ["Country"], []),
    "chip_startups": ("raw.chip_startups", ["Country"], []),
    "chip_exits": ("raw.chip_exits", [], []),
    "epoch_funding_rounds": (
        "raw.epoch_funding_rounds",
        [],
        [["ref", "fx_rates"], ["ref", "round_stage_map"]],
    ),
    "epoch_companies": ("raw.epoch_companies", [], []),
    "analyst_decisions": ("raw.analyst_decisions", [], []),
    # a licensed Crunchbase bulk export: UUID keys; rounds, acquisitions and IPOs join their
    # organisation by uuid (orphans quarantined)
    "bulk_organizations": ("raw.crunchbase_bulk_organizations", ["country_code"], []),
    "bulk_funding_rounds": (
        "raw.crunchbase_bulk_funding_rounds",
        [],
        [["staging", "bulk_organizations"], ["ref", "fx_rates"], ["ref", "round_stage_map"]],
    ),
    "bulk_acquisitions": (
        "raw.crunchbase_bulk_acquisitions",
        [],
        [["staging", "bulk_organizations"], ["ref", "fx_rates"]],
    ),
    "bulk_ipos": ("raw.crunchbase_bulk_ipos", [], [["staging", "bulk_organizations"]]),
    "bulk_investors": ("raw.crunchbase_bulk_investors", ["country_code"], []),
    "bulk_investments": (
        "raw.crunchbase_bulk_investments",
        [],
        [["staging", "bulk_funding_rounds"], ["staging", "bulk_investors"]],
    ),
    # mapped exports (any provider's download through the user's column mapping)
    "mapped_companies": ("raw.mapped_companies", ["country"], []),
    "mapped_rounds": (
        "raw.mapped_rounds",
        ["company_country"],
        [["staging", "mapped_companies"], ["ref", "fx_rates"], ["ref", "round_stage_map"]],
    ),
    "mapped_investments": (
        "raw.mapped_investments",
        ["company_country"],
        [
            ["staging", "mapped_companies"],
            ["staging", "mapped_rounds"],
            ["ref", "fx_rates"],
            ["ref", "round_stage_map"],
        ],
    ),
    "fund_performance": ("raw.fund_performance", [], []),
    "bulk_funds": ("raw.crunchbase_bulk_funds", [], [["ref", "fx_rates"]]),
}


@dg.multi_asset(
    name="round_stage_map",
    specs=table_specs(
        ("ref.round_stage_map", "ref.stages"),
        group_name="staging",
        description="How provider round types and codes map to stages (from "
        "`config/stages.yaml`), and the stage vocabulary with its order and group (`ref.stages`).",
    ),
)
def round_stage_map(warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
    """The stage vocabulary and the provider round types mapped to it (`config/stages.yaml`)."""
    with warehouse.connect() as con:
        write_frame(con, "ref.round_stage_map", stage_map_frame())
        write_frame(con, "ref.stages", stage_frame())
        yield table_result(con, "ref.round_stage_map")
        yield table_result(con, "ref.stages")


def _staged_asset(
    name: str, raw_table: str, country_columns: list[str], extra: list
) -> dg.AssetsDefinition:
    raw_key = dg.AssetKey(raw_table.split("."))
    raw_name = raw_table.split(".")[1]
    kind = SOURCE_KINDS.get(RAW_TABLES.get(raw_name, ""))  # mapped exports: no kind of their own
    attribution = kind.attribution if kind else None

    @dg.asset(
        name=name,
        key_prefix="staging",
        group_name="staging",
        kinds={"duckdb"},
        deps=[raw_key, *(dg.AssetKey(k) for k in extra)],
        description=(
            f"`{raw_table}` typed and conformed: keys lower-cased, dates parsed (impossible ones "
            "NULL and counted), countries ISO alpha-3, amounts numeric. Rows that cannot be staged "
            "are in `meta.quarantine`; `meta.row_accounting` reconciles the counts."
            + (f" Source: {attribution}" if attribution else "")
        ),
    )
    def _asset(
        context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            if country_columns:
                register_country_lookup(con, raw_table, country_columns)
            # dates after the run's load day are implausible (staging serves every week: not the
            # scoring as_of, which may be years back)
            load_day = run_started_on(con, context.run_id)
            counts = stage(
                con, name, raw_table, sql_text(name, SQL_DIR), f"staging.{name}", load_day
            )
            if raw_name in MAPPED_TABLES:  # the ledger names the columns as the file does
                exports = declared_sources(settings).mapped_of(MAPPED_TABLES[raw_name])
                name_file_columns(con, name, exports)
            meta = table_metadata(
                con,
                f"staging.{name}",
                **counts,
                **({"attribution": attribution} if attribution else {}),
                quarantine_sample=dg.MetadataValue.md(markdown_table(quarantine_sample(con, name))),
            )
        return dg.MaterializeResult(metadata=meta)

    return _asset


staged_assets = [_staged_asset(n, *spec) for n, spec in STAGED.items()]
