"""Frame helpers shared by the CSVs and the pack: rounding, safe links, lists as text."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl

# decimals kept in what analysts read: scores, rates and probabilities (0..1) to 3, amounts to 0
DECIMALS = 3
MONEY_DECIMALS = 0
MONEY_SUFFIXES = ("_usd", "_eur")


def is_money(column: str) -> bool:
    return column.endswith(MONEY_SUFFIXES)


def round_floats(
    frame: pl.DataFrame, decimals: int = DECIMALS, money_decimals: int = MONEY_DECIMALS
) -> pl.DataFrame:
    """Every float column rounded: amounts (`*_usd`, `*_eur`) to `money_decimals`, the others to
    `decimals`, so a CSV shows 0.93, not 0.9299999999999999."""
    return frame.with_columns(
        pl.col(name).round(money_decimals if is_money(name) else decimals)
        for name, dtype in frame.schema.items()
        if dtype.is_float()
    )


def lists_as_text(frame: pl.DataFrame, separator: str = "; ") -> pl.DataFrame:
    """List columns joined into text (a CSV or spreadsheet cell holds one value)."""
    return frame.with_columns(
        pl.col(name).list.join(separator)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )


def safe_url(value: object) -> str | None:
    """`value` when it is an http(s) address with a host, else None: only such links are written
    into a spreadsheet or a page (never `javascript:` or a local file)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        return None
    return text


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` beside `target` under a temporary name, flush it to disk, then rename it into
    place: a reader never sees half a file, and a failure leaves the old file as it was."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
