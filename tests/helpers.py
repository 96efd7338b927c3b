"""Shared test helpers: run the real job into a temporary home, read the analysts' replica."""

from pathlib import Path

import duckdb
import polars as pl

from pipelines.runner import run_week  # noqa: F401  (re-exported for the tests)

PROJECT_DIR = Path(__file__).resolve().parent.parent
# the bundled sample in the 2015 open-export format, which most tests were written against
SAMPLE_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.crunchbase2015.yaml"
# the default sample (`make run`): a Crunchbase bulk export, mapped exports, fund performance
DEFAULT_SAMPLE_SOURCES = PROJECT_DIR / "data" / "sample" / "sources.yaml"
SHARED = PROJECT_DIR.parent / "shared" / "datasets"


def expected_shortlist_rows(db: Path, week=None) -> int:
    """The rows a week's shortlist must have: per lane, min(its size, eligible companies of the
    lane), counted in `marts.company_scores_history` with the shortlist's own rules less the
    companies the analysts passed or hold in portfolio, plus those portfolio companies (listed
    apart)."""
    from assets.shortlist.assets import lane_eligible
    from models.scoring import company_lanes
    from models.thesis import load_thesis

    lanes = company_lanes()
    con = duckdb.connect(str(db), read_only=True)
    try:
        if week is None:
            week = con.sql("SELECT max(week_start) FROM marts.company_scores_history").fetchall()
            week = week[0][0]
        eligible, portfolio = lane_eligible(con, load_thesis(), lanes, week)
    finally:
        con.close()
    return sum(min(lane.size, eligible.get(lane.name, 0)) for lane in lanes) + portfolio


def query(db: Path, sql: str, params=None) -> pl.DataFrame:
    """Run `sql` on a DuckDB file opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()
