"""What validating a suite found: one `Outcome` per expectation, a `SuiteOutcome` per table, the
same whichever executor (GX on a frame, or SQL in DuckDB) produced them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from quality.spec import CRITICAL, Expectation, Suite

SAMPLE_ROWS = 5  # offending rows (and values) shown for a failed expectation


def display_columns(suite: Suite, e: Expectation, available) -> list[str]:
    """The columns shown beside an offending row: the suite's row id, the columns the expectation
    checks, then those its row condition reads (those of them in `available`)."""
    cols = [*suite.row_id, *e.columns, *e.condition_columns]
    return [c for c in dict.fromkeys(cols) if c in available]


@dataclass
class Outcome:
    """The result of one expectation on the whole frame."""

    expectation: Expectation
    success: bool
    description: str
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    observed_value: Any = None
    sample_values: list = field(default_factory=list)
    offending_rows: pl.DataFrame | None = None
    error: str | None = None

    @property
    def severity(self) -> str:
        return self.expectation.severity


@dataclass
class SuiteOutcome:
    """Every expectation of a suite on one frame, with timings."""

    suite: Suite
    rows: int
    outcomes: list[Outcome]
    fetch_seconds: float = 0.0
    validate_seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)
    method: str = "GX on every row"

    def of(self, severity: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.severity == severity]

    def failed(self, severity: str | None = None) -> list[Outcome]:
        return [
            o for o in self.outcomes if not o.success and severity in (None, o.expectation.severity)
        ]

    def passed(self, severity: str = CRITICAL) -> bool:
        return not self.failed(severity)
