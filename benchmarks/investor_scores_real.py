"""Investor and fund scores on the real Crunchbase data (../shared/datasets), as of several dates.

Builds the core tables (ingest, staging, entities) into a temporary DEALFLOW_HOME (or reads an
existing pipeline DuckDB given as argument), then for each as_of prints how many investors are
scored, how many count as funds and why, the top funds with their components, and where the
well-known French funds rank. Prints figures only.

    .venv/bin/python -m benchmarks.investor_scores_real [path/to/pipeline.duckdb]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.backtest_real import SHARED, build_core
from models.investors import COMPONENTS, score_investors, shortlist_funds
from transforms.investors import investor_features_as_of

AS_OFS = (date(2013, 12, 31), date(2015, 12, 9))  # end of the investor edges; end of the export
TOP = 10
FRENCH = ("Partech Ventures", "Sofinnova Partners", "IDInvest Partners", "Kima Ventures")


def report(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        for as_of in AS_OFS:
            started = time.perf_counter()
            features = investor_features_as_of(con, as_of)
            scores = score_investors(features)
            seconds = time.perf_counter() - started
            funds = scores.filter(pl.col("is_fund"))
            print(f"\n=== as of {as_of}: {scores.height} investors scored, {funds.height} funds")
            print(
                f"established (percentile reference): {scores['in_reference'].sum()}; "
                f"with a French/Emirati home: {scores['country_code'].is_in(['FRA', 'ARE']).sum()}; "
                f"features + scores in {seconds:.2f} s"
            )
            with pl.Config(
                tbl_rows=-1, tbl_cols=-1, tbl_width_chars=220, tbl_hide_dataframe_shape=True
            ):
                print(scores.group_by("fund_reason").len("investors").sort("investors"))
                top = (
                    shortlist_funds(scores)
                    .filter(pl.col("lane_rank") <= TOP)
                    .select(
                        "lane",
                        "lane_rank",
                        "name",
                        "country_code",
                        pl.col("fund_score").round(3),
                        "n_matched_companies",
                        *[pl.col(f"{c}_score").round(2).alias(c) for c in COMPONENTS],
                    )
                )
                print(f"top {TOP} funds of each lane for an LP commitment:")
                print(top)
                print("well-known French funds:")
                print(
                    scores.filter(pl.col("name").is_in(FRENCH)).select(
                        "name",
                        "country_code",
                        "fund_rank",
                        "co_investor_rank",
                        "n_matched_companies",
                        "n_fra_companies",
                        pl.col("footprint_score").round(2),
                    )
                )
    finally:
        con.close()


def main() -> int:
    if len(sys.argv) > 1:
        report(Path(sys.argv[1]))
        return 0
    if not (SHARED / "crunchbase_2015" / "companies.csv.gz").exists():
        print(f"skipped: the real datasets are absent ({SHARED})")
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dealflow-investors-") as tmp:
        db = build_core(Path(tmp))
        print(f"core tables built in {time.perf_counter() - started:.1f} s")
        report(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
