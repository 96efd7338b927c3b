"""Fixtures. The pipeline runs under test honour DEALFLOW_SOURCES and DEALFLOW_AS_OF when they are
set (default: the bundled sample as of SAMPLE_AS_OF); they always write into temporary homes, never
into DEALFLOW_HOME, so a test run cannot touch an analyst's warehouse."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pipelines.partitions import week_start
from tests.helpers import SAMPLE_SOURCES, run_week

SAMPLE_AS_OF = date(2026, 11, 4)


@dataclass(frozen=True)
class PipelineRun:
    home: Path
    sources: Path
    as_of: date

    @property
    def week(self) -> date:
        return week_start(self.as_of)

    @property
    def replica(self) -> Path:
        return self.home / "dealflow.duckdb"

    @property
    def on_sample(self) -> bool:
        return self.sources.resolve() == SAMPLE_SOURCES.resolve()


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory) -> PipelineRun:
    """The whole graph materialized once into a temporary home: the weekly run, then the model
    evaluation (backtest) that follows it."""
    sources = Path(os.environ.get("DEALFLOW_SOURCES") or SAMPLE_SOURCES)
    as_of = (
        date.fromisoformat(os.environ["DEALFLOW_AS_OF"])
        if os.environ.get("DEALFLOW_AS_OF")
        else SAMPLE_AS_OF
    )
    run = PipelineRun(tmp_path_factory.mktemp("pipeline_home"), sources, as_of)
    assert run_week(run.sources, run.home, run.as_of).success
    assert run_week(run.sources, run.home, run.as_of, job_name="model_evaluation_job").success
    return run


@pytest.fixture
def warehouse_copy(pipeline_run, tmp_path):
    """A writable copy of the pipeline run's warehouse, macros installed: tests edit it freely."""
    import shutil

    import duckdb

    from transforms.sql import install_macros

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline_run.home / "pipeline.duckdb", copy)
    connection = duckdb.connect(str(copy))
    install_macros(connection)
    yield connection
    connection.close()
