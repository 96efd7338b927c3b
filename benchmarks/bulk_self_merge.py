"""The 2015 Crunchbase export rewritten as a Crunchbase bulk export (uuid keys, ISO dates,
comma-separated categories, `investment_type`) and declared beside itself: every bulk
organisation should merge into its own 2015 company and every bulk round replace its 2015 round.
What does not measures the merge rules (companies.sql) on real names, domains and countries.

    .venv/bin/python -m benchmarks.bulk_self_merge write /tmp/bulk-self
    DEALFLOW_HOME=/tmp/bulk-self/home DEALFLOW_SOURCES=/tmp/bulk-self/sources.yaml \\
        DEALFLOW_AS_OF=2015-12-09 .venv/bin/python -m pipelines.cli --no-evaluation
    .venv/bin/python -m benchmarks.bulk_self_merge report /tmp/bulk-self/home/pipeline.duckdb

No file of ../shared is copied into the project: the bulk copy is written to the folder given."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import yaml

from transforms.ingest import raw_frame
from transforms.sources import SOURCE_KINDS, load_sources
from warehouse.config import PROJECT_DIR
from warehouse.sql import install_macros
from warehouse.tables import quote_literal

SOURCES = PROJECT_DIR / "config" / "sources.shared-datasets.yaml"


def _uuid(column: str) -> str:
    """A UUID-shaped md5 of a lower-cased permalink."""
    h = f"md5(lower(trim({column})))"
    return (
        f"concat_ws('-', substr({h}, 1, 8), substr({h}, 9, 4), substr({h}, 13, 4), "
        f"substr({h}, 17, 4), substr({h}, 21, 12))"
    )


def _read(kind: str) -> str:
    return "raw_" + kind.split(".")[1]


def _iso(column: str, dayfirst: bool) -> str:
    return f"strftime(parse_date_any({column}, {str(dayfirst).lower()}), '%Y-%m-%d')"


def write(folder: Path) -> Path:
    """The bulk copy of the declared 2015 files in `folder`, and `folder/sources.yaml` declaring
    the original sources (absolute paths) plus the copy."""
    declared = load_sources(SOURCES)
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    install_macros(con)
    for kind in ("crunchbase.companies", "crunchbase.rounds", "crunchbase.acquisitions"):
        # read as the pipeline reads it (encodings, malformed records)
        frame, _ = raw_frame(SOURCE_KINDS[kind], declared.get(kind))
        con.register(_read(kind), frame.to_arrow())
    files = {
        "organizations": f"""
            SELECT {_uuid("permalink")} AS uuid, name, 'organization' AS type, permalink,
                   'company' AS roles, homepage_url, country_code, state_code, region, city,
                   status, replace(category_list, '|', ',') AS category_list,
                   {_iso("founded_at", False)} AS founded_on, funding_total_usd AS total_funding_usd
            FROM {_read("crunchbase.companies")}""",
        "funding_rounds": f"""
            SELECT {_uuid("funding_round_permalink")} AS uuid, {_uuid("company_permalink")} AS org_uuid,
                   CASE WHEN lower(funding_round_type) = 'venture' AND upper(funding_round_code) SIMILAR TO '[A-J]'
                        THEN 'series_' || lower(funding_round_code)
                        WHEN lower(funding_round_type) = 'venture' THEN 'series_unknown'
                        ELSE lower(funding_round_type) END AS investment_type,
                   {_iso("funded_at", True)} AS announced_on, raised_amount_usd
            FROM {_read("crunchbase.rounds")}""",
        "acquisitions": f"""
            SELECT {_uuid("company_permalink")} AS acquiree_uuid, company_name AS acquiree_name,
                   {_uuid("acquirer_permalink")} AS acquirer_uuid, acquirer_name,
                   {_iso("acquired_at", False)} AS acquired_on, price_amount AS price,
                   price_currency_code
            FROM {_read("crunchbase.acquisitions")}""",
    }
    tree = yaml.safe_load(SOURCES.read_text(encoding="utf-8"))
    for kind, path in declared.files.items():  # the originals, by absolute path
        node = tree
        *parents, leaf = kind.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = str(path)
    bulk = tree.setdefault("crunchbase_bulk", {})
    for name, sql in files.items():
        path = folder / f"{name}.csv"
        con.execute(f"COPY ({sql}) TO {quote_literal(str(path))} (HEADER)")
        bulk[name] = str(path)
    bulk["snapshot_date"] = declared.snapshot_dates["crunchbase"].isoformat()
    out = folder / "sources.yaml"
    out.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return out


REPORT = {
    "bulk organisations by match": "SELECT match_method, count(*) AS n FROM core.company_source_ids "
    "WHERE source = 'crunchbase_bulk' GROUP BY ALL ORDER BY n DESC",
    "companies (2015 export alone: as many as its permalinks)": "SELECT primary_source, count(*) AS n "
    "FROM core.companies GROUP BY ALL ORDER BY n DESC",
    "rounds by source file": "SELECT regexp_extract(_source_file, '[^/]+$') AS file, count(*) AS n "
    "FROM core.funding_rounds GROUP BY ALL ORDER BY n DESC",
    "quarantined bulk rows": "SELECT source, reason, count(*) AS n FROM meta.quarantine "
    "WHERE source LIKE 'bulk_%' GROUP BY ALL ORDER BY n DESC",
}


def report(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        for title, sql in REPORT.items():
            print(f"-- {title}")
            for row in con.sql(sql).fetchall():
                print("  ", *row)
    finally:
        con.close()


if __name__ == "__main__":
    command, target = sys.argv[1], Path(sys.argv[2])
    if command == "write":
        print(write(target))
    else:
        report(target)
