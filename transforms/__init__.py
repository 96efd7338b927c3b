"""Pure data transforms (polars / DuckDB SQL in, polars out). No Dagster imports here."""

from pathlib import Path

# the transforms' SQL files (company_features.sql, investor_features.sql, ...)
SQL_DIR = Path(__file__).parent / "sql"
