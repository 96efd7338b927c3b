"""French and Emirati companies the current sources name, with their latest facts, from a run's
warehouse (read-only):

    DEALFLOW_HOME=/tmp/real-today DEALFLOW_SOURCES=config/sources.shared-datasets.yaml \\
        .venv/bin/python -m pipelines.cli --no-evaluation
    .venv/bin/python -m benchmarks.current_sources_real /tmp/real-today/pipeline.duckdb

(the pipeline file, not the replica: the replica is published only when every check passed)."""

import sys

import duckdb
import polars as pl

CURRENT = ("chip_startups", "epoch_companies", "epoch_funding_rounds", "epoch")

SQL = """
SELECT s.country_code AS cc, c.name, c.primary_source AS source, c.tags, s.vertical,
       c.founded_on, s.n_rounds, s.last_round_on, s.last_stage,
       round(s.total_raised_usd / 1e6, 1) AS raised_musd, s.n_models, round(s.success_probability, 2) AS p,
       round(s.total_score, 3) AS score, s.score_rank AS rank, s.exited
FROM marts.company_scores AS s JOIN core.companies AS c USING (company_id)
WHERE s.country_code IN ('FRA', 'ARE')
  AND c.company_id IN (SELECT company_id FROM core.company_source_ids WHERE source IN ?)
ORDER BY s.score_rank
"""


def main(db: str) -> None:
    con = duckdb.connect(db, read_only=True)
    try:
        (as_of,) = con.sql("SELECT max(as_of) FROM marts.company_scores").fetchall()[0]
        frame = con.sql(SQL, params=[list(CURRENT)]).pl()
        counts = con.sql(
            "SELECT source, match_method, count(*) AS n FROM core.company_source_ids "
            "WHERE source <> 'crunchbase' GROUP BY ALL ORDER BY ALL"
        ).pl()
    finally:
        con.close()
    with pl.Config(tbl_rows=200, tbl_cols=20, fmt_str_lengths=28, tbl_width_chars=220):
        print(f"as of {as_of}: {frame.height} French/Emirati companies named by current sources")
        print(frame)
        print(counts)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/warehouse/pipeline.duckdb")
