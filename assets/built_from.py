"""What an asset's tables were built from, as Dagster's event log tells it.

An asset that can update its tables instead of rebuilding them (after new rounds only) saves,
in the transaction that writes them, the latest materialization of each of its upstream assets
(run id and event-log id; for a partitioned upstream, the event-log id of each partition) and a
hash of its SQL (`state.built_from`, never published). On its next run it compares them with the
event log: an equal upstream asset means an unchanged table, a new or re-materialized partition
names the only rows to look at. An upstream asset with no materialization in this instance (its
table came from elsewhere) makes the asset rebuild everything.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import dagster as dg
import duckdb

from warehouse.tables import state_table, table_exists

BUILT_FROM = state_table("built_from")


@dataclass(frozen=True)
class Upstream:
    """The materializations an asset's tables are (or would now be) built from."""

    code: str
    assets: dict[str, str]
    partitions: dict[str, int] = field(default_factory=dict)

    def changed_partitions(self, before: "Upstream") -> set[str]:
        """Partitions materialized since `before`, or gone since."""
        keys = self.partitions.keys() | before.partitions.keys()
        return {k for k in keys if self.partitions.get(k) != before.partitions.get(k)}


def upstream_now(
    instance: dg.DagsterInstance,
    assets: Iterable[dg.AssetKey],
    code: Iterable[str],
    partitioned: dg.AssetKey | None = None,
) -> Upstream | None:
    """The latest materialization of each of `assets` (and of each partition of
    `partitioned`), with a hash of `code` (the SQL texts that build the tables); None when one of
    `assets` has no materialization in `instance`."""
    latest = {}
    for key in assets:
        records = instance.fetch_materializations(key, limit=1).records
        if not records:
            return None
        latest[key.to_user_string()] = f"{records[0].run_id}/{records[0].storage_id}"
    partitions = (
        dict(
            instance.get_latest_storage_id_by_partition(
                partitioned, dg.DagsterEventType.ASSET_MATERIALIZATION
            )
        )
        if partitioned is not None
        else {}
    )
    digest = hashlib.sha256("\n".join(code).encode()).hexdigest()
    return Upstream(digest, latest, partitions)


def saved_upstream(con: duckdb.DuckDBPyConnection, asset: str) -> Upstream | None:
    """What `asset`'s tables were last built from (None when never saved)."""
    if not table_exists(con, BUILT_FROM):
        return None
    rows = con.sql(
        f"SELECT built_from FROM {BUILT_FROM} WHERE asset = ?", params=[asset]
    ).fetchall()
    return Upstream(**json.loads(rows[0][0])) if rows else None


def save_upstream(con: duckdb.DuckDBPyConnection, asset: str, upstream: Upstream | None) -> None:
    """Record (in the caller's transaction) what `asset`'s tables were just built from; None
    forgets it (the next run rebuilds everything)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {BUILT_FROM} (asset VARCHAR, built_from VARCHAR)")
    con.execute(f"DELETE FROM {BUILT_FROM} WHERE asset = ?", [asset])
    if upstream is not None:
        body = json.dumps(
            {"code": upstream.code, "assets": upstream.assets, "partitions": upstream.partitions}
        )
        con.execute(f"INSERT INTO {BUILT_FROM} VALUES (?, ?)", [asset, body])
