"""Fit the success model on earlier cutoffs, using only facts and outcomes known at as_of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import polars as pl

from models.calendar import add_months, training_cutoffs
from transforms.features import data_end, labels, population_as_of

if TYPE_CHECKING:
    from models.success import SuccessModel


@dataclass
class FitReport:
    """What a fit used and produced; shown as metadata in the UI."""

    data_end: date | None = None
    cutoffs: list[date] = field(default_factory=list)
    rows: int = 0
    base_rate: float | None = None
    skipped_reason: str | None = None


def fit_success_model(
    con: duckdb.DuckDBPyConnection, features: pl.DataFrame, cfg: dict
) -> tuple[SuccessModel | None, FitReport]:
    """Train on populations at rolling-origin cutoffs whose outcome window closed by the as_of
    of `features` (the data's end as seen from there), so no label peeks past it."""
    end = data_end(features)
    report = FitReport(data_end=end)
    if end is None:
        report.skipped_reason = "no dated rounds or exits on or before as_of"
        return None, report
    horizon = int(cfg["horizon_months"])
    frames, ys = [], []
    for cutoff in training_cutoffs(
        end, horizon, int(cfg["n_cutoffs"]), int(cfg["cutoff_step_months"])
    ):
        # status is a snapshot of the present: never read it for a past cutoff
        pop = population_as_of(con, cutoff, limit=int(cfg["max_training_rows"]))
        if pop.is_empty():
            continue
        report.cutoffs.append(cutoff)
        frames.append(pop)
        ys.append(labels(con, pop, cutoff, add_months(cutoff, horizon)))
    if not frames:
        report.skipped_reason = "no funded companies at any training cutoff"
        return None, report
    X, y = pl.concat(frames, how="vertical_relaxed"), np.concatenate(ys)
    X, y = _cap_rows(X, y, int(cfg["max_training_rows"]))
    report.rows, report.base_rate = len(y), float(y.mean())
    if len(y) < int(cfg["min_training_rows"]) or y.min() == y.max():
        report.skipped_reason = (
            f"{len(y)} training rows with {int(y.sum())} positives: too few to fit"
        )
        return None, report
    from models.success import SuccessModel  # scikit-learn loads only when a model is fitted

    return SuccessModel().fit(X, y), report


def _cap_rows(X: pl.DataFrame, y: np.ndarray, cap: int) -> tuple[pl.DataFrame, np.ndarray]:
    if len(y) <= cap:
        return X, y
    keep = np.sort(np.random.default_rng(0).choice(len(y), size=cap, replace=False))
    return X[keep], y[keep]
