"""Pure data transforms (polars / DuckDB SQL in, polars out). No Dagster imports here."""
