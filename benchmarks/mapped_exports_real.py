"""Mapped exports on the real public files: the semiconductor start-ups list and Epoch AI's funding
rounds declared as `mapped_exports:` (companies, rounds) instead of through their own loaders,
beside the rest of `config/sources.shared-datasets.yaml`; then the figures of a run's warehouse
(read-only): how the mapped companies joined, what was staged, quarantined and flagged.

    .venv/bin/python -m benchmarks.mapped_exports_real sources /tmp/mapped-real/sources.yaml
    DEALFLOW_HOME=/tmp/mapped-real DEALFLOW_SOURCES=/tmp/mapped-real/sources.yaml \\
        DEALFLOW_AS_OF=2015-12-09 .venv/bin/python -m pipelines.cli --no-evaluation
    .venv/bin/python -m benchmarks.mapped_exports_real figures /tmp/mapped-real/dealflow.duckdb

The files are read where they are (../shared/datasets); nothing is copied."""

import sys
from pathlib import Path

import duckdb
import yaml

from warehouse.config import PROJECT_DIR

SHARED = PROJECT_DIR / "config" / "sources.shared-datasets.yaml"
DATASETS = PROJECT_DIR.parent / "shared" / "datasets"
MAPPED = [
    {
        "file": str(DATASETS / "semiconductor_startups_awesome" / "startups.csv"),
        "entity": "companies",
        "columns": {
            "name": "Company",
            "domain": "Website",
            "country": "Country",
            "categories": "Technology",
            "founded_on": "Founded",
            "description": "Description",
        },
    },
    {
        "file": str(DATASETS / "epoch_ai_infrastructure" / "ai_companies_funding_rounds.csv"),
        "entity": "rounds",
        "currency": "USD",
        "columns": {
            "round_id": "Id",
            "company": "Company",
            "announced_on": "Close date",
            "amount": "Funding (equity)",
        },
    },
]
FIGURES = {
    "mapped company keys by match": "SELECT match_method, count(*) AS keys "
    "FROM core.company_source_ids WHERE source = 'mapped' GROUP BY ALL ORDER BY ALL",
    "companies, rounds, mapped rounds": "SELECT (SELECT count(*) FROM core.companies) AS companies, "
    "(SELECT count(*) FROM core.funding_rounds) AS rounds, "
    "(SELECT count(*) FROM core.funding_rounds WHERE round_key LIKE 'mapped:%') AS mapped_rounds",
    "row accounting": "SELECT source, rows_read, rows_staged, rows_quarantined, "
    "duplicates_collapsed, value_issues, reconciled FROM meta.row_accounting "
    "WHERE source LIKE 'mapped_%' ORDER BY source",
    "quarantined": "SELECT source, column_name, reason, count(*) AS n FROM meta.quarantine "
    "WHERE source LIKE 'mapped_%' GROUP BY ALL ORDER BY ALL",
    "value issues": "SELECT source, column_name, issue, count(*) AS n FROM meta.value_issues "
    "WHERE source LIKE 'mapped_%' GROUP BY ALL ORDER BY ALL",
}


def write_sources(out: Path) -> None:
    """The shared-datasets sources with the chip list and Epoch AI rounds as mapped exports."""
    spec = yaml.safe_load(SHARED.read_text())
    del spec["chip_startups"]
    del spec["epoch_funding_rounds"]

    def absolute(value):  # paths resolved against the shared sources file; dates kept
        if isinstance(value, dict):
            return {k: absolute(v) for k, v in value.items()}
        return str((SHARED.parent / value).resolve()) if isinstance(value, str) else value

    spec = absolute(spec)
    spec["mapped_exports"] = MAPPED
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    print(out)


def figures(db: str) -> None:
    con = duckdb.connect(db, read_only=True)
    try:
        for title, sql in FIGURES.items():
            print(f"-- {title}")
            print(con.sql(sql))
    finally:
        con.close()


if __name__ == "__main__":
    command, target = sys.argv[1], sys.argv[2]
    write_sources(Path(target)) if command == "sources" else figures(target)
