"""Data-quality gate: Great Expectations (GX Core 1.x) suites for the warehouse tables.

- `quality/suites/*.yaml`: one readable suite per table, versioned with the code.
- `quality.spec`: load and describe suites (no GX import: safe at code-location load).
- `quality.conditions`: row conditions as data, rendered for GX and as DuckDB SQL.
- `quality.parameters`: the values suites refer to with `{$PARAMETER: name}` (today, ISO codes...).
- `quality.runner`: fetch only the columns a suite needs from DuckDB into pandas and validate the
  whole frame with GX (imported lazily, one ephemeral context per process).
- `quality.sql_checks`: the same expectations counted in DuckDB, for tables past `gx_max_rows`.
- `quality.outcomes`: what either executor found, per expectation and per suite.
- `quality.checks`: the Dagster asset-check factory (blocking errors, non-blocking warnings).
"""
