"""Every warehouse table an analyst can query is an asset whose key is the table's name
(`core.investments` is `core/investments`): a step that writes several tables declares one spec
per table (`@dg.multi_asset(specs=[table_spec(...), ...])`) and reports each with
`table_result`, so the lineage in the UI names every table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import dagster as dg
import duckdb

from warehouse.catalog import load_catalog
from warehouse.metadata import table_metadata


def table_key(table: str) -> dg.AssetKey:
    """The asset key of table `schema.name`: `schema/name`."""
    return dg.AssetKey(table.split("."))


def table_name(key: dg.AssetKey) -> str:
    """The table of asset key `schema/name`: `schema.name`."""
    return ".".join(key.path)


def table_spec(
    table: str,
    *,
    group_name: str,
    deps: Iterable = (),
    kinds: set[str] | None = None,
    partitions_def: dg.PartitionsDefinition | None = None,
    description: str | None = None,
) -> dg.AssetSpec:
    """The spec of table `schema.name`, described for the analyst by `description` or else its
    entry in `config/catalog.yaml` (the text its comment carries in the replica)."""
    text = description or (load_catalog().get(table) or {}).get("table")
    return dg.AssetSpec(
        key=table_key(table),
        group_name=group_name,
        deps=list(deps),
        kinds=kinds or {"duckdb"},
        partitions_def=partitions_def,
        description=text,
    )


def table_specs(
    tables: Sequence[str],
    *,
    group_name: str,
    description: str,
    deps: Iterable = (),
    kinds: set[str] | None = None,
    partitions_def: dg.PartitionsDefinition | None = None,
) -> list[dg.AssetSpec]:
    """The specs of the tables one step writes from the same inputs: its own table first,
    described by `description` (and of `kinds`), then those it writes beside it, described by
    the catalog."""
    own, *others = tables
    common = {"group_name": group_name, "deps": deps, "partitions_def": partitions_def}
    return [
        table_spec(own, kinds=kinds, description=description, **common),
        *[table_spec(t, **common) for t in others],
    ]


def table_result(
    con: duckdb.DuckDBPyConnection, table: str, week: date | None = None, **extra: object
) -> dg.MaterializeResult:
    """The materialization of table `table` with its `table_metadata` (row count, schema,
    preview of `week`'s rows, `extra`)."""
    return dg.MaterializeResult(
        asset_key=table_key(table), metadata=table_metadata(con, table, week, **extra)
    )
