"""What `make run` prints while a run goes: one line per asset step with its time (and row
count), and for a check that warns or fails, what it found. Read from the run's event log as the
run writes it, so the lines come as the steps finish."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import dagster as dg

WIDTH = 34  # the step column
DETAIL = 300  # characters of a check's finding


def asset_label(keys: Iterable[dg.AssetKey]) -> str:
    """A step's assets: the first it reports (its own table), and how many tables it wrote
    beside it (`core/companies (+3)`)."""
    first, *others = [k.to_user_string() for k in keys]
    return first + (f" (+{len(others)})" if others else "")


class StepLines:
    """Turns a run's events, in order, into console lines (pure: no I/O)."""

    def __init__(self) -> None:
        self._assets: dict[str, list[dg.AssetKey]] = {}
        self._rows: dict[str, int] = {}

    def lines(self, event: dg.DagsterEvent) -> list[str]:
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            self._assets.setdefault(step, []).append(materialization.asset_key)
            rows = materialization.metadata.get("dagster/row_count")
            # the rows of the step's own table: the first it reports
            if rows is not None and len(self._assets[step]) == 1:
                self._rows[step] = int(rows.value)
            return []
        if kind == "STEP_SUCCESS" and step in self._assets:
            seconds = event.event_specific_data.duration_ms / 1000
            rows = self._rows.get(step)
            tail = f"  {rows:,} rows" if rows is not None else ""
            return [f"  {asset_label(self._assets[step]):<{WIDTH}} {seconds:6.1f}s{tail}"]
        if kind == "STEP_FAILURE":
            return [f"  {step.replace('__', '/'):<{WIDTH}} FAILED"]
        if kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                return []
            level = (
                "warning" if evaluation.severity == dg.AssetCheckSeverity.WARN else "check failed"
            )
            found = (evaluation.description or "").strip().replace("\n", " ")
            if len(found) > DETAIL:
                found = found[: DETAIL - 1] + "…"
            where = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            return [f"    {level}: {where}: {found or 'see the check in the UI'}"]
        return []


class RunPrinter:
    """Prints the lines of run `run_id` of `instance` while it runs (a thread polling its event
    log), and what is left when stopped."""

    def __init__(
        self, instance: dg.DagsterInstance, run_id: str, emit: Callable[[str], None] = print
    ):
        self._instance, self._run_id, self._emit = instance, run_id, emit
        self._cursor: str | None = None
        self._format = StepLines()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> RunPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._poll()

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self._poll()

    def _poll(self) -> None:
        connection = self._instance.get_records_for_run(self._run_id, cursor=self._cursor)
        self._cursor = connection.cursor
        for record in connection.records:
            event = record.event_log_entry.dagster_event
            if event is not None:
                for line in self._format.lines(event):
                    self._emit(line)
