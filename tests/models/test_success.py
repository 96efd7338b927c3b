"""The success model learns signal, is deterministic, and its training cutoffs never peek ahead."""

from datetime import date

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from models.calendar import WINDOW, add_months, training_windows
from models.success import (
    CATEGORICAL,
    FACTOR_GROUPS,
    NUMERIC,
    SuccessModel,
    _to_pandas,
    model_matrix,
)


def synthetic_features(n: int, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    recency = rng.integers(10, 2000, n)
    investors = rng.poisson(2, n)
    logit = 1.5 - recency / 500 + 0.4 * investors
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pl.DataFrame(
        {
            "age_years": rng.uniform(0, 15, n),
            "n_rounds": rng.integers(1, 6, n),
            "n_rounds_24m": rng.integers(0, 3, n),
            "total_raised_usd": rng.lognormal(15, 2, n),
            "raised_24m_usd": rng.lognormal(14, 2, n),
            "days_since_first_round": rng.integers(10, 4000, n),
            "days_since_last_round": recency,
            "mean_days_between_rounds": rng.uniform(100, 900, n),
            "last_round_usd": rng.lognormal(15, 2, n),
            "max_stage_order": rng.integers(1, 7, n),
            "n_equity_rounds": rng.integers(1, 5, n),
            "n_debt_grant_rounds": rng.integers(0, 2, n),
            "step_up": rng.uniform(0.5, 4, n),
            "n_investors": investors,
            "n_top_investors": rng.integers(0, 2, n),
            "investor_exit_rate": rng.uniform(0, 0.5, n),
            "fra_investors": [[] for _ in range(n)],
            "are_investors": [[] for _ in range(n)],
            "n_acquisitions_made": np.zeros(n, dtype=int),
            "n_models": np.zeros(n, dtype=int),
            "max_training_compute_flop": [None] * n,
            "ai_signal": rng.random(n) < 0.2,
            "vertical": [None] * n,
            "sector": rng.choice(["health", "software"], n).tolist(),
            "last_stage": rng.choice(["seed", "series_a"], n).tolist(),
            "country_code": rng.choice(["USA", "FRA", "ZZZ"], n).tolist(),
            "age_at_first_round": rng.uniform(0, 5, n),
            "n_rounds_12m": rng.integers(0, 2, n),
            "last_gap_days": rng.uniform(100, 900, n),
            "first_round_usd": rng.lognormal(14, 2, n),
            "max_round_usd": rng.lognormal(15, 2, n),
            "investor_follow_on_max": rng.uniform(0, 1, n),
            "investor_follow_on_mean": rng.uniform(0, 1, n),
            "investor_portfolio_max": rng.integers(1, 300, n),
            "n_last_round_investors": rng.integers(0, 4, n),
            "category_rate_max": rng.uniform(0.2, 0.6, n),
            "category_rate_mean": rng.uniform(0.2, 0.5, n),
            "region_rate": rng.uniform(0.2, 0.5, n),
        },
        schema_overrides={
            "fra_investors": pl.List(pl.String),
            "are_investors": pl.List(pl.String),
            "max_training_compute_flop": pl.Float64,
            "vertical": pl.String,
        },
    )
    return frame, y


def test_model_learns_signal_and_is_calibrated_probabilities():
    X, y = synthetic_features(3000, 1)
    Xt, yt = synthetic_features(1000, 2)
    model = SuccessModel().fit(X, y)
    p = model.predict_proba(Xt)
    assert p.shape == (1000,) and p.min() >= 0 and p.max() <= 1
    assert roc_auc_score(yt, p) > 0.7
    assert abs(p.mean() - yt.mean()) < 0.05  # calibrated on average


def test_fit_is_deterministic():
    X, y = synthetic_features(800, 3)
    a = SuccessModel().fit(X, y).predict_proba(X)
    b = SuccessModel().fit(X, y).predict_proba(X)
    assert np.array_equal(a, b)


def test_training_windows_close_on_or_before_data_end():
    end = date(2015, 12, 5)
    windows = training_windows(end, 24, 4, 6)
    cutoffs = [c for c, _ in windows]
    assert cutoffs == [date(2013, 12, 5), date(2013, 6, 5), date(2012, 12, 5), date(2012, 6, 5)]
    assert all(months == 24 for _, months in windows)
    assert all(add_months(c, 24) <= end for c in cutoffs)


def test_newer_cutoffs_see_shorter_windows_that_still_close_by_data_end():
    end = date(2015, 12, 31)
    windows = training_windows(end, 24, 6, 6, newest_window_months=6)
    assert [w for _, w in windows] == [6, 12, 18, 24, 24, 24]
    assert windows[0][0] == date(2015, 6, 30) and windows[-1][0] == date(2012, 12, 31)
    for cutoff, months in windows:
        assert add_months(cutoff, months) <= end
    assert training_windows(end, 24, 2, 6) == [(date(2013, 12, 31), 24), (date(2013, 6, 30), 24)]
    with pytest.raises(ValueError, match="newest_window_months"):
        training_windows(end, 24, 2, 6, newest_window_months=30)


def test_window_length_is_an_input_and_scoring_asks_for_the_whole_horizon():
    """Rows seen for 3 months are mostly negative whatever they look like; the model must not
    carry that into its horizon-long predictions."""
    X, y = synthetic_features(3000, 7)
    rng = np.random.default_rng(8)
    short = rng.random(len(y)) < 0.5
    y_seen = np.where(short & (rng.random(len(y)) < 0.8), 0, y)  # most events fall after 3 m
    windows = pl.Series(WINDOW, np.where(short, 3, 24), dtype=pl.Int32)
    model = SuccessModel().fit(X.with_columns(windows), y_seen)
    assert WINDOW in model.numeric_features_
    Xt, yt = synthetic_features(1000, 9)
    p = model.predict_proba(Xt)
    assert abs(p.mean() - yt.mean()) < 0.05  # the horizon's rate, not the mixed windows'
    # the frame's own window column is ignored when scoring: always the horizon
    assert np.array_equal(p, model.predict_proba(Xt.with_columns(pl.lit(3).alias(WINDOW))))
    # every row of one length: the window says nothing and is no input
    assert WINDOW not in SuccessModel().fit(X, y).numeric_features_


def test_add_months_clamps_month_end():
    assert add_months(date(2016, 3, 31), -1) == date(2016, 2, 29)
    assert add_months(date(2015, 1, 31), 13) == date(2016, 2, 29)


def test_every_model_input_belongs_to_exactly_one_factor_group():
    grouped = [c for cols in FACTOR_GROUPS.values() for c in cols]
    assert sorted(grouped) == sorted([*NUMERIC, *CATEGORICAL])


def test_contributions_point_at_the_factors_that_drive_the_outcome():
    X, y = synthetic_features(3000, 4)
    model = SuccessModel().fit(X, y)
    contrib = model.contributions(X[:400])
    assert contrib.columns == list(FACTOR_GROUPS) and contrib.height == 400
    strength = contrib.select(pl.all().abs().mean()).row(0, named=True)
    # the synthetic outcome depends on recency and investor count only
    top_two = sorted(strength, key=strength.get, reverse=True)[:2]
    assert set(top_two) == {"funding_recency", "investors"}, strength
    assert strength["nexus_investors"] < 0.05 * strength["funding_recency"]
    # sign: a very recent round pushes the probability up, a stale one down
    recency = X[:400]["days_since_last_round"].to_numpy()
    effect = contrib["funding_recency"].to_numpy()
    assert effect[recency < 200].mean() > 0 > effect[recency > 1500].mean()


def test_alternative_learners_also_learn_the_signal():
    X, y = synthetic_features(2000, 5)
    Xt, yt = synthetic_features(800, 6)
    for estimator in ("logistic", "random_forest"):
        model = SuccessModel(estimator=estimator).fit(X, y)
        assert roc_auc_score(yt, model.predict_proba(Xt)) > 0.7, estimator
        assert model.describe()["estimator"] == estimator
    try:
        SuccessModel(estimator="svm").fit(X, y)
    except ValueError as e:
        assert "unknown estimator" in str(e)
    else:
        raise AssertionError("an unknown learner must be refused")


def test_fast_contributions_agree_with_the_ensembles_occlusion():
    X, y = synthetic_features(3000, 7)
    model = SuccessModel().fit(X, y)
    fast = model.contributions(X[:500])
    model.calibration = "isotonic"  # any other calibration takes the ensemble path
    slow = model.contributions(X[:500])
    for group in ("funding_recency", "investors"):
        a, b = fast[group].to_numpy(), slow[group].to_numpy()
        assert np.corrcoef(a, b)[0, 1] > 0.75, group  # one fold vs the 3-fold ensemble
        assert 0.5 < np.abs(a).mean() / np.abs(b).mean() < 2, group


def test_rows_at_the_reference_are_skipped_without_changing_any_contribution():
    """Occlusion predicts again only the rows a group moves; the result equals masking every row."""
    X, y = synthetic_features(3000, 8)
    model = SuccessModel().fit(X, y)
    rows = X[:400].with_columns(  # half the rows sit at the reference for the investors group
        pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.lit(model.reference_[c]))
        .otherwise(pl.col(c))
        .cast(X.schema[c])
        .alias(c)
        for c in FACTOR_GROUPS["investors"]
        if c in X.columns and not isinstance(model.reference_[c], str)
    )
    fast = model.contributions(rows)
    fold = model.model_.calibrated_classifiers_[0]
    encode, clf = fold.estimator.named_steps["encode"], fold.estimator.named_steps["model"]
    slope = -float(fold.calibrators[0].a_)
    Z = np.asarray(encode.transform(_to_pandas(model_matrix(rows))), dtype=float)  # all rows
    X_rows = _to_pandas(model_matrix(rows))
    reference = X_rows.head(1).copy()
    for c in X_rows.columns:
        reference[c] = model.reference_[c]
    ref = np.asarray(encode.transform(reference), dtype=float)[0]
    names = [*model.numeric_features_, *CATEGORICAL]
    full = clf.decision_function(Z)
    for group, columns in FACTOR_GROUPS.items():
        idx = [names.index(c) for c in columns if c in names]
        masked = Z.copy()
        masked[:, idx] = ref[idx]
        expected = slope * (full - clf.decision_function(masked)) if idx else np.zeros(len(Z))
        np.testing.assert_allclose(fast[group].to_numpy(), expected, rtol=0, atol=1e-12)
    assert (fast["investors"].to_numpy()[::2] == 0).all()
    assert (fast["investors"].to_numpy()[1::2] != 0).mean() > 0.5


def test_parallel_workers_give_the_same_probabilities_and_factors_row_by_row(monkeypatch):
    """n_jobs splits rows into blocks predicted in threads: same values, same order."""
    import models.success as success

    X, y = synthetic_features(3000, 9)
    model = SuccessModel().fit(X, y)
    one = model.predict_proba(X), model.contributions(X)
    monkeypatch.setattr(success, "PARALLEL_MIN_ROWS", 700)  # 3000 rows: 3 blocks of 1000
    model.n_jobs = 3
    seen: list[int] = []
    predict_block = model._predict_block
    monkeypatch.setattr(
        model, "_predict_block", lambda f: seen.append(f.height) or predict_block(f)
    )
    three = model.predict_proba(X), model.contributions(X)
    assert seen == [1000, 1000, 1000]
    assert np.array_equal(one[0], three[0])
    assert one[1].equals(three[1])


def test_too_few_positives_to_fit(monkeypatch):
    """Calibration cross-validates in stratified folds: with a single positive (as of late 2025 on
    the real data, where only current-source companies raise again) the fit is skipped, not
    failed; below the configured minimum of outcomes too."""
    from models import training
    from models.thesis import load_thesis

    X, _ = synthetic_features(300, 3)
    y = np.zeros(300, dtype=int)
    y[7] = 1
    windows = [(date(2023, 9, 9), 24)]
    rows = (X.with_columns(pl.lit(24).alias(WINDOW)), y, np.full(300, 738772), windows)
    monkeypatch.setattr(training, "data_end", lambda features: date(2025, 9, 9))
    monkeypatch.setattr(training, "training_rows", lambda con, end, cfg: rows)
    cfg = load_thesis()["success_model"] | {"min_training_positives": 0}
    model, report = training.fit_success_model(None, X, cfg)
    assert model is None
    assert report.skipped_reason == "300 training rows with 1 positives: too few to fit"
    y[8] = 1  # two of each class: fitted
    model, report = training.fit_success_model(None, X, cfg)
    assert model is not None and report.skipped_reason is None
    # ... unless the configured minimum of outcomes (50) is not reached
    model, report = training.fit_success_model(None, X, load_thesis()["success_model"])
    assert model is None and "2 positives: too few" in report.skipped_reason


def test_monotonic_inputs_never_lower_the_chance_as_they_grow():
    X, _ = synthetic_features(3000, 7)
    rng = np.random.default_rng(7)
    busy = rng.integers(0, 9, X.height)
    X = X.with_columns(pl.Series("n_rounds_24m", busy))
    # a dip the data carries: the busiest companies (6+ rounds) succeed less often here
    y = (rng.random(X.height) < np.where(busy >= 6, 0.2, 0.2 + 0.1 * busy)).astype(int)
    probe = pl.concat([X.head(20).with_columns(pl.lit(r).alias("n_rounds_24m")) for r in range(9)])
    free = SuccessModel().fit(X, y).predict_proba(probe).reshape(9, 20)
    tied = SuccessModel(monotonic={"n_rounds_24m": 1}).fit(X, y).predict_proba(probe)
    tied = tied.reshape(9, 20)
    assert (np.diff(free, axis=0) < -1e-9).any()  # unconstrained, it learns the dip
    assert (np.diff(tied, axis=0) >= -1e-12).all()  # constrained, never lower with more rounds


def test_monotonic_constraint_on_an_unknown_input_is_refused():
    X, y = synthetic_features(300, 8)
    with pytest.raises(ValueError, match="unknown numeric inputs: \\['rounds_ever'\\]"):
        SuccessModel(monotonic={"rounds_ever": 1}).fit(X, y)
