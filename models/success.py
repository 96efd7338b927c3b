"""Success model: probability that a funded, not-yet-exited company raises a new round or exits
within the horizon after the scoring date.

Shaped like a scikit-learn estimator: parameters in `__init__`, `fit` returns self, learned
attributes end in `_`. Training rows come from earlier cutoffs whose outcome windows closed on or
before the scoring date (see `training_cutoffs`), so no label peeks past it.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder

MODEL_VERSION = "success-hgb-1"

NUMERIC = (
    "age_years",
    "n_rounds",
    "n_rounds_24m",
    "total_raised_usd",
    "raised_24m_usd",
    "days_since_first_round",
    "days_since_last_round",
    "mean_days_between_rounds",
    "last_round_usd",
    "max_stage_order",
    "n_equity_rounds",
    "n_debt_grant_rounds",
    "step_up",
    "n_investors",
    "n_top_investors",
    "investor_exit_rate",
    "n_fra_investors",
    "n_are_investors",
    "n_acquisitions_made",
    "n_models",
    "max_training_compute_flop",
    "ai_signal",
)
CATEGORICAL = ("vertical", "sector", "last_stage", "country_group")
LOG_SCALED = ("total_raised_usd", "raised_24m_usd", "last_round_usd", "max_training_compute_flop")
TOP_COUNTRIES = (
    "USA",
    "GBR",
    "FRA",
    "ARE",
    "DEU",
    "ISR",
    "CAN",
    "IND",
    "CHN",
    "ESP",
    "NLD",
    "SWE",
    "CHE",
    "SGP",
    "JPN",
    "BRA",
    "IRL",
    "AUS",
    "KOR",
    "ITA",
)


def model_matrix(features: pl.DataFrame) -> pl.DataFrame:
    """The model's input columns from a features frame (as produced by company_features.sql)."""
    return (
        features.with_columns(
            pl.col("fra_investors").list.len().alias("n_fra_investors"),
            pl.col("are_investors").list.len().alias("n_are_investors"),
            pl.col("ai_signal").cast(pl.Float64),
            pl.when(pl.col("country_code").is_in(TOP_COUNTRIES))
            .then(pl.col("country_code"))
            .otherwise(pl.lit("other"))
            .alias("country_group"),
            *[pl.col(c).cast(pl.Float64).clip(lower_bound=0).log1p() for c in LOG_SCALED],
        )
        .select([*NUMERIC, *CATEGORICAL])
        .with_columns([pl.col(c).cast(pl.Float64) for c in NUMERIC if c not in LOG_SCALED])
    )


def _to_pandas(frame: pl.DataFrame):
    pdf = frame.to_pandas()
    for c in CATEGORICAL:
        pdf[c] = pdf[c].astype("object").where(pdf[c].notna(), "missing")
    return pdf


class SuccessModel:
    """Calibrated gradient boosting on funding, investor and taxonomy features."""

    version = MODEL_VERSION

    def __init__(
        self,
        random_state: int = 0,
        max_iter: int = 200,
        learning_rate: float = 0.05,
        calibration: str = "isotonic",
        cv: int = 3,
    ) -> None:
        self.random_state = random_state
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.calibration = calibration
        self.cv = cv

    def _pipeline(self, numeric: list[str]) -> Pipeline:
        encode = ColumnTransformer(
            [
                ("num", FunctionTransformer(), numeric),
                (
                    "cat",
                    OrdinalEncoder(
                        handle_unknown="use_encoded_value",
                        unknown_value=-1,
                        encoded_missing_value=-1,
                    ),
                    list(CATEGORICAL),
                ),
            ],
            verbose_feature_names_out=False,
        )
        n_num = len(numeric)
        clf = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            random_state=self.random_state,
            categorical_features=[False] * n_num + [True] * len(CATEGORICAL),
        )
        return Pipeline([("encode", encode), ("model", clf)])

    def fit(self, features: pl.DataFrame, labels: np.ndarray) -> SuccessModel:
        X = _to_pandas(model_matrix(features))
        y = np.asarray(labels, dtype=int)
        # a feature with no value at all in training carries nothing (and cannot be binned)
        self.numeric_features_ = [c for c in NUMERIC if X[c].notna().any()]
        cv = max(2, min(self.cv, int(np.bincount(y, minlength=2).min())))
        self.model_ = CalibratedClassifierCV(
            self._pipeline(self.numeric_features_), method=self.calibration, cv=cv
        )
        self.model_.fit(X, y)
        self.base_rate_ = float(y.mean())
        self.n_train_ = len(y)
        return self

    def predict_proba(self, features: pl.DataFrame) -> np.ndarray:
        """Calibrated probability of the positive outcome, one per row."""
        if features.is_empty():
            return np.empty(0)
        return self.model_.predict_proba(_to_pandas(model_matrix(features)))[:, 1]
