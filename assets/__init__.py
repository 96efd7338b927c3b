"""Dagster asset definitions, one folder per domain. Thin wrappers around `transforms/` and `models/`."""
