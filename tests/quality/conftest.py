"""Shared fixtures of the data-quality tests."""

import duckdb
import pytest


@pytest.fixture
def con():
    """An in-memory DuckDB with an empty schema `q` for the tables a test validates."""
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA q")
    yield connection
    connection.close()
