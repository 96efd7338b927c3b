"""Strict temporal backtest of the success model, with simple baselines side by side.

For each cutoff: train only on what was known then (`train_fn(con, cutoff)`), score the population
at the cutoff (a round on or before it, no exit by then), and measure against the outcomes in
(cutoff, cutoff + horizon]. Metrics are ranking metrics (precision@k, lift@k, AUC-PR, AUC-ROC),
plus the Brier score and a calibration table for probabilities. Free of Dagster.

Ties in a ranking are broken deterministically by row order (features come ordered by
`company_id`), so precision@k never depends on sort instability.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import duckdb
import numpy as np
import polars as pl

from models.calendar import add_months
from models.chunked_scoring import model_input_columns
from models.metrics import KS, ranking_metrics, ranking_order
from models.training import fit_success_model
from transforms.features import extent_as_of, labels, population_as_of

RANDOM_SEED = 0
MODEL_METHOD = "model"


def top_of_list_against(
    y: Sequence[int] | np.ndarray,
    score: Sequence[float] | np.ndarray,
    naive: Sequence[float] | np.ndarray,
    ks: Sequence[int] = KS,
) -> list[dict[str, Any]]:
    """The top `k` of `score` against the top `k` of `naive`, one row per k: hits of each, the
    companies both list, and `p_behind`, the one-sided Fisher exact p-value that the companies
    only `score` lists hit less often than those only `naive` lists. The companies both list
    count for both, so the test reads the disjoint parts only; a small `p_behind` (under 0.05)
    says `score` is behind beyond chance, a large one that any shortfall is a few companies'
    luck. None when fewer than `k` rows."""
    from scipy.stats import fisher_exact

    y = np.asarray(y, dtype=int)
    rows = []
    for k in ks:
        if k <= 0 or len(y) < k:
            rows.append(
                {"k": k, "hits": None, "naive_hits": None, "shared": None, "p_behind": None}
            )
            continue
        mine = set(ranking_order(np.asarray(score, dtype=float))[:k].tolist())
        theirs = set(ranking_order(np.asarray(naive, dtype=float))[:k].tolist())
        only_mine, only_theirs = sorted(mine - theirs), sorted(theirs - mine)
        a, b, n = int(y[only_mine].sum()), int(y[only_theirs].sum()), len(only_mine)
        p = fisher_exact([[a, n - a], [b, n - b]], alternative="less").pvalue if n else 1.0
        rows.append(
            {
                "k": k,
                "hits": int(y[sorted(mine)].sum()),
                "naive_hits": int(y[sorted(theirs)].sum()),
                "shared": k - n,
                "p_behind": float(p),
            }
        )
    return rows


BEHIND_BEYOND_CHANCE = 0.05  # p_behind under this: the model's top is worse than luck explains


def top_of_list_cells(scored: Mapping[date, pl.DataFrame], ks: Sequence[int] = KS) -> pl.DataFrame:
    """Per cutoff and k, the model's top k against `most_active`'s (`top_of_list_against`) from
    the scored populations of `backtest_with_predictions` (columns `label`, `model`,
    `most_active`), with a verdict in words. Cutoffs without a model are left out."""
    rows = []
    for cutoff, frame in scored.items():
        if MODEL_METHOD not in frame.columns or MOST_ACTIVE not in frame.columns:
            continue
        y = frame["label"].to_numpy()
        for r in top_of_list_against(
            y, frame[MODEL_METHOD].to_numpy(), frame[MOST_ACTIVE].to_numpy(), ks
        ):
            if r["hits"] is None:
                continue
            gap = r["naive_hits"] - r["hits"]
            if gap <= 0:
                verdict = "ahead" if gap < 0 else "level"
            elif r["p_behind"] < BEHIND_BEYOND_CHANCE:
                verdict = f"behind by {gap}, beyond chance"
            else:
                verdict = f"behind by {gap}, within chance"
            rows.append(
                {
                    "cutoff": cutoff,
                    "k": r["k"],
                    "model_precision": r["hits"] / r["k"],
                    "most_active_precision": r["naive_hits"] / r["k"],
                    "shared": r["shared"],
                    "p_behind": r["p_behind"],
                    "verdict": verdict,
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "cutoff": pl.Date,
            "k": pl.Int64,
            "model_precision": pl.Float64,
            "most_active_precision": pl.Float64,
            "shared": pl.Int64,
            "p_behind": pl.Float64,
            "verdict": pl.String,
        },
    )


def calibration_table(
    y: Sequence[int] | np.ndarray, p: Sequence[float] | np.ndarray, bins: int = 10
) -> pl.DataFrame:
    """Equal-width probability bins over [0, 1]: bin, its edges, mean predicted probability,
    observed positive rate and count (empty bins kept with count 0, means null)."""
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    if y.shape != p.shape:
        raise ValueError(f"y has {y.shape} values, p {p.shape}")
    idx = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        mask = idx == b
        count = int(mask.sum())
        rows.append(
            {
                "bin": b,
                "lower": b / bins,
                "upper": (b + 1) / bins,
                "mean_predicted": float(p[mask].mean()) if count else None,
                "observed_rate": float(y[mask].mean()) if count else None,
                "count": count,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "bin": pl.Int64,
            "lower": pl.Float64,
            "upper": pl.Float64,
            "mean_predicted": pl.Float64,
            "observed_rate": pl.Float64,
            "count": pl.Int64,
        },
    )


def _column(features: pl.DataFrame, name: str) -> np.ndarray:
    return features[name].cast(pl.Float64).to_numpy()


def _random(features: pl.DataFrame) -> np.ndarray:
    return np.random.default_rng(RANDOM_SEED).random(len(features))


def _total_raised(features: pl.DataFrame) -> np.ndarray:
    return np.nan_to_num(_column(features, "total_raised_usd"), nan=0.0)


def _most_recent_round(features: pl.DataFrame) -> np.ndarray:
    # fewer days since the last round ranks higher; no round at all ranks last
    return -np.nan_to_num(_column(features, "days_since_last_round"), nan=np.inf)


def _n_investors(features: pl.DataFrame) -> np.ndarray:
    return np.nan_to_num(_column(features, "n_investors"), nan=0.0)


def most_active(features: pl.DataFrame) -> np.ndarray:
    """Rounds in the last 24 months, ties by rounds ever (one score: the 24-month count, plus the
    count ever scaled below one step of it). No rounds counts as 0."""
    recent = np.nan_to_num(_column(features, "n_rounds_24m"), nan=0.0)
    ever = np.nan_to_num(_column(features, "n_rounds"), nan=0.0)
    return recent + ever / (ever.max(initial=0.0) + 1.0)


# what the naive rankings read of the population (besides company_id)
BASELINE_COLUMNS = (
    "total_raised_usd",
    "days_since_last_round",
    "n_investors",
    "n_rounds_24m",
    "n_rounds",
)
MOST_ACTIVE = "most_active"
BASELINES: Mapping[str, Callable[[pl.DataFrame], np.ndarray]] = {
    "random": _random,
    "total_raised_usd": _total_raised,
    "most_recent_round": _most_recent_round,
    "n_investors": _n_investors,
    MOST_ACTIVE: most_active,
}


TrainFn = Callable[[duckdb.DuckDBPyConnection, date], Any]


def success_train_fn(cfg: Mapping[str, Any]) -> TrainFn:
    """The production trainer as of a cutoff: `fit_success_model` on the features known at the
    cutoff, whose own training cutoffs close their outcome windows by the data end seen then."""

    def train(con: duckdb.DuckDBPyConnection, cutoff: date):
        model, _ = fit_success_model(con, extent_as_of(con, cutoff), dict(cfg))
        return model

    return train


def _data_end(con: duckdb.DuckDBPyConnection) -> date | None:
    return con.sql(
        "SELECT greatest((SELECT max(funded_on) FROM core.funding_rounds), "
        "(SELECT max(exited_on) FROM core.company_exits))"
    ).fetchall()[0][0]


PREDICT_CHUNK_ROWS = 200_000


def results_schema(ks: Sequence[int] = KS) -> dict[str, pl.DataType]:
    """Columns of a backtest's results, typed even when every metric is null (a tiny population
    with a single class, or no model fitted) or there is no row at all."""
    metrics = [m for k in ks for m in (f"precision@{k}", f"lift@{k}")]
    return {
        "cutoff": pl.Date(),
        "horizon_end": pl.Date(),
        "method": pl.String(),
        "n": pl.Int64(),
        "positives": pl.Int64(),
        "base_rate": pl.Float64(),
        **{m: pl.Float64() for m in metrics},
        "auc_pr": pl.Float64(),
        "auc_roc": pl.Float64(),
        "brier": pl.Float64(),
        "skipped_reason": pl.String(),
    }


def _skipped_reason(y: np.ndarray, fitted: bool) -> str | None:
    """Why a row of the backtest has no AUC (None when it has one)."""
    if not fitted:
        return "no model could be fitted on the data known at the cutoff"
    if not len(y):
        return "no company in the population at the cutoff"
    if y.min() == y.max():
        return f"one outcome class only ({int(y.sum())} positives of {len(y)}): AUC undefined"
    return None


def backtest_with_predictions(
    con: duckdb.DuckDBPyConnection,
    cutoffs: Sequence[date],
    horizon_months: int,
    train_fn: TrainFn | None,
    baselines: Mapping[str, Callable[[pl.DataFrame], np.ndarray]] = BASELINES,
    ks: Sequence[int] = KS,
) -> tuple[pl.DataFrame, dict[date, pl.DataFrame]]:
    """Like `backtest`, also returning each cutoff's scored population: company_id, label and
    one score column per method."""
    end = _data_end(con)
    rows: list[dict[str, Any]] = []
    scored: dict[date, pl.DataFrame] = {}
    for cutoff in cutoffs:
        horizon_end = add_months(cutoff, horizon_months)
        if end is None or horizon_end > end:
            raise ValueError(
                f"outcome window ({cutoff}, {horizon_end}] is not observable: data end at {end}"
            )
        # filtered in DuckDB, predicted a chunk at a time: at 3M companies the whole known set
        # and one pandas copy of the population took the evaluation to a 9.5 GiB peak
        # only the columns the model and the naive rankings read leave DuckDB
        population = population_as_of(
            con, cutoff, columns=[*model_input_columns(), *BASELINE_COLUMNS]
        )
        y = labels(con, population, cutoff, horizon_end)
        scores: dict[str, tuple[np.ndarray | None, bool]] = {}
        if train_fn is not None:
            model = train_fn(con, cutoff)
            prob = None
            if model is not None:
                prob = np.concatenate(
                    [np.empty(0)]
                    + [
                        model.predict_proba(population.slice(start, PREDICT_CHUNK_ROWS))
                        for start in range(0, population.height, PREDICT_CHUNK_ROWS)
                    ]
                )
            scores[MODEL_METHOD] = (prob, True)
        for name, fn in baselines.items():
            scores[name] = (np.asarray(fn(population), dtype=float), False)
        frame = population.select("company_id").with_columns(pl.Series("label", y))
        for method, (s, is_prob) in scores.items():
            row: dict[str, Any] = {
                "cutoff": cutoff,
                "horizon_end": horizon_end,
                "method": method,
                "skipped_reason": _skipped_reason(y, s is not None),
            }
            if s is None:
                base = float(y.mean()) if len(y) else None
                row |= {"n": len(y), "positives": int(y.sum()), "base_rate": base}
            else:
                if len(s) != len(y):
                    raise ValueError(f"{method} gave {len(s)} scores for {len(y)} rows")
                row |= ranking_metrics(y, s, ks, probability=is_prob)
                frame = frame.with_columns(pl.Series(method, s, dtype=pl.Float64))
            rows.append(row)
        scored[cutoff] = frame
    return pl.DataFrame(rows, schema=results_schema(ks)), scored


def backtest(
    con: duckdb.DuckDBPyConnection,
    cutoffs: Sequence[date],
    horizon_months: int,
    train_fn: TrainFn | None,
    baselines: Mapping[str, Callable[[pl.DataFrame], np.ndarray]] = BASELINES,
    ks: Sequence[int] = KS,
) -> pl.DataFrame:
    """One row per (cutoff, method): the model trained by `train_fn(con, cutoff)` (only data known
    at the cutoff; method "model", metrics null when it could not be fitted) and each baseline,
    scored on the population at the cutoff against outcomes in (cutoff, cutoff + horizon].
    Raises when an outcome window ends after the data does."""
    return backtest_with_predictions(con, cutoffs, horizon_months, train_fn, baselines, ks)[0]
