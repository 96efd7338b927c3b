"""Shared test helpers: run the real job into a temporary home, read the analysts' replica."""

from pathlib import Path

import duckdb
import polars as pl

from pipelines.runner import run_week  # noqa: F401  (re-exported for the tests)

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.yaml"
SHARED = PROJECT_DIR.parent / "shared" / "datasets"


def expected_shortlist_rows(db: Path, week=None) -> int:
    """The rows a week's shortlist must have: per lane, min(its size, eligible companies of the
    lane), counted in `marts.company_scores_history` with the shortlist's own rules."""
    from models.lanes import lane_counts_sql
    from models.scoring import company_lanes, shortlist_rules_sql

    lanes = company_lanes()
    week_sql = "= ?" if week else "= (SELECT max(week_start) FROM marts.company_scores_history)"
    source = f"(SELECT * FROM marts.company_scores_history WHERE week_start {week_sql})"
    counts = query(
        db, lane_counts_sql(source, lanes, shortlist_rules_sql()), [week] if week else None
    )
    eligible = dict(zip(counts["lane"], counts["eligible"], strict=True))
    return sum(min(lane.size, eligible.get(lane.name, 0)) for lane in lanes)


def query(db: Path, sql: str, params=None) -> pl.DataFrame:
    """Run `sql` on a DuckDB file opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()
