"""Ranking metrics of a score against outcomes (precision@k, lift@k, AUC-PR, AUC-ROC, Brier):
what the backtest reports and the training hold-out measures. Free of Dagster.

Ties in a ranking are broken deterministically by row order, so precision@k never depends on
sort instability.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

KS = (25, 50, 100)


def ranking_order(score: np.ndarray) -> np.ndarray:
    """Row indices, best score first; ties (and NaN, ranked last) keep row order."""
    s = np.asarray(score, dtype=float)
    s = np.where(np.isnan(s), -np.inf, s)
    return np.lexsort((np.arange(len(s)), -s))


def precision_at_k(y: np.ndarray, score: np.ndarray, k: int) -> float | None:
    """Share of positives among the top `k` by score (None when fewer than `k` rows)."""
    y = np.asarray(y, dtype=int)
    if k <= 0 or len(y) < k:
        return None
    return float(y[ranking_order(score)[:k]].mean())


def ranking_metrics(
    y: Sequence[int] | np.ndarray,
    score: Sequence[float] | np.ndarray,
    ks: Sequence[int] = KS,
    probability: bool = False,
) -> dict[str, Any]:
    """precision@k and lift@k (precision@k / base rate) for each k, AUC-PR (average precision),
    AUC-ROC, the Brier score (only when `score` is a probability, else None), base rate and n.
    AUCs are None when `y` holds a single class."""
    from sklearn.metrics import average_precision_score, roc_auc_score  # deferred: heavy

    y = np.asarray(y, dtype=int)
    s = np.asarray(score, dtype=float)
    if y.shape != s.shape:
        raise ValueError(f"y has {y.shape} values, score {s.shape}")
    n = len(y)
    base = float(y.mean()) if n else None
    out: dict[str, Any] = {"n": n, "positives": int(y.sum()), "base_rate": base}
    for k in ks:
        p = precision_at_k(y, s, k)
        out[f"precision@{k}"] = p
        out[f"lift@{k}"] = p / base if p is not None and base else None
    both = n > 0 and 0 < y.sum() < n
    ranked = np.where(np.isnan(s), -np.inf, s)
    # sklearn rejects infinities: put NaN just below the lowest finite score
    finite = ranked[np.isfinite(ranked)]
    floor = (finite.min() - 1.0) if len(finite) else 0.0
    ranked = np.where(np.isfinite(ranked), ranked, floor)
    out["auc_pr"] = float(average_precision_score(y, ranked)) if both else None
    out["auc_roc"] = float(roc_auc_score(y, ranked)) if both else None
    out["brier"] = (
        float(np.mean((np.nan_to_num(s, nan=base or 0.0) - y) ** 2))
        if (probability and n)
        else None
    )
    return out
