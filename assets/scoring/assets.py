"""Scores: thesis fit, momentum and success probability for every company known at as_of."""

from collections.abc import Iterator
from datetime import date

import dagster as dg
import polars as pl

from assets.tables import table_result, table_specs
from models.incremental import ScoreContext
from models.reasons import company_scores_reason, success_model_reason
from models.score_store import (
    MODEL_COLUMNS,
    SCORE_TABLES,
    SUCCESS_MODELS,
    WeekModel,
    WeekScoring,
    WeekSummary,
    model_row,
    save_model,
    score_week,
    status_usable,
    week_model,
    week_summary,
)
from models.thesis import load_thesis
from models.threads import limit_threads
from models.training import fit_success_model
from transforms.features import extent_as_of, feature_params
from warehouse.metadata import markdown_table, table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import replace_week

# what the model's features and labels read (transforms/sql/company_features.sql, labels.sql)
MODEL_INPUTS = [
    dg.AssetKey(["core", "company_taxonomy"]),
    dg.AssetKey(["core", "investors"]),
    dg.AssetKey(["core", "funding_rounds"]),
]


@dg.asset(
    key_prefix="marts",
    group_name="scoring",
    kinds={"duckdb", "scikitlearn"},
    partitions_def=weekly_partitions,
    deps=MODEL_INPUTS,
)
def success_models(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The success model fitted for the week (one row per week): a calibrated classifier of "a
    new round or an exit within the horizon", trained on rolling-origin cutoffs whose outcomes were
    known at as_of (with `newest_window_months` below the horizon, the newest ones seen for less
    than the horizon, the window's length a model input). The row names its version, learner, training cutoffs and rows, feature list, a
    temporal hold-out (the newest whole-horizon cutoff, measured by a model fitted on the older
    ones) and the saved artifact
    (`models/success_<week>.joblib` in the pipeline home, with a JSON card beside it) that
    `company_scores` loads."""
    week = context.partition_key
    as_of = settings.week_as_of(week)
    cfg = load_thesis()["success_model"] | {"n_jobs": settings.model_worker_count()}
    with warehouse.connect() as con:
        extent = extent_as_of(
            con, as_of, status_usable(settings.sources_path(), as_of)
        )  # all training reads
        with limit_threads(1):
            model, report = fit_success_model(con, extent, cfg, validate=True)
        path = save_model(settings.home_path(), week, model, report)
        row = model_row(week, as_of, model, report, path)
        replace_week(
            con, SUCCESS_MODELS, pl.DataFrame([row], schema=MODEL_COLUMNS), row["week_start"]
        )
        meta = table_metadata(
            con,
            SUCCESS_MODELS,
            row["week_start"],
            as_of=str(as_of),
            model_version=row["model_version"],
            training_cutoffs=", ".join(
                f"{c} ({w} months seen)"
                for c, w in zip(report.cutoffs, report.window_months, strict=True)
            )
            or "none",
            training_rows=report.rows,
            training_base_rate=report.base_rate,
            holdout_auc_roc=row["holdout_auc_roc"],
            holdout_precision_at_100=row["holdout_precision_at_100"],
            holdout_brier=row["holdout_brier"],
            model_skipped_reason=report.skipped_reason,
            model_artifact=path,
            empty_reason=success_model_reason(report.skipped_reason),
        )
    return dg.MaterializeResult(metadata=meta)


COMPANY_SCORES_DESCRIPTION = """One row per company known at the week's as_of: `thesis_fit`
(vertical, sector, stage and France/UAE nexus under `config/thesis.yaml`), `momentum` (funding
history), and `success_probability` (calibrated model: new round or exit within 24 months; NULL
outside the population of funded, not-exited companies), with `success_factors`: the model's top
three factor groups for the company and their effect in log-odds (positive raises the probability).
`compute_fit` says whether a model builder's largest Epoch AI training run fits the planned French
AI campus. `total_score` combines thesis fit, momentum and success; `score_rank` 1 is best. Every
feature reads only facts dated on or before `as_of`. History by week is kept in
`marts.company_scores_history`; `marts.company_scores` holds the latest week."""
SCORE_DEPS = [success_models.key, *MODEL_INPUTS]


@dg.multi_asset(
    name="company_scores",
    specs=table_specs(
        (SCORE_TABLES.latest, SCORE_TABLES.history, SCORE_TABLES.inputs),
        group_name="scoring",
        description=COMPANY_SCORES_DESCRIPTION,
        deps=SCORE_DEPS,
        kinds={"duckdb", "polars", "scikitlearn"},
        partitions_def=weekly_partitions,
    ),
)
def company_scores(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """Score the week's companies; report the latest scores, their history and model inputs."""
    week = date.fromisoformat(context.partition_key)
    as_of = settings.week_as_of(context.partition_key)
    thesis = load_thesis()
    usable = status_usable(settings.sources_path(), as_of)
    with warehouse.connect() as con, limit_threads(1):
        fitted = week_model(con, week, settings.model_worker_count())
        scoring = ScoreContext(week, feature_params(as_of, usable), thesis, fitted.fingerprint)
        done = score_week(con, scoring, fitted)
        summary = week_summary(con, week)
        yield table_result(
            con,
            SCORE_TABLES.latest,
            **score_metadata(as_of, usable, fitted, done, summary),
        )
        yield table_result(con, SCORE_TABLES.history, week)
        yield table_result(con, SCORE_TABLES.inputs, week)


def score_metadata(
    as_of: date, usable: bool, fitted: WeekModel, done: WeekScoring, summary: WeekSummary
) -> dict:
    """What the UI shows of the week's scores beside the table itself."""
    skipped = fitted.skipped_reason if fitted.model is None else None
    return {
        "as_of": str(as_of),
        "empty_reason": company_scores_reason(summary.scored, as_of)
        or success_model_reason(skipped),
        "status_used": usable,
        "population": summary.population,
        # a refresh re-computes only the companies whose facts or market statistics changed,
        # and re-predicts only those whose model inputs changed
        "companies_recomputed": "all" if done.changed is None else done.changed,
        "predicted": done.predicted,
        "reused_unchanged": summary.population - done.predicted,
        "model_version": fitted.version,
        "model_artifact": fitted.path,
        "by_vertical": dg.MetadataValue.md(markdown_table(summary.by_vertical)),
        "compute_fit": dg.MetadataValue.md(markdown_table(summary.compute_fits)),
    }
