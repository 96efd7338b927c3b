"""What the UI shows for a table: row count, column schema, preview; frames as Markdown."""

from __future__ import annotations

from datetime import date

import dagster as dg
import duckdb
import polars as pl

from warehouse.catalog import column_descriptions
from warehouse.tables import row_count

PREVIEW_ROWS = 10


def table_metadata(
    con: duckdb.DuckDBPyConnection, table: str, week: date | None = None, **extra: object
) -> dict:
    """Row count, column schema (with the column descriptions of `config/catalog.yaml`) and a
    preview of `table`, as Dagster metadata; with `week`, the preview shows that week's rows
    (`week_start`), the partition's own."""
    columns = con.sql(f"DESCRIBE {table}").pl()
    where = " WHERE week_start = ?" if week is not None else ""
    preview = con.sql(
        f"SELECT * FROM {table}{where} LIMIT {PREVIEW_ROWS}", params=[week] if week else None
    ).pl()
    described = column_descriptions(table)
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=r["column_name"],
                type=r["column_type"],
                description=described.get(r["column_name"]),
            )
            for r in columns.iter_rows(named=True)
        ]
    )
    return {
        "table": dg.MetadataValue.text(table),
        "dagster/row_count": dg.MetadataValue.int(row_count(con, table)),
        "dagster/column_schema": schema,
        "preview": dg.MetadataValue.md(markdown_table(preview)),
        **{k: v for k, v in extra.items() if v is not None},
    }


def markdown_table(frame: pl.DataFrame) -> str:
    """A small frame as a Markdown table (lists joined, long cells cut)."""
    if frame.is_empty():
        return "_(no rows)_"

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, float):
            value = _number(value)
        return str(value).replace("|", "\\|").replace("\n", " ")[:60]

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines)


def _number(value: float) -> str:
    """A float as an analyst reads it: 3 decimals at most (0.85, not 0.8499999999999999),
    amounts of 1,000 and more in whole units with thousands separators."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


INLINE_MD_LIMIT = 1000  # the Dagster UI shows Markdown metadata inline below this length


def bar_chart(label: str, value: str, rows: list[tuple[str, float | None]], width: int = 20) -> str:
    """A bar chart as a small Markdown table (bars of █, scaled to the largest value), short
    enough for the UI to show without a click; rows beyond the limit are left out."""
    top = max((v for _, v in rows if v is not None), default=0) or 1
    lines = [f"| {label} | {value} | |", "|---|---:|---|"]
    for name, v in rows:
        bar = "█" * round(width * v / top) if v is not None else ""
        line = f"| {name} | {'' if v is None else f'{v:.2f}'} | {bar} |"
        if sum(len(x) + 1 for x in lines) + len(line) > INLINE_MD_LIMIT - 1:
            break
        lines.append(line)
    return "\n".join(lines)
