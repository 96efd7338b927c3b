"""Scores: thesis fit, momentum and success probability for every company known at as_of."""

import json
from datetime import date

import dagster as dg
import polars as pl

from assets.scoring.training import FitReport, fit_success_model
from assets.tables import markdown_table, table_metadata
from models.chunked_scoring import score_table
from models.thesis import load_thesis
from models.threads import limit_threads
from pipelines.partitions import resolve_as_of, weekly_partitions
from pipelines.resources import DealflowSettings, Warehouse
from transforms.features import create_features_table, feature_extent
from transforms.sources import load_sources

SCORE_COLUMNS = [
    "week_start",
    "as_of",
    "company_id",
    "name",
    "country_code",
    "countries",
    "vertical",
    "sector",
    "success_probability",
    "total_score",
    "score_rank",
    "thesis_fit",
    "momentum",
    "vertical_fit",
    "sector_fit",
    "stage_fit",
    "nexus_score",
    "hq_in_nexus",
    "nexus_investor",
    "nexus_both",
    "in_population",
    "exited",
    "closed",
    "founded_on",
    "n_rounds",
    "n_rounds_24m",
    "total_raised_usd",
    "raised_24m_usd",
    "last_round_on",
    "days_since_last_round",
    "last_stage",
    "last_round_usd",
    "step_up",
    "n_investors",
    "n_top_investors",
    "investor_exit_rate",
    "fra_investors",
    "are_investors",
    "n_models",
    "max_training_compute_flop",
    "thesis_version",
    "model_version",
]


def status_usable(settings: DealflowSettings, as_of: date) -> bool:
    """The snapshot `status` may be read only when as_of is on or after its declared export date."""
    snapshot = load_sources(settings.sources_path()).snapshot_dates.get("crunchbase")
    return snapshot is not None and as_of >= snapshot


def _save_model(settings: DealflowSettings, week: str, model, report: FitReport) -> str | None:
    if model is None:
        return None
    import joblib  # scikit-learn's; imported when a run needs it, not at code-location load

    folder = settings.home_path() / "models"
    folder.mkdir(exist_ok=True)
    path = folder / f"success_{week}.joblib"
    joblib.dump(model, path)
    info = {
        "version": model.version,
        "data_end": str(report.data_end),
        "rows": report.rows,
        "base_rate": report.base_rate,
        "cutoffs": [str(c) for c in report.cutoffs],
    }
    path.with_suffix(".json").write_text(json.dumps(info, indent=2))
    return str(path)


@dg.asset(
    key_prefix="marts",
    group_name="scoring",
    kinds={"duckdb", "polars", "scikitlearn"},
    partitions_def=weekly_partitions,
    deps=[dg.AssetKey(["core", "company_taxonomy"]), dg.AssetKey(["core", "investors"])],
)
def company_scores(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """One row per company known at the week's as_of: `thesis_fit` (vertical, sector, stage and
    France/UAE nexus under `config/thesis.yaml`), `momentum` (funding history), and
    `success_probability` (calibrated model: new round or exit within 24 months; NULL outside the
    population of funded, not-exited companies). `total_score` combines them; `score_rank` 1 is
    best. Every feature reads only facts dated on or before `as_of`. History by week is kept in
    `marts.company_scores_history`; `marts.company_scores` holds the latest week."""
    week = context.partition_key
    as_of = resolve_as_of(week, settings.as_of_date(), date.today())
    thesis = load_thesis()
    usable = status_usable(settings, as_of)
    with warehouse.connect() as con, limit_threads(settings.model_threads):
        # features stay in DuckDB; companies are scored a chunk at a time (models/chunked_scoring.py)
        create_features_table(con, "marts._features", as_of, usable)
        extent = feature_extent(con, "marts._features")  # what training reads of the features
        model, report = fit_success_model(con, extent, thesis["success_model"])
        population = con.sql(
            "SELECT count(*) FILTER (in_population) FROM marts._features"
        ).fetchall()[0][0]
        score_table(
            con,
            "marts._features",
            "marts._scores_week",
            model,
            thesis,
            SCORE_COLUMNS,
            constants=[
                pl.lit(date.fromisoformat(week)).alias("week_start"),
                pl.lit(model.version if model is not None else None, dtype=pl.String).alias(
                    "model_version"
                ),
            ],
        )
        con.execute("DROP TABLE marts._features")
        con.execute(
            "CREATE TABLE IF NOT EXISTS marts.company_scores_history AS SELECT * FROM marts._scores_week LIMIT 0"
        )
        con.execute(
            "DELETE FROM marts.company_scores_history WHERE week_start = ?",
            [date.fromisoformat(week)],
        )
        con.execute("INSERT INTO marts.company_scores_history SELECT * FROM marts._scores_week")
        con.execute("DROP TABLE marts._scores_week")
        con.execute(
            "CREATE OR REPLACE TABLE marts.company_scores AS SELECT * FROM marts.company_scores_history "
            "WHERE week_start = (SELECT max(week_start) FROM marts.company_scores_history) ORDER BY score_rank"
        )
        by_vertical = con.sql(
            "SELECT vertical, count(*) AS companies, round(avg(total_score), 3) AS mean_score "
            "FROM marts.company_scores_history WHERE week_start = ? GROUP BY vertical "
            "ORDER BY companies DESC",
            params=[date.fromisoformat(week)],
        ).pl()
        meta = table_metadata(
            con,
            "marts.company_scores",
            as_of=str(as_of),
            status_used=usable,
            population=int(population),
            training_cutoffs=", ".join(str(c) for c in report.cutoffs) or "none",
            training_rows=report.rows,
            training_base_rate=report.base_rate,
            model_skipped_reason=report.skipped_reason,
            model_artifact=_save_model(settings, week, model, report),
            by_vertical=dg.MetadataValue.md(markdown_table(by_vertical)),
        )
    return dg.MaterializeResult(metadata=meta)
