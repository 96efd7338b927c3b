"""`make run`: materialize every asset for the week containing DEALFLOW_AS_OF (default today):
the weekly run (`dealflow_job`), then the model evaluation that the daemon's sensor would start
after it (`model_evaluation_job`: the backtest); record both in the project's Dagster instance and
say where the results are."""

import argparse
import os
import re
import sys
import time
import uuid
import warnings
from datetime import date
from pathlib import Path

import dagster as dg

from pipelines.console import RunPrinter
from pipelines.definitions import defs
from reports.paths import REPORT, WORKBOOK, pack_folder
from warehouse.config import PROJECT_DIR
from warehouse.partitions import check_week, partition_key_for
from warehouse.resources import DealflowSettings, default_unset_variables, settings_from_environment


def _instance() -> dg.DagsterInstance:
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    dagster_yaml = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text((PROJECT_DIR / "dagster.yaml").read_text())
    return dg.DagsterInstance.get()


def _error_message(error) -> str:
    """The message of a `dg.Failure` in the cause chain (ours name file, row and column), else the
    innermost error's."""
    chain = []
    while error is not None:
        chain.append(error)
        error = error.cause
    chosen = next((e for e in chain if e.cls_name == "Failure"), chain[-1] if chain else None)
    # a Failure raised while a resource starts reads "dagster...Failure: <message>"
    return re.sub(r"^[\w.]*Failure: ", "", chosen.message.strip()) if chosen else "failed"


def run_problems(result: dg.ExecuteInProcessResult) -> list[str]:
    """One line per failed step and per failed asset check of a run."""
    problems = []
    for event in result.all_events:
        if event.event_type_value == "RESOURCE_INIT_FAILURE":
            problems.append(f"error: {_error_message(event.event_specific_data.error)}")
        elif event.is_step_failure:
            problems.append(
                f"error in {event.step_key}: {_error_message(event.step_failure_data.error)}"
            )
        elif (
            event.event_type_value == "ASSET_CHECK_EVALUATION"
            and not event.event_specific_data.passed
        ):
            evaluation = event.event_specific_data
            detail = evaluation.metadata.get("failed") or evaluation.metadata.get("expectation")
            text = getattr(detail, "value", detail) or ""
            problems.append(
                f"check failed: {evaluation.asset_key.to_user_string()}:{evaluation.check_name} {text}".strip()
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.cli", description=__doc__)
    parser.add_argument(
        "--no-evaluation",
        action="store_true",
        help="run the weekly job only, not the model evaluation (backtest) after it",
    )
    args = parser.parse_args(argv)

    # Dagster warns (BetaWarning, `owners`) when it binds the resources to the sensors of the
    # drop files' op job: its own internals, nothing a user of `make run` can act on
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    default_unset_variables()
    settings = settings_from_environment()
    try:
        as_of = settings.as_of_date()
        check_week(as_of)
    except dg.Failure as exc:
        print(f"error: {exc.description}", file=sys.stderr)
        return 2
    key = partition_key_for(as_of)
    instance = _instance()
    print(f"week {key}, as of {as_of}: {settings.sources_path()} -> {settings.home_path()}")

    def execute(job: str) -> tuple[dg.ExecuteInProcessResult, float]:
        print(f"{job}:")
        started = time.perf_counter()
        run_id = str(uuid.uuid4())
        with RunPrinter(instance, run_id):
            result = defs.resolve_job_def(job).execute_in_process(
                instance=instance,
                partition_key=key,
                raise_on_error=False,
                run_id=run_id,
                # the steps are printed by RunPrinter; Dagster's own log only when it is critical
                run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
            )
        return result, time.perf_counter() - started

    result, seconds = execute("dealflow_job")
    if not result.success:
        for problem in run_problems(result):
            print(problem, file=sys.stderr)
        print(
            f"run {result.run_id} FAILED after {seconds:.1f}s; nothing was published: the analyst "
            f"replica {settings.replica_db()} and the shortlist CSVs are as they were.",
            file=sys.stderr,
        )
        return 1

    print(f"run {result.run_id} succeeded in {seconds:.1f}s (week {key}, as of {as_of})")
    evaluated = None if args.no_evaluation else execute("model_evaluation_job")
    if evaluated is not None:
        evaluation, eval_seconds = evaluated
        if evaluation.success:
            print(f"model evaluation {evaluation.run_id} succeeded in {eval_seconds:.1f}s")
        else:
            for problem in run_problems(evaluation):
                print(problem, file=sys.stderr)
            print(
                f"model evaluation {evaluation.run_id} FAILED after {eval_seconds:.1f}s; the "
                "week's shortlist below was published, the backtest was not.",
                file=sys.stderr,
            )
    print()
    print(closing_block(settings, key, backtest=evaluated is not None and evaluated[0].success))
    return 0 if evaluated is None or evaluated[0].success else 1


def closing_block(settings: DealflowSettings, key: str, backtest: bool) -> str:
    """Where the week's results are: files, tables (of the replica) and how to open it."""
    outputs = settings.outputs_dir()
    lines = []
    if backtest:
        lines += [
            f"backtest:          table marts.success_backtest, week_start = '{key}'",
            f"                   table marts.shortlist_backtest, week_start = '{key}'",
        ]
    pack = pack_folder(settings.home_path(), date.fromisoformat(key)).resolve()
    lines += [
        f"weekly pack:       {pack / REPORT}  (and {WORKBOOK} beside it)",
        f"shortlist:         {outputs / f'shortlist_{key}.csv'}",
        f"                   table marts.weekly_shortlist, week_start = '{key}'",
        f"fund shortlist:    {outputs / f'fund_shortlist_{key}.csv'}",
        f"                   table marts.fund_shortlist, week_start = '{key}'",
        f"analyst database:  {settings.replica_db().resolve()}",
        f"                   read-only SQL in harlequin: make sql DB={settings.replica_db().resolve()}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
