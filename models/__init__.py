"""Scoring models: pure functions and scikit-learn estimators. No Dagster imports here."""
