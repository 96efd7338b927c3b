"""Row conditions: which rows an expectation applies to, stated once as data.

A suite writes a condition as a mapping (or a list of them, all of which must hold):

    row_condition: {column: lane, op: "!=", value: portfolio}
    row_condition: {column: vertical, op: is_not_null}
    row_condition: [{column: n_listed, op: ">", value: 0}, {column: method, op: "==", value: model}]

`value` is a number, text or boolean (a list of them for `in` / `not_in`), or a run-time value
`{$PARAMETER: name}`. Nothing parses text: `gx_condition` builds GX Core's own condition objects
(`great_expectations.expectations.row_conditions`, run by GX on the pandas frame) and
`sql_condition` the DuckDB predicate of the SQL executor, from the same `Condition`s, with the
same rules for missing values as pandas: a NULL (or NaN) matches `!=`, `not_in` and `is_null`, and
no other operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warehouse.tables import quote_identifier, quote_literal

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
MEMBERSHIP = ("in", "not_in")
NULLITY = ("is_null", "is_not_null")
OPERATORS = (*COMPARISONS, *MEMBERSHIP, *NULLITY)
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
_SQL_OPERATORS = {"==": "=", "!=": "<>", "in": "IN", "not_in": "NOT IN"}
_KEYS = {"column", "op", "value"}


class ConditionError(ValueError):
    """A row condition that is not a {column, op, value} mapping (or a list of them)."""


@dataclass(frozen=True)
class Condition:
    """`column` `op` `value`: one test a row must pass for an expectation to look at it."""

    column: str
    op: str
    value: Any = None

    @property
    def parameter(self) -> str | None:
        """The suite parameter the value refers to, if any."""
        if isinstance(self.value, dict):
            return self.value["$PARAMETER"]
        return None

    def resolved(self, parameters: dict[str, Any] | None) -> Any:
        """The value, its `{$PARAMETER: name}` looked up in `parameters`."""
        name = self.parameter
        if name is None:
            return self.value
        if parameters is None or name not in parameters:
            raise ConditionError(f"row condition on `{self.column}`: no value for ${name}")
        return parameters[name]

    def describe(self, parameters: dict[str, Any] | None = None) -> str:
        """Plain language, e.g. `lane` != "portfolio", `vertical` is not null."""
        col = f"`{self.column}`"
        if self.op in NULLITY:
            return f"{col} {self.op.replace('_', ' ')}"
        name = self.parameter
        if name is not None and (parameters is None or name not in parameters):
            return f"{col} {self.op} ${name}"
        value = self.resolved(parameters)
        shown = (
            "{" + ", ".join(_shown(v) for v in value) + "}"
            if self.op in MEMBERSHIP
            else _shown(value)
        )
        return f"{col} {self.op.replace('_', ' ')} {shown}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) or (
        isinstance(value, dict) and set(value) == {"$PARAMETER"}
    )


def _one(raw: Any) -> Condition:
    if not isinstance(raw, dict) or not isinstance(raw.get("column"), str):
        raise ConditionError(
            f"row_condition {raw!r} must be a mapping {{column, op, value}} "
            '(e.g. {column: lane, op: "!=", value: portfolio}), or a list of them'
        )
    unknown = set(raw) - _KEYS
    op = raw.get("op")
    if unknown:
        raise ConditionError(
            f"row_condition on `{raw['column']}`: unknown key(s) {sorted(unknown)}"
        )
    if op not in OPERATORS:
        raise ConditionError(f"row_condition on `{raw['column']}`: op must be one of {OPERATORS}")
    value = raw.get("value")
    if op in NULLITY:
        ok = value is None
    elif op in MEMBERSHIP:
        ok = (isinstance(value, list) and all(isinstance(v, str | int | float) for v in value)) or (
            isinstance(value, dict) and _scalar(value)
        )
    else:
        ok = value is not None and _scalar(value)
    if not ok:
        wanted = {
            "is_null": "no value",
            "is_not_null": "no value",
            "in": "a list (or {$PARAMETER: name})",
            "not_in": "a list (or {$PARAMETER: name})",
        }.get(op, "a number, text, true/false or {$PARAMETER: name}")
        raise ConditionError(f"row_condition on `{raw['column']}` {op}: value must be {wanted}")
    return Condition(raw["column"], op, value)


def parse_conditions(raw: Any) -> tuple[Condition, ...]:
    """The conditions of a suite's `row_condition` (none when absent)."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise ConditionError("row_condition: an empty list (leave the key out instead)")
    return tuple(_one(item) for item in items)


def describe_conditions(
    conditions: tuple[Condition, ...], parameters: dict[str, Any] | None = None
) -> str:
    return " and ".join(c.describe(parameters) for c in conditions)


# --- GX --------------------------------------------------------------------------------------------


def gx_condition(conditions: tuple[Condition, ...], parameters: dict[str, Any] | None = None):
    """GX Core's condition object for the conditions (None when there is none): GX renders it for
    the pandas frame itself."""
    if not conditions:
        return None
    # deferred: great_expectations costs seconds to import; only a check that runs GX needs it
    from great_expectations.expectations.row_conditions import AndCondition, Column

    built = []
    for c in conditions:
        column = Column(c.column)
        if c.op in NULLITY:
            built.append(column.is_null() if c.op == "is_null" else column.is_not_null())
            continue
        value = c.resolved(parameters)
        if c.op == "in":
            built.append(column.is_in(value))
        elif c.op == "not_in":
            built.append(column.is_not_in(value))
        else:
            built.append(
                {
                    "==": column.__eq__,
                    "!=": column.__ne__,
                    "<": column.__lt__,
                    "<=": column.__le__,
                    ">": column.__gt__,
                    ">=": column.__ge__,
                }[c.op](value)
            )
    return built[0] if len(built) == 1 else AndCondition(conditions=built)


# --- SQL -------------------------------------------------------------------------------------------


def missing_sql(column: str, types: dict[str, str]) -> str:
    """The column's value is missing: NULL, or NaN in a floating-point column (as pandas sees it)."""
    col = quote_identifier(column)
    if types.get(column, "").upper() in FLOAT_TYPES:
        return f"({col} IS NULL OR isnan({col}))"
    return f"{col} IS NULL"


def literal_sql(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return quote_literal(value)


def sql_condition(
    conditions: tuple[Condition, ...],
    types: dict[str, str],
    parameters: dict[str, Any] | None = None,
) -> str:
    """The DuckDB predicate of the conditions ("TRUE" when there is none)."""
    parts = []
    for c in conditions:
        missing = missing_sql(c.column, types)
        if c.op in NULLITY:
            parts.append(missing if c.op == "is_null" else f"NOT {missing}")
            continue
        value = c.resolved(parameters)
        col = quote_identifier(c.column)
        if c.op in MEMBERSHIP and not value:
            test = "FALSE" if c.op == "in" else "TRUE"
        elif c.op in MEMBERSHIP:
            listed = ", ".join(literal_sql(v) for v in value)
            test = f"{col} {_SQL_OPERATORS[c.op]} ({listed})"
        else:
            test = f"{col} {_SQL_OPERATORS.get(c.op, c.op)} {literal_sql(value)}"
        if c.op in ("!=", "not_in"):
            parts.append(f"({missing} OR {test})")  # pandas: a missing value is "not equal"
        else:
            parts.append(f"(NOT {missing} AND {test})")  # and compares false otherwise
    return " AND ".join(parts) or "TRUE"
