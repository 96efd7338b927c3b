"""The incremental weekly run against a full run, at N companies.

    .venv/bin/python -m benchmarks.incremental --companies 100000     (or: make bench-incremental)

On the synthetic files of `benchmarks.pipeline_scale` (`data/bench/<N>/`, generated once): the
rounds of the last `--days` days before `AS_OF` (default 7: one week) are held out of the rounds
file. The full pipeline (`dealflow_job`, every asset and check) runs on the rest, into a fresh
home under `data/bench/runs/`, on a persistent Dagster instance, followed by the model evaluation
the sensor starts after it (`model_evaluation_job`, timed on its own). The held-out rounds are then
delivered as one file to the rounds drop folder and the two sensors run as the daemon would
(`pipelines.runner.run_drops`): `round_drops_sensor` loads the file (`round_drops_job`: raw and
staging of that partition), `round_drops_refresh_sensor` refreshes the week (`rounds_refresh_job`:
funding rounds, investor matches, the week's scores with the model fitted by the full run, the
shortlist and the replica).

Both are timed in the same process, one after the other, so the ratio holds on a busy machine
better than either figure. Per-step wall times of the incremental runs are printed too. The last
line reads `full_s=F incremental_s=I incremental/full=R`, with F the weekly run alone; the line
before it compares with the week's full work (weekly run plus evaluation).
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import yaml

from benchmarks.pipeline_scale import AS_OF, _step_events, ensure_data, fresh_dir
from pipelines.cli import run_problems
from pipelines.runner import run_drops, run_week
from transforms.readers import LINEAGE_COLUMNS, MALFORMED, read_provider_csv
from transforms.sources import load_sources
from warehouse.sql import install_macros
from warehouse.tables import registered

DROP = "rounds_drop.csv"


def split_rounds(sources: Path, folder: Path, days: int) -> tuple[Path, int, int]:
    """Write the sources YAML of the benchmark: rounds without the last `days` days (rounds file)
    and a drop folder; the held-out rounds go to `folder/held_out.csv`. Returns the YAML's path,
    rounds kept and rounds held out."""

    declared = load_sources(sources)
    rows, _ = read_provider_csv(declared.get("crunchbase.rounds"))
    rows = rows.drop(MALFORMED, *LINEAGE_COLUMNS)
    con = duckdb.connect()
    install_macros(con)
    with registered(con, "r", rows):
        held = "coalesce(parse_date_any(funded_at, true) BETWEEN ?::DATE AND ?::DATE, false)"
        window = [AS_OF - timedelta(days=days - 1), AS_OF]
        base, held_out = folder / "rounds_base.csv.gz", folder / "held_out.csv"
        con.execute(f"COPY (SELECT * FROM r WHERE NOT {held}) TO '{base}' (HEADER)", window)
        con.execute(f"COPY (SELECT * FROM r WHERE {held}) TO '{held_out}' (HEADER)", window)
        dropped = con.sql(f"SELECT count(*) FROM r WHERE {held}", params=window).fetchall()[0][0]
        counts = rows.height - dropped, dropped
    con.close()
    tree = {
        "crunchbase": {
            **{k.split(".", 1)[1]: str(v) for k, v in declared.files.items() if "." in k},
            "rounds": str(base),
            "rounds_drops": str(folder / "drops"),
            **{
                f"{provider}_snapshot_date"[len("crunchbase_") :]: day
                for provider, day in declared.snapshot_dates.items()
            },
        },
        **{k: str(v) for k, v in declared.files.items() if "." not in k},
    }
    (folder / "drops").mkdir(exist_ok=True)
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(tree))
    return path, *counts


def step_seconds(instance, run_id: str) -> list[tuple[str, float]]:
    """Wall time of each step of a run, from its event log."""

    starts, ends, _, _ = _step_events(instance.all_logs(run_id))
    return sorted(((k, ends[k] - starts[k]) for k in starts if k in ends), key=lambda x: -x[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7, help="days of rounds delivered as a drop")
    args = parser.parse_args()

    sources = ensure_data(args.companies, "2015")  # drops of the 2015 export's rounds file
    folder = fresh_dir(f"incremental_{args.companies}")
    bench_sources, kept, held = split_rounds(sources, folder, args.days)
    print(
        f"{args.companies} companies: {kept} rounds in the rounds file, {held} dropped", flush=True
    )
    home = folder / "home"
    (folder / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(folder / "dagster")) as instance:
        started = time.perf_counter()
        full = run_week(bench_sources, home, AS_OF, raise_on_error=False, instance=instance)
        full_s = time.perf_counter() - started
        if not full.success:
            raise SystemExit("full run failed:\n" + "\n".join(run_problems(full)))
        print(f"full run (dealflow_job): {full_s:.1f}s", flush=True)
        started = time.perf_counter()
        evaluation = run_week(
            bench_sources, home, AS_OF, False, instance=instance, job_name="model_evaluation_job"
        )
        evaluation_s = time.perf_counter() - started
        if not evaluation.success:
            raise SystemExit("evaluation failed:\n" + "\n".join(run_problems(evaluation)))
        print(f"model evaluation after it (model_evaluation_job): {evaluation_s:.1f}s", flush=True)

        (folder / "held_out.csv").rename(folder / "drops" / DROP)
        started = time.perf_counter()
        drop_tick, refresh_tick = run_drops(bench_sources, home, AS_OF, instance)
        incremental_s = time.perf_counter() - started
        runs = [*drop_tick.results, *(refresh_tick.results if refresh_tick else [])]
        if refresh_tick is None or not all(r.success for r in runs):
            raise SystemExit("incremental run failed:\n" + "\n".join(run_problems(runs[-1])))
        for result in runs:
            print(f"  {result.job_def.name}:", flush=True)
            for step, seconds in step_seconds(instance, result.run_id)[:8]:
                print(f"    {step:<45} {seconds:7.1f}s")
        print(f"incremental (2 sensor ticks, {len(runs)} runs): {incremental_s:.1f}s", flush=True)
    week_s = full_s + evaluation_s
    print(
        f"the week's full work (weekly run + its evaluation): {week_s:.1f}s, "
        f"incremental/week={incremental_s / week_s:.2f}"
    )
    print(
        f"full_s={full_s:.2f} incremental_s={incremental_s:.2f} "
        f"incremental/full={incremental_s / full_s:.2f}"
    )


if __name__ == "__main__":
    main()
