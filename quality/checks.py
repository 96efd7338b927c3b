"""Dagster asset checks that run the GX suites of the tables an asset writes.

`suite_checks(asset)` gives one multi-asset check per asset: for each of its tables' suites, a
blocking check (the suite's `critical` expectations; a failure stops downstream assets) and, when
the suite has `warning` expectations, a non-blocking check reported with severity WARN. Each table
is read once and validated once for both. GX is imported only when a check runs.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import dagster as dg
import duckdb
import polars as pl

from quality.parameters import standard_parameters
from quality.runner import qualified, validate_table
from quality.spec import CRITICAL, WARNING, Suite, suites_for_asset
from transforms.sources import Sources, load_sources
from warehouse.metadata import markdown_table
from warehouse.resources import DealflowSettings, Warehouse
from warehouse.tables import quote_identifier


@dataclass(frozen=True)
class CheckInputs:
    """What a suite-specific parameter function may read."""

    con: duckdb.DuckDBPyConnection
    settings: DealflowSettings
    suite: Suite
    week: date | None


ParameterFn = Callable[[CheckInputs], dict[str, Any]]


def _asset_string(asset: dg.AssetsDefinition | dg.AssetKey | str) -> str:
    if isinstance(asset, dg.AssetsDefinition):
        asset = asset.key
    return asset.to_user_string() if isinstance(asset, dg.AssetKey) else asset


def _spec_description(suite: Suite, severity: str) -> str:
    blocking = severity == CRITICAL
    head = (
        f"GX suite `{suite.relative_path}` on `{suite.table}`"
        + (
            f" (rows of the run's `{suite.partition_column}` partition)"
            if suite.partition_column
            else ""
        )
        + (": blocking, a failure stops downstream assets." if blocking else ": warnings only.")
    )
    lines = [f"- {e.describe()}" for e in suite.by_severity(severity)]
    return "\n".join([head, *lines])


def check_specs(suites: list[Suite]) -> list[dg.AssetCheckSpec]:
    specs = []
    for s in suites:
        key = dg.AssetKey(s.asset_path)
        specs.append(
            dg.AssetCheckSpec(
                s.check, asset=key, blocking=True, description=_spec_description(s, CRITICAL)
            )
        )
        if s.by_severity(WARNING):
            specs.append(
                dg.AssetCheckSpec(
                    s.warning_check,
                    asset=key,
                    blocking=False,
                    description=_spec_description(s, WARNING),
                )
            )
    return specs


def suite_checks(
    asset: dg.AssetsDefinition | dg.AssetKey | str, parameters: ParameterFn | None = None
) -> list[dg.AssetChecksDefinition]:
    """The GX checks of every suite whose `asset:` is this asset ([] when it has none)."""
    name = _asset_string(asset)
    suites = suites_for_asset(name)
    if not suites:
        return []

    @dg.multi_asset_check(
        name="gx_" + name.replace("/", "__"),
        specs=check_specs(suites),
        description=f"Great Expectations suites of the tables written by {name}",
    )
    def _checks(
        context: dg.AssetCheckExecutionContext, settings: DealflowSettings, warehouse: Warehouse
    ) -> Iterator[dg.AssetCheckResult]:
        partition = context.partition_key if context.has_partition_key else None
        with warehouse.connect() as con:
            yield from run_suites(
                con,
                settings,
                suites,
                partition,
                parameters,
                context.log,
                empty_reason=lambda suite: _empty_reason(context, suite),
            )

    return [_checks]


def _empty_reason(context: dg.AssetCheckExecutionContext, suite: Suite) -> str | None:
    """Why the checked asset wrote no row: the `empty_reason` of its latest materialization (the
    one this check follows), if it gave one."""
    try:
        event = context.instance.get_latest_materialization_event(dg.AssetKey(suite.asset_path))
    except Exception:  # no instance (a check invoked directly), or one that cannot answer
        return None
    materialization = event.asset_materialization if event is not None else None
    if materialization is None:
        return None
    value = materialization.metadata.get("empty_reason")
    return None if value is None else str(getattr(value, "value", value))


# --- running -------------------------------------------------------------------------------------


def _week(con: duckdb.DuckDBPyConnection, suite: Suite, partition: str | None) -> date | None:
    """The week validated: the run's partition, else the latest week in the table."""
    if not suite.partition_column:
        return None
    if partition:
        return date.fromisoformat(partition)
    rows = con.sql(
        f"SELECT max({quote_identifier(suite.partition_column)}) FROM {qualified(suite.table)}"
    ).fetchall()
    return rows[0][0]


def _source_parameters(sources: Sources, suite: Suite) -> dict[str, Any]:
    params: dict[str, Any] = {
        "crunchbase_snapshot_date": sources.snapshot_dates.get("crunchbase"),
        "crunchbase_bulk_snapshot_date": sources.snapshot_dates.get("crunchbase_bulk"),
    }
    if suite.source:
        declared = sources.declared(suite.source)
        params |= {
            "declared_min_rows": 1 if declared else 0,
            "declared_max_rows": None if declared else 0,
        }
    return params


def run_suites(
    con: duckdb.DuckDBPyConnection,
    settings: DealflowSettings,
    suites: list[Suite],
    partition: str | None = None,
    parameters: ParameterFn | None = None,
    log=None,
    empty_reason: Callable[[Suite], str | None] | None = None,
) -> list[dg.AssetCheckResult]:
    """Validate each suite's table and turn the outcome into its check results (`empty_reason`
    says why a suite's table or week has no row, when it has none)."""
    sources = load_sources(settings.sources_path())
    results: list[dg.AssetCheckResult] = []
    for suite in suites:
        try:
            week = _week(con, suite, partition)
            params = standard_parameters(week=week) | _source_parameters(sources, suite)
            if parameters is not None:
                params |= parameters(CheckInputs(con, settings, suite, week))
            outcome = validate_table(con, suite, params, week, gx_max_rows=settings.gx_max_rows)
        except duckdb.Error as exc:
            results += _unreadable(suite, exc)
            continue
        if log is not None:
            log.info(
                f"{suite.name}: {len(outcome.outcomes)} expectations on {outcome.rows} rows "
                f"({outcome.method}), "
                f"fetch {outcome.fetch_seconds:.3f}s, GX {outcome.validate_seconds:.3f}s, "
                f"{len(outcome.failed(CRITICAL))} failed, {len(outcome.failed(WARNING))} warnings"
            )
        reason = empty_reason(suite) if empty_reason is not None and not outcome.rows else None
        results += suite_results(outcome, week, reason)
    return results


def _unreadable(suite: Suite, exc: Exception) -> list[dg.AssetCheckResult]:
    checks = [(suite.check, dg.AssetCheckSeverity.ERROR)]
    if suite.by_severity(WARNING):
        checks.append((suite.warning_check, dg.AssetCheckSeverity.WARN))
    return [
        dg.AssetCheckResult(
            asset_key=dg.AssetKey(suite.asset_path),
            check_name=name,
            passed=False,
            severity=severity,
            description=f"cannot read {suite.table}: {exc}",
            metadata={"suite": dg.MetadataValue.path(suite.relative_path), "error": str(exc)},
        )
        for name, severity in checks
    ]


def _empty_note(outcome, week: date | None, reason: str | None) -> str:
    """What a check on no row says: where there was nothing, and why when the asset said."""
    suite: Suite = outcome.suite
    where = f"`{suite.table}`" + (f" for the week of {week}" if week else "")
    return f"no rows in {where}" + (f" ({reason})" if reason else "")


def suite_results(
    outcome, week: date | None = None, empty_reason: str | None = None
) -> list[dg.AssetCheckResult]:
    """The blocking result (critical expectations) and, if any, the warnings result. On no row,
    every expectation on values holds (there is no row to violate it): the description says the
    table is empty, and why when `empty_reason` is given; a row-count expectation still fails
    (and blocks, when critical) if it asked for rows."""
    suite: Suite = outcome.suite
    parts = [(CRITICAL, suite.check, dg.AssetCheckSeverity.ERROR)]
    if suite.by_severity(WARNING):
        parts.append((WARNING, suite.warning_check, dg.AssetCheckSeverity.WARN))
    results = []
    for severity, name, dg_severity in parts:
        outcomes = outcome.of(severity)
        failed = [o for o in outcomes if not o.success]
        if failed:
            summary = f"{len(failed)} of {len(outcomes)} expectations failed: " + "; ".join(
                _failure_line(o) for o in failed
            )
            if not outcome.rows:
                summary = _empty_note(outcome, week, empty_reason) + ": " + summary
        elif not outcome.rows:
            summary = (
                _empty_note(outcome, week, empty_reason)
                + f": nothing to violate, all {len(outcomes)} expectations met"
            )
        else:
            summary = f"all {len(outcomes)} expectations met on {outcome.rows} rows"
        results.append(
            dg.AssetCheckResult(
                asset_key=dg.AssetKey(suite.asset_path),
                check_name=name,
                passed=not failed,
                severity=dg_severity,
                description=summary[:1000],
                metadata=_metadata(outcome, outcomes, failed, week)
                | ({"empty_reason": dg.MetadataValue.text(empty_reason)} if empty_reason else {}),
            )
        )
    return results


# --- metadata ------------------------------------------------------------------------------------


def _count(o) -> str:
    if o.error:
        return f"error: {o.error}"
    if o.unexpected_count is None:
        observed = o.observed_value
        if isinstance(observed, list):
            observed = ", ".join(str(v) for v in observed[:10]) + (
                f", … ({len(o.observed_value)})" if len(o.observed_value) > 10 else ""
            )
        return f"observed {observed}"
    pct = o.unexpected_percent
    pct = "" if pct is None else f" ({pct:.2f}%)" if pct >= 0.01 else f" ({pct:.1g}%)"
    return f"{o.unexpected_count} row(s){pct}"


def _failure_line(o) -> str:
    return f"{o.description}: {_count(o)}"


def _metadata(outcome, outcomes: list, failed: list, week: date | None) -> dict[str, Any]:
    suite: Suite = outcome.suite
    table = suite.table + (f" WHERE {suite.partition_column} = {week}" if week else "")
    sections = []
    for o in failed:
        head = f"**{o.description}** ({_count(o)})"
        if o.expectation.notes:
            head += f"  \n_{o.expectation.notes}_"
        body = ""
        if o.offending_rows is not None and not o.offending_rows.is_empty():
            body = markdown_table(o.offending_rows)
        elif o.sample_values:
            body = markdown_table(
                pl.DataFrame({"unexpected value": [str(v) for v in o.sample_values]})
            )
        sections.append(head + ("\n\n" + body if body else ""))
    lines = ["| | expectation | result |", "|---|---|---|"]
    for o in outcomes:
        mark = "pass" if o.success else "FAIL"
        shown = _count(o) if not o.success else "ok"
        lines.append(f"| {mark} | {o.description.replace('|', '/')} | {shown.replace('|', '/')} |")
    return {
        "suite": dg.MetadataValue.path(suite.relative_path),
        "table": dg.MetadataValue.text(table),
        "rows_validated": dg.MetadataValue.int(outcome.rows),
        "method": dg.MetadataValue.text(outcome.method),
        "expectations": dg.MetadataValue.int(len(outcomes)),
        "failed_expectations": dg.MetadataValue.int(len(failed)),
        "failed": dg.MetadataValue.md(
            "\n".join(f"- {_failure_line(o)}" for o in failed) if failed else "none"
        ),
        "unexpected_rows": dg.MetadataValue.int(sum(o.unexpected_count or 0 for o in failed)),
        "offending_rows": dg.MetadataValue.md("\n\n".join(sections) if sections else "_(none)_"),
        "results": dg.MetadataValue.md("\n".join(lines)),
        "fetch_seconds": dg.MetadataValue.float(round(outcome.fetch_seconds, 4)),
        "gx_seconds": dg.MetadataValue.float(round(outcome.validate_seconds, 4)),
    }
