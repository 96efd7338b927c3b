"""Run the job in-process for one week with the configuration contract's variables set: shared by
the tests and the benchmarks (`make run` goes through pipelines/cli.py with the real instance)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg


@contextmanager
def contract_env(**values: str | None) -> Iterator[None]:
    """Set the DEALFLOW_* variables (sources=, home=, as_of=, warehouse=) for the duration; None
    unsets."""
    keys = {f"DEALFLOW_{k.upper()}": v for k, v in values.items()}
    saved = {k: os.environ.get(k) for k in keys}
    try:
        for k, v in keys.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_week(
    sources: Path,
    home: Path,
    as_of: date,
    raise_on_error: bool = True,
    groups: list[str] | None = None,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """Materialize every asset of `dealflow_job` (or only those of `groups`) for the week
    containing `as_of`, into `home`, on an ephemeral instance unless one is given."""
    from pipelines.definitions import defs
    from pipelines.partitions import partition_key_for

    selection = None
    if groups:
        selection = list(dg.AssetSelection.groups(*groups).resolve(defs.resolve_asset_graph()))
    # The warehouse is always the file in `home`: a run from here never writes DEALFLOW_WAREHOUSE.
    with contract_env(
        sources=str(sources), home=str(home), as_of=as_of.isoformat(), warehouse=None
    ):
        return defs.resolve_job_def("dealflow_job").execute_in_process(
            partition_key=partition_key_for(as_of),
            instance=instance or dg.DagsterInstance.ephemeral(),
            raise_on_error=raise_on_error,
            asset_selection=selection,
        )
