"""Funding rounds and exits: re-derived on their own when a new rounds file is delivered, without
rebuilding the company entities."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from assets.built_from import Upstream, save_upstream, saved_upstream, upstream_now
from assets.core.assets import COMPANIES
from assets.drops.assets import staging_round_drops
from assets.tables import table_result, table_specs
from warehouse.metadata import markdown_table
from warehouse.resources import Warehouse
from warehouse.sql import sql_text
from warehouse.tables import table_exists, transaction

SQL_DIR = Path(__file__).parent / "sql"


# What core.funding_rounds is built from besides the drop files (any change: rebuild all).
ROUND_INPUTS = [
    COMPANIES,
    dg.AssetKey(["staging", "rounds"]),
    dg.AssetKey(["staging", "epoch_funding_rounds"]),
    dg.AssetKey(["staging", "bulk_funding_rounds"]),
    dg.AssetKey(["staging", "mapped_rounds"]),
]
ROUND_SQL = ("round_deliveries", "funding_rounds", "funding_rounds_refresh")


def funding_rounds_sql(refresh: bool = False) -> str:
    """The statements that write `core.funding_rounds` and `core.company_exits`: every round,
    or with `refresh` only the round keys of the drops named in the variable `changed_drops`
    (`set_changed_drops`)."""
    body = "funding_rounds_refresh" if refresh else "funding_rounds"
    return "\n".join(
        sql_text(name, SQL_DIR) for name in ("round_deliveries", body, "company_exits")
    )


FUNDING_ROUNDS = dg.AssetKey(["core", "funding_rounds"])
FUNDING_ROUNDS_DESCRIPTION = """Every funding round keyed by `company_id`: the main rounds file
plus every file delivered to the rounds drop folder (`staging.round_drops`), plus the closed
primary rounds of Epoch AI's funding rounds (`staging.epoch_funding_rounds`), the rounds of a
Crunchbase bulk export (`staging.bulk_funding_rounds`, joined by organisation uuid) and the rounds
of mapped exports (`staging.mapped_rounds`, keys `mapped:`). A round delivered twice (same
`round_key`) counts once, the latest delivery winning; a company's round that two providers hold
(same company, same day) counts once, from the first of: the bulk export, the 2015 export, Epoch
AI, mapped exports. Also writes
`core.company_exits`: dated acquisitions, IPOs (evidenced by the first post-IPO round, or the bulk
export's IPOs) and the
exits of the semiconductor start-ups list (`staging.chip_exits`, dated the last day of their year).

When only drop files were delivered since the table was written (Dagster's event log shows the same
materializations of `core/companies` and `staging/rounds`), only the round keys of the new or
re-delivered drops are written again: metadata `drops_refreshed` names them (`all` after a full
rebuild)."""
ROUND_DEPS = [
    *ROUND_INPUTS,
    dg.AssetKey(["staging", "acquisitions"]),
    dg.AssetKey(["staging", "chip_exits"]),
    dg.AssetKey(["staging", "bulk_acquisitions"]),
    dg.AssetKey(["staging", "bulk_ipos"]),
    staging_round_drops.key,
]


@dg.multi_asset(
    name="funding_rounds",
    specs=table_specs(
        ("core.funding_rounds", "core.company_exits"),
        group_name="entities",
        deps=ROUND_DEPS,
        description=FUNDING_ROUNDS_DESCRIPTION,
    ),
)
def funding_rounds(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """Funding rounds and the exits derived with them."""
    upstream = upstream_now(
        context.instance,
        ROUND_INPUTS,
        [sql_text(name, SQL_DIR) for name in ROUND_SQL],
        partitioned=staging_round_drops.key,
    )
    asset = FUNDING_ROUNDS.to_user_string()
    with warehouse.connect() as con:
        before = saved_upstream(con, asset)
        changed = _changed_drops(upstream, before, table_exists(con, "core.funding_rounds"))
        set_changed_drops(con, changed or set())
        with transaction(con):
            con.execute(funding_rounds_sql(refresh=changed is not None))
            save_upstream(con, asset, upstream)
        # counted by file first (few), then named: no join over every round
        by_delivery = con.sql(
            "SELECT coalesce(d._drop, e.label, b.bulk, '(main rounds file)') AS delivery, "
            "sum(r.n)::BIGINT AS rounds "
            "FROM (SELECT _source_file, count(*) AS n FROM core.funding_rounds GROUP BY ALL) AS r "
            "LEFT JOIN (SELECT DISTINCT _source_file, _drop FROM staging.round_drops) AS d "
            "USING (_source_file) LEFT JOIN (SELECT DISTINCT _source_file, "
            "'(Epoch AI funding rounds)' AS label FROM staging.epoch_funding_rounds "
            "UNION SELECT DISTINCT _source_file, '(mapped export)' FROM staging.mapped_rounds) AS e "
            "USING (_source_file) LEFT JOIN (SELECT DISTINCT _source_file, "
            "'(Crunchbase bulk funding rounds)' AS bulk FROM staging.bulk_funding_rounds) AS b "
            "USING (_source_file) GROUP BY ALL ORDER BY ALL"
        ).pl()
        yield table_result(
            con,
            "core.funding_rounds",
            deliveries=dg.MetadataValue.md(markdown_table(by_delivery)),
            drops_refreshed="all" if changed is None else ", ".join(sorted(changed)) or "none",
        )
        yield table_result(con, "core.company_exits")


def set_changed_drops(con: duckdb.DuckDBPyConnection, drops: set[str]) -> None:
    """The parameter of `funding_rounds_refresh.sql`: the file names of the drops to refresh."""
    con.execute("SET VARIABLE changed_drops = ?::VARCHAR[]", [sorted(drops)])


def _changed_drops(now: Upstream | None, before: Upstream | None, table: bool) -> set[str] | None:
    """The drops whose rows a refresh writes again; None when everything is rebuilt: no table
    yet, another main rounds file or companies table (or SQL), or a drop no longer materialized."""
    if now is None or before is None or not table:
        return None
    if (now.code, now.assets) != (before.code, before.assets):
        return None
    changed = now.changed_partitions(before)
    return None if changed - now.partitions.keys() else changed
