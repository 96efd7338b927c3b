"""The taxonomy on the real Crunchbase / Epoch AI data (../shared/datasets), against the labelled
companies of config/labels/verticals.csv. Prints figures only.

Builds the core tables (ingest, staging, entities: core/company_taxonomy included) into a
temporary DEALFLOW_HOME, or reads an existing pipeline DuckDB given as argument, then prints
coverage, French and Emirati counts, precision / recall / F1 per vertical and the labelled
companies the rules get wrong. Skips (exit 0) when the shared datasets are absent.

    .venv/bin/python -m benchmarks.taxonomy_real [path/to/pipeline.duckdb]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.backtest_real import SHARED, build_core
from transforms.taxonomy import load_taxonomy, taxonomy_sql
from transforms.taxonomy_eval import labelled_predictions, load_labels, vertical_metrics
from warehouse.tables import registered


def report(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        labels = load_labels()
        pairs = labelled_predictions(con, labels)
        coverage = con.sql(
            "SELECT vertical_by_categories AS vertical, count(*) AS companies, "
            "count(*) FILTER (c.country_code = 'FRA') AS fra, "
            "count(*) FILTER (c.country_code = 'ARE') AS are "
            "FROM core.company_taxonomy JOIN core.companies AS c USING (company_id) "
            "GROUP BY ALL ORDER BY ALL"
        ).pl()
    finally:
        con.close()
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=200,
        fmt_str_lengths=90,
        tbl_hide_dataframe_shape=True,
    ):
        print(f"taxonomy {load_taxonomy()['version']}, threshold {load_taxonomy()['threshold']}")
        print(
            "companies by vertical (undated signals; Epoch AI model builders are added as of a date):"
        )
        print(coverage)
        print(
            f"\nlabelled companies: {labels.height} in the file, {pairs.height} present "
            f"({(pairs['country'] == 'FRA').sum()} French, {(pairs['country'] == 'ARE').sum()} Emirati)"
        )
        print(vertical_metrics(pairs))
        for country in ("FRA", "ARE"):
            sub = pairs.filter(pl.col("country") == country)
            if sub.height:
                print(f"\n{country} only:")
                print(vertical_metrics(sub))
        wrong = pairs.filter(pl.col("label") != pl.col("predicted"))
        print(f"\nlabelled companies the rules get wrong ({wrong.height}):")
        print(
            wrong.select(
                "source_key", "country", "label", "predicted", "ai_confidence", "vertical_reason"
            )
        )


CHIP_LIST = SHARED / "semiconductor_startups_awesome" / "startups.csv"


def chip_list_pairs() -> pl.DataFrame:
    """The semiconductor start-up list as the current sources will deliver it (until they are
    merged: name, web domain, description, tag `chip_list:<technology>`, no category),
    classified by the rules and matched to the labelled chip-list companies."""

    chips = pl.read_csv(CHIP_LIST, infer_schema=False)
    companies = chips.select(
        pl.format("chip:{}", pl.col("Company")).alias("company_id"),
        pl.col("Company").alias("name"),
        pl.col("Website").str.to_lowercase().alias("domain"),
        pl.lit([], dtype=pl.List(pl.String)).alias("categories"),
        pl.lit([], dtype=pl.List(pl.String)).alias("category_groups"),
        pl.col("Description").str.strip_chars().alias("description"),
        pl.concat_list(pl.format("chip_list:{}", pl.col("Technology").str.to_lowercase())).alias(
            "tags"
        ),
    )
    ids = companies.select(
        "company_id", pl.lit("chip_list").alias("source"), pl.col("name").alias("source_key")
    )
    con = duckdb.connect()
    with registered(con, "chip_companies", companies), registered(con, "chip_ids", ids):
        con.execute(
            "CREATE TABLE no_models (company_id VARCHAR, published_on DATE, training_compute_flop DOUBLE)"
        )
        con.execute(
            taxonomy_sql(
                companies="chip_companies",
                models="no_models",
                target="chip_taxonomy",
                source_ids="chip_ids",
            )
        )
        return labelled_predictions(
            con, load_labels(), taxonomy="chip_taxonomy", source_ids="chip_ids"
        )


def report_chip_list() -> None:
    if not CHIP_LIST.exists():
        return
    pairs = chip_list_pairs()
    with pl.Config(
        tbl_rows=-1, tbl_width_chars=200, fmt_str_lengths=90, tbl_hide_dataframe_shape=True
    ):
        print(
            f"\nAI chip list as a source (tags and descriptions): {pairs.height} labelled companies"
        )
        print(vertical_metrics(pairs))
        wrong = pairs.filter(pl.col("label") != pl.col("predicted"))
        print(wrong.select("source_key", "label", "predicted", "ai_confidence", "vertical_reason"))


def main() -> None:
    if len(sys.argv) > 1:
        report(Path(sys.argv[1]))
        report_chip_list()
        return
    if not (SHARED / "crunchbase_2015" / "companies.csv.gz").exists():
        print(f"skipped: {SHARED} absent")
        return
    with tempfile.TemporaryDirectory() as home:
        report(build_core(Path(home)))
    report_chip_list()


if __name__ == "__main__":
    main()
