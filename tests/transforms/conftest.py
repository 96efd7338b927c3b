import duckdb
import pytest

from warehouse.sql import install_macros


@pytest.fixture(scope="module")
def con():
    """An in-memory DuckDB connection with the staging macros installed."""
    c = duckdb.connect()
    install_macros(c)
    yield c
    c.close()
