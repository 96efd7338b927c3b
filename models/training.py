"""Fit the success model on earlier cutoffs, using only facts and outcomes known at as_of.

Rolling origin: the training rows are the populations at earlier cutoffs, each labelled with the
outcomes seen in its window (cutoff, cutoff + window], which closes on or before the data's end as
seen from as_of. A window is the horizon, or shorter for the newest cutoffs (`newest_window_months`):
the model takes the window's length as an input and is asked for the whole horizon when it scores,
so it learns from the latest outcomes too, not only from cutoffs two years back. Free of Dagster;
the SQL runs in DuckDB (transforms.features).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import polars as pl

from models.calendar import WINDOW, add_months, training_windows
from models.chunked_scoring import model_input_columns
from models.metrics import ranking_metrics
from models.success import SuccessModel
from transforms.features import data_end, labels, population_as_of

MODEL_PARAMS = (
    "estimator",
    "horizon_months",
    "calibration",
    "max_iter",
    "learning_rate",
    "max_leaf_nodes",
    "min_samples_leaf",
    "l2_regularization",
    "cv",
    "n_jobs",
    "random_state",
    "monotonic",
)


@dataclass
class FitReport:
    """What a fit used and produced; saved beside the artifact and shown in the UI."""

    data_end: date | None = None
    cutoffs: list[date] = field(default_factory=list)
    window_months: list[int] = field(default_factory=list)
    rows: int = 0
    base_rate: float | None = None
    skipped_reason: str | None = None
    validation: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["data_end"] = str(self.data_end) if self.data_end else None
        out["cutoffs"] = [str(c) for c in self.cutoffs]
        return out


def new_model(cfg: dict) -> SuccessModel:
    """A fresh SuccessModel with the learner and parameters named in the config."""
    return SuccessModel(**{k: cfg[k] for k in MODEL_PARAMS if k in cfg})


def training_rows(
    con: duckdb.DuckDBPyConnection, end: date, cfg: dict
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, list[tuple[date, int]]]:
    """Features (with each row's `window_months`), labels and each row's cutoff for the
    rolling-origin cutoffs before `end`, and the (cutoff, window months) used."""
    horizon = int(cfg["horizon_months"])
    # each cutoff's share of the row budget: at scale no cutoff computes rows the cap then drops
    per_cutoff = max(1, int(cfg["max_training_rows"]) // max(1, int(cfg["n_cutoffs"])))
    frames, ys, origins, used = [], [], [], []
    for cutoff, window in training_windows(
        end,
        horizon,
        int(cfg["n_cutoffs"]),
        int(cfg["cutoff_step_months"]),
        cfg.get("newest_window_months"),
    ):
        # status is a snapshot of the present: never read it for a past cutoff; the population is
        # filtered (and sampled: the companies whose ids hash lowest) in DuckDB
        pop = population_as_of(con, cutoff, limit=per_cutoff, columns=model_input_columns())
        if pop.is_empty():
            continue
        used.append((cutoff, window))
        frames.append(pop.with_columns(pl.lit(window, dtype=pl.Int32).alias(WINDOW)))
        ys.append(labels(con, pop, cutoff, add_months(cutoff, window)))
        origins.append(np.full(pop.height, cutoff.toordinal()))
    if not frames:
        return pl.DataFrame(), np.empty(0, dtype=int), np.empty(0, dtype=int), used
    X = pl.concat(frames, how="vertical_relaxed")
    return X, np.concatenate(ys), np.concatenate(origins), used


def fit_success_model(
    con: duckdb.DuckDBPyConnection, features: pl.DataFrame, cfg: dict, validate: bool = False
) -> tuple[SuccessModel | None, FitReport]:
    """Train on populations at rolling-origin cutoffs whose outcome window closed by the as_of
    of `features` (the data's end as seen from there), so no label peeks past it.

    With `validate`, first measure on a temporal hold-out: fit on the cutoffs before the newest
    one whose window is the whole horizon, measure on that one (AUC-ROC, precision@k, Brier);
    then refit on every cutoff."""
    end = data_end(features)
    report = FitReport(data_end=end)
    if end is None:
        report.skipped_reason = "no dated rounds or exits on or before as_of"
        return None, report
    X, y, origin, windows = training_rows(con, end, cfg)
    report.cutoffs = [c for c, _ in windows]
    report.window_months = [w for _, w in windows]
    if not len(y):
        report.skipped_reason = "no funded companies at any training cutoff"
        return None, report
    report.rows, report.base_rate = len(y), float(y.mean())
    # calibration cross-validates in stratified folds: each class needs two rows at least; and a
    # model resting on a handful of outcomes (a few current-source companies funded again after
    # the Crunchbase export stopped) is no model
    few = max(2, int(cfg.get("min_training_positives", 2)))
    if len(y) < int(cfg["min_training_rows"]) or _minority(y) < few:
        report.skipped_reason = (
            f"{len(y)} training rows with {int(y.sum())} positives: too few to fit"
        )
        return None, report
    if validate:
        report.validation = _holdout(X, y, origin, cfg)
    return new_model(cfg).fit(X, y), report


def _minority(y: np.ndarray) -> int:
    """Rows of the rarer class (0 when there is one class only)."""
    return int(np.bincount(np.asarray(y, dtype=int), minlength=2).min())


def _holdout(X: pl.DataFrame, y: np.ndarray, origin: np.ndarray, cfg: dict) -> dict | None:
    """Fit on the cutoffs older than the newest whole-horizon one, measure on that one: no
    training row's cutoff is as recent as the hold-out's (a shorter window of a newer cutoff
    would see the hold-out's own outcomes)."""
    whole = X[WINDOW].to_numpy() >= int(cfg["horizon_months"])
    if not whole.any():
        return None
    held = origin[whole].max()
    test, train = origin == held, origin < held
    if not train.any() or _minority(y[train]) < 2 or len(set(y[test])) < 2:
        return None
    model = new_model(cfg).fit(X.filter(pl.Series(train)), y[train])
    p = model.predict_proba(X.filter(pl.Series(test)))
    metrics = ranking_metrics(y[test], p, probability=True)
    return {"holdout_cutoff": str(date.fromordinal(int(held)))} | metrics
