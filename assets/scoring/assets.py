"""Scores: thesis fit, momentum and success probability for every company known at as_of."""

import hashlib
import json
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl

from models.chunked_scoring import (
    CARRIED_RANKS,
    model_inputs_sql,
    reusable_scores_sql,
    score_table,
)
from models.incremental import (
    ScoreContext,
    drop_state,
    drop_temps,
    prepare_features,
    save_state,
)
from models.reasons import company_scores_reason, success_model_reason
from models.thesis import load_thesis
from models.threads import limit_threads
from models.training import FitReport, fit_success_model
from transforms.features import extent_as_of, feature_params
from transforms.sources import load_sources
from warehouse.metadata import markdown_table, table_metadata
from warehouse.partitions import weekly_partitions
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import add_missing_columns, replace_week, table_exists, transaction

SCORE_COLUMNS = [
    "week_start",
    "as_of",
    "company_id",
    "name",
    "country_code",
    "countries",
    "vertical",
    "sector",
    "ai_confidence",
    "vertical_reason",
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
    "campus_training_days",
    "compute_fit",
    "success_factors",
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
    info = model.describe() | {"week_start": week} | report.as_dict()
    path.with_suffix(".json").write_text(json.dumps(info, indent=2, default=str))
    return str(path)


def load_model(path: str | None):
    """The fitted success model saved by `success_models` (None when none could be fitted)."""
    if not path:
        return None
    import joblib

    return joblib.load(path)


MODEL_COLUMNS = {
    "week_start": pl.Date,
    "as_of": pl.Date,
    "model_version": pl.String,
    "estimator": pl.String,
    "calibration": pl.String,
    "data_end": pl.Date,
    "training_cutoffs": pl.List(pl.Date),
    "training_rows": pl.Int64,
    "training_base_rate": pl.Float64,
    "features": pl.List(pl.String),
    "holdout_cutoff": pl.Date,
    "holdout_rows": pl.Int64,
    "holdout_base_rate": pl.Float64,
    "holdout_auc_roc": pl.Float64,
    "holdout_auc_pr": pl.Float64,
    "holdout_precision_at_100": pl.Float64,
    "holdout_brier": pl.Float64,
    "skipped_reason": pl.String,
    "artifact_path": pl.String,
}


INPUTS_TABLE = "marts.company_model_inputs"
HISTORY = "marts.company_scores_history"


def model_fingerprint(path: str | None) -> str | None:
    """SHA-256 of the saved model artifact: scores are reused only under the very same model."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else None


def reusable_scores(con, week: date, fingerprint: str | None) -> int:
    """Creates the temp table `_reused_scores`: this week's probabilities and factors of the
    companies whose model inputs did not change since the week was last scored by this model.
    Returns how many."""
    tables = (INPUTS_TABLE, HISTORY)
    if fingerprint is None or not all(table_exists(con, t) for t in tables):
        return 0
    inputs = f"(SELECT * FROM {INPUTS_TABLE} WHERE week_start = $week AND model_fingerprint = $fp)"
    scores = f"(SELECT * FROM {HISTORY} WHERE week_start = $week)"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _reused_scores AS "
        + reusable_scores_sql("marts._features", inputs, scores),
        {"week": week, "fp": fingerprint},
    )
    return int(con.sql("SELECT count(*) FROM _reused_scores").fetchall()[0][0])


def save_model_inputs(con, week: date, fingerprint: str | None, only: str | None = None) -> None:
    """Keeps the scored week's model inputs (population rows of `marts._features`) with the
    model's fingerprint; with `only` (a table of `company_id`), replaces those companies' rows
    and keeps the others (the features table then holds only them)."""
    rows = (
        f"SELECT ?::DATE AS week_start, ?::VARCHAR AS model_fingerprint, * "
        f"FROM ({model_inputs_sql('marts._features')})"
    )
    if only is None:
        con.execute(f"CREATE OR REPLACE TABLE {INPUTS_TABLE} AS {rows}", [week, fingerprint])
        return
    con.execute(f"DELETE FROM {INPUTS_TABLE} WHERE company_id IN (SELECT company_id FROM {only})")
    con.execute(f"INSERT INTO {INPUTS_TABLE} {rows}", [week, fingerprint])


def write_week_scores(con, week: date, carried: str | None = None) -> None:
    """Write the week's scores (`marts._scores_week`) into `marts.company_scores_history`, in
    the caller's transaction. Without `carried`, they replace the week's rows. With `carried` (a
    table of the carried companies' new `momentum`, `total_score` and `score_rank`), they replace
    the rows of the companies scored again or gone, and the carried rows are updated in place:
    three columns change, the rest of a million rows is not written again."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {HISTORY} AS SELECT * FROM marts._scores_week LIMIT 0")
    add_missing_columns(con, HISTORY, "marts._scores_week")
    if carried is None:
        con.execute(f"DELETE FROM {HISTORY} WHERE week_start = ?", [week])
    else:
        con.execute(
            f"DELETE FROM {HISTORY} WHERE week_start = ? "
            f"AND company_id NOT IN (SELECT company_id FROM {carried})",
            [week],
        )
        con.execute(
            f"UPDATE {HISTORY} AS h SET momentum = c.momentum, total_score = c.total_score, "
            f"score_rank = c.score_rank FROM {carried} AS c "
            "WHERE h.week_start = ? AND h.company_id = c.company_id AND (h.score_rank <> c.score_rank "
            "OR h.momentum IS DISTINCT FROM c.momentum OR h.total_score IS DISTINCT FROM c.total_score)",
            [week],
        )
    con.execute(f"INSERT INTO {HISTORY} BY NAME SELECT * FROM marts._scores_week")


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
        extent = extent_as_of(con, as_of, status_usable(settings, as_of))  # all training reads
        with limit_threads(1):
            model, report = fit_success_model(con, extent, cfg, validate=True)
        path = _save_model(settings, week, model, report)
        v = report.validation or {}
        desc = model.describe() if model is not None else {}
        row = {
            "week_start": date.fromisoformat(week),
            "as_of": as_of,
            "model_version": desc.get("version"),
            "estimator": desc.get("estimator"),
            "calibration": desc.get("calibration"),
            "data_end": report.data_end,
            "training_cutoffs": report.cutoffs,
            "training_rows": report.rows,
            "training_base_rate": report.base_rate,
            "features": desc.get("features"),
            "holdout_cutoff": date.fromisoformat(v["holdout_cutoff"]) if v else None,
            "holdout_rows": v.get("n"),
            "holdout_base_rate": v.get("base_rate"),
            "holdout_auc_roc": v.get("auc_roc"),
            "holdout_auc_pr": v.get("auc_pr"),
            "holdout_precision_at_100": v.get("precision@100"),
            "holdout_brier": v.get("brier"),
            "skipped_reason": report.skipped_reason,
            "artifact_path": path,
        }
        replace_week(
            con,
            "marts.success_models",
            pl.DataFrame([row], schema=MODEL_COLUMNS),
            row["week_start"],
        )
        meta = table_metadata(
            con,
            "marts.success_models",
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


@dg.asset(
    key_prefix="marts",
    group_name="scoring",
    kinds={"duckdb", "polars", "scikitlearn"},
    partitions_def=weekly_partitions,
    deps=[success_models, *MODEL_INPUTS],
)
def company_scores(
    context: dg.AssetExecutionContext, settings: DealflowSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """One row per company known at the week's as_of: `thesis_fit` (vertical, sector, stage and
    France/UAE nexus under `config/thesis.yaml`), `momentum` (funding history), and
    `success_probability` (calibrated model: new round or exit within 24 months; NULL outside the
    population of funded, not-exited companies), with `success_factors`: the model's top three
    factor groups for the company and their effect in log-odds (positive raises the probability).
    `compute_fit` says whether a model builder's largest Epoch AI training run fits the planned
    French AI campus. `total_score` combines thesis fit, momentum and success; `score_rank` 1 is
    best. Every feature reads only facts dated on or before `as_of`. History by week is kept in
    `marts.company_scores_history`; `marts.company_scores` holds the latest week."""
    week = context.partition_key
    as_of = settings.week_as_of(week)
    thesis = load_thesis()
    usable = status_usable(settings, as_of)
    with warehouse.connect() as con, limit_threads(1):
        fitted = con.sql(
            "SELECT artifact_path, model_version, skipped_reason FROM marts.success_models "
            "WHERE week_start = ?",
            params=[date.fromisoformat(week)],
        ).fetchall()
        if not fitted:
            raise RuntimeError(f"no success model for the week {week}: materialize success_models")
        model = load_model(fitted[0][0])
        if model is not None:
            model.n_jobs = settings.model_worker_count()
        fingerprint = model_fingerprint(fitted[0][0])
        week_start = date.fromisoformat(week)
        params = feature_params(as_of, usable)
        scoring = ScoreContext(week_start, params, thesis, fingerprint)
        # only the companies whose inputs changed since the week was last scored under the same
        # model, thesis and code get feature rows; the others' scores are carried
        rescoring = prepare_features(con, scoring, "marts._features", HISTORY)
        carried, changed = rescoring.carried, rescoring.changed
        reused = reusable_scores(con, week_start, fingerprint)
        score_table(
            con,
            "marts._features",
            "marts._scores_week",
            model,
            thesis,
            SCORE_COLUMNS,
            constants=[
                pl.lit(week_start).alias("week_start"),
                pl.lit(model.version if model is not None else None, dtype=pl.String).alias(
                    "model_version"
                ),
            ],
            reuse="_reused_scores" if reused else None,
            carried=carried,
        )
        predicted = (
            con.sql("SELECT count(*) FILTER (in_population) FROM marts._features").fetchall()[0][0]
            - reused
        )
        con.execute("DROP TABLE IF EXISTS _reused_scores")
        # the week's scores, their saved model inputs and the score state change together
        with transaction(con):
            drop_state(con)
            write_week_scores(con, week_start, carried=CARRIED_RANKS if carried else None)
            save_model_inputs(con, week_start, fingerprint, only="_changed" if carried else None)
            save_state(con, scoring)
        drop_temps(con, rescoring)
        con.execute("DROP TABLE marts._features")
        # the latest scores are this run's week (the latest run's, once published), not the
        # largest week_start of the history: a backfill of an older week is what analysts see
        if not carried:  # already in rank order
            con.execute(
                "CREATE OR REPLACE TABLE marts.company_scores AS SELECT * FROM marts._scores_week"
            )
        else:
            con.execute(
                f"CREATE OR REPLACE TABLE marts.company_scores AS SELECT * FROM {HISTORY} "
                "WHERE week_start = ? ORDER BY score_rank",
                [week_start],
            )
        population = con.sql(
            f"SELECT count(*) FILTER (in_population) FROM {HISTORY} WHERE week_start = ?",
            params=[week_start],
        ).fetchall()[0][0]
        con.execute("DROP TABLE marts._scores_week")
        by_vertical = con.sql(
            "SELECT vertical, count(*) AS companies, round(avg(total_score), 3) AS mean_score "
            f"FROM {HISTORY} WHERE week_start = ? GROUP BY vertical "
            "ORDER BY companies DESC",
            params=[date.fromisoformat(week)],
        ).pl()
        fits = con.sql(
            f"SELECT compute_fit, count(*) AS companies FROM {HISTORY} "
            "WHERE week_start = ? AND compute_fit IS NOT NULL GROUP BY 1 ORDER BY 1",
            params=[date.fromisoformat(week)],
        ).pl()
        scored = con.sql(
            f"SELECT count(*) FROM {HISTORY} WHERE week_start = ?", params=[week_start]
        ).fetchall()[0][0]
        meta = table_metadata(
            con,
            "marts.company_scores",
            as_of=str(as_of),
            empty_reason=company_scores_reason(int(scored), as_of)
            or success_model_reason(fitted[0][2] if model is None else None),
            status_used=usable,
            population=int(population),
            # a refresh re-computes only the companies whose facts or market statistics changed,
            # and re-predicts only those whose model inputs changed
            companies_recomputed="all" if changed is None else int(changed),
            predicted=int(predicted),
            reused_unchanged=int(population) - int(predicted),
            model_version=fitted[0][1],
            model_artifact=fitted[0][0],
            by_vertical=dg.MetadataValue.md(markdown_table(by_vertical)),
            compute_fit=dg.MetadataValue.md(markdown_table(fits)),
        )
    return dg.MaterializeResult(metadata=meta)
