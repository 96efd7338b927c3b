"""Expectation suites as readable YAML, one file per table in `quality/suites/`.

A suite file names the table, the Dagster asset that writes it, the columns identifying a row
(shown beside offending values) and a list of expectations. Each expectation is a GX Core 1.x
expectation type (snake case, e.g. `expect_column_values_to_be_unique`) with its arguments inline,
plus optionally `severity` (`critical`, the default, blocks downstream assets; `warning` is only
shown) and `notes`. Values that depend on the run use GX's suite parameters, written
`{$PARAMETER: name}` (see `quality.parameters`). A `row_condition` is data,
`{column, op, value}` (or a list of them), kept as `Expectation.where` (`quality.conditions`).

One type is ours, for referential integrity across tables:

    - type: expect_column_values_to_be_in_table
      column: company_id
      table: core.companies        # table_column defaults to `column`

DuckDB computes, for each row, whether the value exists in the other table (a semi-join, exact on
the whole table); GX then expects that flag to be true (NULL values are ignored, as GX does).

This module does not import Great Expectations, so the code location can load it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from quality.conditions import Condition, ConditionError, describe_conditions, parse_conditions
from warehouse.config import PROJECT_DIR

SUITES_DIR = Path(__file__).resolve().parent / "suites"

CRITICAL = "critical"
WARNING = "warning"
SEVERITIES = (CRITICAL, WARNING)

IN_TABLE = "expect_column_values_to_be_in_table"
COLUMN_KEYS = ("column", "column_A", "column_B", "column_list")
SUITE_KEYS = {
    "name",
    "table",
    "asset",
    "description",
    "row_id",
    "partition_column",
    "order_by",
    "source",
    "check",
    "warning_check",
    "expectations",
}
BOUND_KEYS = ("min_value", "max_value", "value")


class SuiteError(ValueError):
    """A suite file is malformed: the message names the file and the expectation."""


@dataclass(frozen=True)
class Expectation:
    """One expectation of a suite, as written in the YAML (parameters unresolved)."""

    type: str
    kwargs: dict[str, Any]
    severity: str = CRITICAL
    notes: str | None = None
    index: int = 0
    where: tuple[Condition, ...] = ()  # the `row_condition`: the rows the expectation looks at

    @property
    def columns(self) -> list[str]:
        """Frame columns the expectation reads (its own columns, then its row condition's)."""
        cols: list[str] = []
        for key in COLUMN_KEYS:
            value = self.kwargs.get(key)
            if isinstance(value, str):
                cols.append(value)
            elif isinstance(value, list):
                cols.extend(value)
        return cols

    @property
    def condition_columns(self) -> list[str]:
        """Columns its `row_condition` reads."""
        return [c.column for c in self.where]

    @property
    def is_reference(self) -> bool:
        return self.type == IN_TABLE

    @property
    def reference(self) -> tuple[str, str]:
        """(table, column) a referential-integrity expectation points to."""
        return self.kwargs["table"], self.kwargs.get("table_column", self.kwargs["column"])

    @property
    def flag_column(self) -> str:
        """Name of the membership flag DuckDB computes for a referential-integrity expectation."""
        table, column = self.reference
        return f"__{self.kwargs['column']}__in__{table.replace('.', '_')}__{column}"

    @property
    def parameters(self) -> set[str]:
        """Names of the suite parameters this expectation refers to."""
        return {
            v["$PARAMETER"]
            for v in self.kwargs.values()
            if isinstance(v, dict) and "$PARAMETER" in v
        } | {c.parameter for c in self.where if c.parameter is not None}

    def empty_range(self, parameters: dict[str, Any] | None = None) -> bool:
        """A `between` whose resolved bounds admit no value, e.g. `rank` in [1, $rows=0] on an
        empty table. GX refuses such an expectation ("min_value cannot be greater than
        max_value"); we read it as what it says: no value may be there, so it holds exactly when
        no row (after `row_condition`) has a value, and a table with no row cannot violate it."""
        if self.type != "expect_column_values_to_be_between":
            return False
        low, high = (
            _resolve(self.kwargs.get(key), parameters) for key in ("min_value", "max_value")
        )
        if low is None or high is None or isinstance(low, dict) or isinstance(high, dict):
            return False
        try:
            if low > high:
                return True
            strict = self.kwargs.get("strict_min") or self.kwargs.get("strict_max")
            return bool(low == high and strict)
        except TypeError:  # incomparable bounds: GX reports them
            return False

    def describe(self, parameters: dict[str, Any] | None = None) -> str:
        """Plain-language statement of the expectation, e.g. "`amount_usd` in [0, 1e+12)"."""
        k = self.kwargs

        def val(key: str) -> str:
            unbounded = "-∞" if key == "min_value" else "+∞"
            return _render(k.get(key), parameters, unbounded)

        col = f"`{k.get('column')}`"
        t = self.type
        if t == "expect_column_to_exist":
            text = f"column {col} exists"
        elif t == "expect_table_row_count_to_be_between":
            text = f"row count in [{val('min_value')}, {val('max_value')}]"
        elif t == "expect_table_row_count_to_equal":
            text = f"row count = {val('value')}"
        elif t == "expect_column_values_to_not_be_null":
            text = f"{col} not null"
        elif t == "expect_column_values_to_be_null":
            text = f"{col} null"
        elif t == "expect_column_values_to_be_unique":
            text = f"{col} unique"
        elif t == "expect_compound_columns_to_be_unique":
            text = "(" + ", ".join(f"`{c}`" for c in k["column_list"]) + ") unique"
        elif t == "expect_column_values_to_be_between":
            left = "(" if k.get("strict_min") else "["
            right = ")" if k.get("strict_max") else "]"
            text = f"{col} in {left}{val('min_value')}, {val('max_value')}{right}"
        elif t == "expect_column_values_to_be_in_set":
            text = f"{col} in {val('value_set')}"
        elif t == IN_TABLE:
            table, column = self.reference
            text = f"{col} exists in `{table}.{column}`"
        elif t == "expect_column_pair_values_a_to_be_greater_than_b":
            op = ">=" if k.get("or_equal") else ">"
            text = f"`{k['column_A']}` {op} `{k['column_B']}`"
        elif t == "expect_column_values_to_match_regex":
            text = f"{col} matches /{k['regex']}/"
        elif t in (
            "expect_column_values_to_be_decreasing",
            "expect_column_values_to_be_increasing",
        ):
            text = f"{col} {t.rsplit('_', 1)[-1]}"
        elif t == "expect_column_distinct_values_to_contain_set":
            text = f"{col} contains {val('value_set')}"
        else:
            args = ", ".join(f"{key}={_render(v, parameters)}" for key, v in k.items())
            text = f"{t.removeprefix('expect_')}({args})"
        if self.where:
            text += f" where {describe_conditions(self.where, parameters)}"
        if k.get("mostly") is not None:
            text += f" for at least {k['mostly']:.0%} of rows"
        if self.empty_range(parameters):
            text += " (an empty range: met when no row has a value)"
        return text


def _resolve(value: Any, parameters: dict[str, Any] | None) -> Any:
    """A bound with its `{$PARAMETER: name}` resolved (left as is when the name is not given)."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        if parameters is None or value["$PARAMETER"] not in parameters:
            return value
        return parameters[value["$PARAMETER"]]
    return value


def _render(value: Any, parameters: dict[str, Any] | None, unbounded: str = "-") -> str:
    if isinstance(value, dict) and "$PARAMETER" in value:
        name = value["$PARAMETER"]
        if parameters is None or name not in parameters:
            return f"${name}"
        resolved = parameters[name]
        if isinstance(resolved, list | tuple | set | frozenset):
            return f"${name} ({len(resolved)} values)"
        return f"${name}={_render(resolved, None, unbounded)}"
    if value is None:
        return unbounded
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value >= 1e6:
        return f"{value:g}"
    if isinstance(value, list):
        shown = ", ".join(str(v) for v in value[:8])
        return "{" + shown + (f", … {len(value)} values" if len(value) > 8 else "") + "}"
    return str(value)


@dataclass(frozen=True)
class Suite:
    """The expectations for one table (or one week of a partitioned table)."""

    name: str
    table: str
    asset: str
    expectations: tuple[Expectation, ...]
    path: Path
    description: str = ""
    row_id: tuple[str, ...] = ()
    partition_column: str | None = None
    order_by: tuple[str, ...] = ()
    source: str | None = None
    check: str = ""
    warning_check: str = ""

    @property
    def asset_path(self) -> list[str]:
        return self.asset.split("/")

    def by_severity(self, severity: str) -> tuple[Expectation, ...]:
        return tuple(e for e in self.expectations if e.severity == severity)

    @property
    def columns(self) -> list[str]:
        """Every column the suite names: row id, expectation columns, row-condition identifiers."""
        cols = [*self.row_id, *self.order_by]
        for e in self.expectations:
            cols += e.columns + e.condition_columns
        return list(dict.fromkeys(cols))

    @property
    def parameters(self) -> set[str]:
        return set().union(*(e.parameters for e in self.expectations))

    @property
    def relative_path(self) -> str:
        try:
            return str(self.path.relative_to(PROJECT_DIR))
        except ValueError:
            return str(self.path)


def _fail(path: Path, message: str) -> SuiteError:
    return SuiteError(f"{path}: {message}")


def _expectation(path: Path, i: int, raw: Any) -> Expectation:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise _fail(path, f"expectation #{i + 1} must be a mapping with a `type`")
    kwargs = {
        k: v for k, v in raw.items() if k not in ("type", "severity", "notes", "row_condition")
    }
    where = f"expectation #{i + 1} ({raw['type']})"
    try:
        conditions = parse_conditions(raw.get("row_condition"))
    except ConditionError as exc:
        raise _fail(path, f"{where}: {exc}") from exc
    if not raw["type"].startswith("expect_"):
        raise _fail(path, f"{where}: type must be a GX expectation name (expect_...)")
    severity = raw.get("severity", CRITICAL)
    if severity not in SEVERITIES:
        raise _fail(path, f"{where}: severity must be one of {SEVERITIES}, got {severity!r}")
    for key in BOUND_KEYS:
        value = kwargs.get(key)
        ok = value is None or isinstance(value, int | float | date | dict)
        if not ok or isinstance(value, bool):
            raise _fail(
                path,
                f"{where}: {key}={value!r} is not a number, date or {{$PARAMETER: name}} "
                "(YAML reads 1e12 as text: write 1.0e+12)",
            )
    if raw["type"] == IN_TABLE and not (
        isinstance(kwargs.get("column"), str) and isinstance(kwargs.get("table"), str)
    ):
        raise _fail(path, f"{where}: needs `column` and `table`")
    return Expectation(raw["type"], kwargs, severity, raw.get("notes"), i, conditions)


def load_suite(path: Path | str) -> Suite:
    """Read and validate one suite file."""
    path = Path(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # a safe loader
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML ({exc})") from exc
    return parse_suite(raw, path)


def parse_suite(raw: Any, path: Path | str = "<suite>") -> Suite:
    """A suite from its YAML mapping (`path` names it in error messages)."""
    path = Path(path)
    if not isinstance(raw, dict):
        raise _fail(path, "expected a mapping")
    unknown = set(raw) - SUITE_KEYS
    if unknown:
        raise _fail(path, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(SUITE_KEYS)}")
    for key in ("table", "asset"):
        if not isinstance(raw.get(key), str):
            raise _fail(path, f"`{key}` is required")
    items = raw.get("expectations")
    if not isinstance(items, list) or not items:
        raise _fail(path, "`expectations` must be a non-empty list")
    name = raw.get("name", raw["table"])
    short = name.split(".")[-1]
    return Suite(
        name=name,
        table=raw["table"],
        asset=raw["asset"],
        expectations=tuple(_expectation(path, i, e) for i, e in enumerate(items)),
        path=path,
        description=(raw.get("description") or "").strip(),
        row_id=tuple(raw.get("row_id") or ()),
        partition_column=raw.get("partition_column"),
        order_by=tuple(raw.get("order_by") or ()),
        source=raw.get("source"),
        check=raw.get("check") or f"{short}_expectations",
        warning_check=raw.get("warning_check") or f"{short}_warnings",
    )


@cache
def load_suites(folder: Path = SUITES_DIR) -> tuple[Suite, ...]:
    """Every suite in `folder`, sorted by file name; names and check names must be unique."""
    suites = tuple(load_suite(p) for p in sorted(Path(folder).glob("*.yaml")))
    seen: set[tuple[str, str]] = set()
    for s in suites:
        for key in ((s.asset, s.check), (s.asset, s.warning_check), ("suite", s.name)):
            if key in seen:
                raise SuiteError(f"{s.path}: {key[1]!r} defined twice for {key[0]}")
            seen.add(key)
    return suites


def suites_for_asset(asset: str, folder: Path = SUITES_DIR) -> list[Suite]:
    """The suites of the tables an asset writes (`asset` as a user string, e.g. `core/companies`)."""
    return [s for s in load_suites(folder) if s.asset == asset]
