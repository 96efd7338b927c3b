"""A week's company scores in the warehouse: the fitted model they are computed under, the
scoring itself (all companies, or only those whose inputs changed), and the tables it writes
(`marts.company_scores_history`, `marts.company_model_inputs`, `marts.company_scores`). Plain
DuckDB and polars, no Dagster: the asset (`assets/scoring/assets.py`) only calls these."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from models.chunked_scoring import model_inputs_sql, reusable_scores_sql, score_table
from models.incremental import (
    RescoringTables,
    ScoreContext,
    drop_state,
    drop_temps,
    prepare_features,
    save_state,
)
from models.training import FitReport
from transforms.sources import Sources, load_sources
from warehouse.tables import add_missing_columns, scratch_table, table_exists, transaction

if TYPE_CHECKING:
    from models.success import SuccessModel

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

SUCCESS_MODELS = "marts.success_models"


@dataclass(frozen=True)
class ScoreTables:
    """Where a week's scoring reads and writes: the published tables; the scratch tables it
    makes and drops on the way (schema `scratch`, never published: the features and the week's
    scores, too large to hold in memory); and the temp tables of the companies reused or
    carried (in memory: written to the file, a million rows take 4-5 times as long)."""

    latest: str = "marts.company_scores"
    history: str = "marts.company_scores_history"
    inputs: str = "marts.company_model_inputs"
    features: str = scratch_table("company_features")
    week: str = scratch_table("company_scores_week")
    reused: str = "_reused_scores"
    rescoring: RescoringTables = field(
        default_factory=lambda: RescoringTables(
            changed="_changed", carried="_carried_scores", carried_ranks="_carried_ranks"
        )
    )


SCORE_TABLES = ScoreTables()


# provider -> the kind whose undated `status` core.companies reads (from that provider's snapshot)
STATUS_KINDS = {
    "crunchbase": "crunchbase.companies",
    "crunchbase_bulk": "crunchbase_bulk.organizations",
}


def status_usable(sources: Path, as_of: date) -> bool:
    """The snapshot `status` may be read only when as_of is on or after the export date of every
    declared provider whose status core.companies reads (the 2015 Crunchbase export, a Crunchbase
    bulk export), as the sources file `sources` declares them: a provider without a declared
    snapshot date, or one exported after as_of, would leak a later status into as_of."""
    return status_usable_in(load_sources(sources), as_of)


def status_usable_in(sources: Sources, as_of: date) -> bool:
    """`status_usable` for loaded `sources`."""
    providers = [p for p, kind in STATUS_KINDS.items() if sources.declared(kind)]
    snapshots = [sources.snapshot_dates.get(p) for p in providers]
    return bool(snapshots) and all(s is not None and as_of >= s for s in snapshots)


def save_model(home: Path, week: str, model, report: FitReport) -> str | None:
    """Save the week's fitted model (`models/success_<week>.joblib` in the pipeline home
    `home`, with a JSON card beside it); its path, or None when no model was fitted."""
    if model is None:
        return None
    import joblib  # deferred: scikit-learn's, kept out of the code location's load

    folder = home / "models"
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
    import joblib  # deferred: scikit-learn's, kept out of the code location's load

    return joblib.load(path)


def model_fingerprint(path: str | None) -> str | None:
    """SHA-256 of the saved model artifact: scores are reused only under the very same model."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else None


def model_row(week: str, as_of: date, model, report: FitReport, path: str | None) -> dict[str, Any]:
    """The week's row of `marts.success_models` (`MODEL_COLUMNS`)."""
    v = report.validation or {}
    desc = model.describe() if model is not None else {}
    return {
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


@dataclass(frozen=True)
class WeekModel:
    """The success model fitted for a week (`model` None when none could be)."""

    path: str | None
    version: str | None
    skipped_reason: str | None
    model: SuccessModel | None
    fingerprint: str | None


def week_model(con: duckdb.DuckDBPyConnection, week: date, n_jobs: int) -> WeekModel:
    """The week's fitted model as `success_models` saved it; raises when it has not run."""
    fitted = con.sql(
        f"SELECT artifact_path, model_version, skipped_reason FROM {SUCCESS_MODELS} "
        "WHERE week_start = ?",
        params=[week],
    ).fetchall()
    if not fitted:
        raise RuntimeError(f"no success model for the week {week}: materialize success_models")
    path, version, skipped = fitted[0]
    model = load_model(path)
    if model is not None:
        model.n_jobs = n_jobs
    return WeekModel(path, version, skipped, model, model_fingerprint(path))


def reusable_scores(
    con: duckdb.DuckDBPyConnection, week: date, fingerprint: str | None, tables: ScoreTables
) -> int:
    """Creates the temp table `tables.reused`: this week's probabilities and factors of the companies whose
    model inputs did not change since the week was last scored by this model. Returns how
    many (0, and no table, when nothing can be reused)."""
    if fingerprint is None or not all(
        table_exists(con, t) for t in (tables.inputs, tables.history)
    ):
        return 0
    inputs = f"(SELECT * FROM {tables.inputs} WHERE week_start = $week AND model_fingerprint = $fp)"
    scores = f"(SELECT * FROM {tables.history} WHERE week_start = $week)"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {tables.reused} AS "
        + reusable_scores_sql(tables.features, inputs, scores),
        {"week": week, "fp": fingerprint},
    )
    return int(con.sql(f"SELECT count(*) FROM {tables.reused}").fetchall()[0][0])


def save_model_inputs(
    con: duckdb.DuckDBPyConnection,
    week: date,
    fingerprint: str | None,
    tables: ScoreTables,
    only: str | None = None,
) -> None:
    """Keeps the scored week's model inputs (population rows of `tables.features`) with the
    model's fingerprint in `tables.inputs`; with `only` (a table of `company_id`), replaces
    those companies' rows and keeps the others (the features table then holds only them)."""
    rows = (
        f"SELECT ?::DATE AS week_start, ?::VARCHAR AS model_fingerprint, * "
        f"FROM ({model_inputs_sql(tables.features)})"
    )
    if only is None:
        con.execute(f"CREATE OR REPLACE TABLE {tables.inputs} AS {rows}", [week, fingerprint])
        return
    con.execute(f"DELETE FROM {tables.inputs} WHERE company_id IN (SELECT company_id FROM {only})")
    con.execute(f"INSERT INTO {tables.inputs} {rows}", [week, fingerprint])


def write_week_scores(
    con: duckdb.DuckDBPyConnection, week: date, tables: ScoreTables, carried: str | None = None
) -> None:
    """Write the week's scores (`tables.week`) into `tables.history`, in the caller's
    transaction. Without `carried`, they replace the week's rows. With `carried` (a table of the
    carried companies' new `momentum`, `total_score` and `score_rank`), they replace the rows of
    the companies scored again or gone, and the carried rows are updated in place: three columns
    change, the rest of a million rows is not written again."""
    history, scored = tables.history, tables.week
    con.execute(f"CREATE TABLE IF NOT EXISTS {history} AS SELECT * FROM {scored} LIMIT 0")
    add_missing_columns(con, history, scored)
    if carried is None:
        con.execute(f"DELETE FROM {history} WHERE week_start = ?", [week])
    else:
        con.execute(
            f"DELETE FROM {history} WHERE week_start = ? "
            f"AND company_id NOT IN (SELECT company_id FROM {carried})",
            [week],
        )
        con.execute(
            f"UPDATE {history} AS h SET momentum = c.momentum, total_score = c.total_score, "
            f"score_rank = c.score_rank FROM {carried} AS c "
            "WHERE h.week_start = ? AND h.company_id = c.company_id AND (h.score_rank <> c.score_rank "
            "OR h.momentum IS DISTINCT FROM c.momentum OR h.total_score IS DISTINCT FROM c.total_score)",
            [week],
        )
    con.execute(f"INSERT INTO {history} BY NAME SELECT * FROM {scored}")


@dataclass(frozen=True)
class WeekScoring:
    """What scoring a week did: `changed` companies recomputed (None: all of them), `predicted`
    by the model (the others' probabilities reused), `carried` whether rows were carried."""

    changed: int | None
    predicted: int
    carried: bool


def score_week(
    con: duckdb.DuckDBPyConnection,
    scoring: ScoreContext,
    fitted: WeekModel,
    tables: ScoreTables = SCORE_TABLES,
) -> WeekScoring:
    """Score the week `scoring.week` into `tables.history` and `tables.latest`, with its model
    inputs (`tables.inputs`) and score state: only the companies whose inputs changed since the
    week was last scored under the same model, thesis and code get feature rows; the others'
    scores are carried. Leaves no scratch table behind."""
    week, model = scoring.week, fitted.model
    rescoring = prepare_features(con, scoring, tables.features, tables.history, tables.rescoring)
    carried = rescoring.carried
    reused = reusable_scores(con, week, fitted.fingerprint, tables)
    score_table(
        con,
        tables.features,
        tables.week,
        model,
        scoring.thesis,
        SCORE_COLUMNS,
        constants=[
            pl.lit(week).alias("week_start"),
            pl.lit(model.version if model is not None else None, dtype=pl.String).alias(
                "model_version"
            ),
        ],
        reuse=tables.reused if reused else None,
        carried=carried,
        carried_scores=tables.rescoring.carried_ranks,
    )
    population = con.sql(
        f"SELECT count(*) FILTER (in_population) FROM {tables.features}"
    ).fetchall()[0][0]
    con.execute(f"DROP TABLE IF EXISTS {tables.reused}")
    # the week's scores, their saved model inputs and the score state change together
    with transaction(con):
        drop_state(con)
        ranks = tables.rescoring.carried_ranks if carried else None
        write_week_scores(con, week, tables, carried=ranks)
        only = tables.rescoring.changed if carried else None
        save_model_inputs(con, week, fitted.fingerprint, tables, only=only)
        save_state(con, scoring)
    drop_temps(con, rescoring)
    con.execute(f"DROP TABLE {tables.features}")
    write_latest_scores(con, week, tables, carried=carried is not None)
    con.execute(f"DROP TABLE {tables.week}")
    return WeekScoring(rescoring.changed, int(population) - reused, carried is not None)


def write_latest_scores(
    con: duckdb.DuckDBPyConnection, week: date, tables: ScoreTables, carried: bool
) -> None:
    """`tables.latest`: the scored week's rows in rank order. The latest scores are this run's
    week (the latest run's, once published), not the largest week_start of the history: a
    backfill of an older week is what analysts see."""
    if not carried:  # the week's scores are all in `tables.week`, already in rank order
        con.execute(f"CREATE OR REPLACE TABLE {tables.latest} AS SELECT * FROM {tables.week}")
        return
    con.execute(
        f"CREATE OR REPLACE TABLE {tables.latest} AS SELECT * FROM {tables.history} "
        "WHERE week_start = ? ORDER BY score_rank",
        [week],
    )


@dataclass(frozen=True)
class WeekSummary:
    """What the UI shows of a scored week."""

    scored: int
    population: int
    by_vertical: pl.DataFrame
    compute_fits: pl.DataFrame


def week_summary(
    con: duckdb.DuckDBPyConnection, week: date, history: str = SCORE_TABLES.history
) -> WeekSummary:
    """Companies scored and in the population, by vertical (with their mean score), and by
    compute fit, for the week's rows of `history`."""
    scored, population = con.sql(
        f"SELECT count(*), count(*) FILTER (in_population) FROM {history} WHERE week_start = ?",
        params=[week],
    ).fetchall()[0]
    by_vertical = con.sql(
        "SELECT vertical, count(*) AS companies, round(avg(total_score), 3) AS mean_score "
        f"FROM {history} WHERE week_start = ? GROUP BY vertical ORDER BY companies DESC",
        params=[week],
    ).pl()
    fits = con.sql(
        f"SELECT compute_fit, count(*) AS companies FROM {history} "
        "WHERE week_start = ? AND compute_fit IS NOT NULL GROUP BY 1 ORDER BY 1",
        params=[week],
    ).pl()
    return WeekSummary(int(scored), int(population), by_vertical, fits)
