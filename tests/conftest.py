"""Fixtures. The pipeline runs under test honour DEALFLOW_SOURCES and DEALFLOW_AS_OF when they are
set (default: the bundled sample as of SAMPLE_AS_OF); they always write into temporary homes, never
into DEALFLOW_HOME, so a test run cannot touch an analyst's warehouse."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pipelines.partitions import week_start
from tests.helpers import PROJECT_DIR, SAMPLE_SOURCES, SHARED, run_week

SAMPLE_AS_OF = date(2026, 11, 4)
REAL_SOURCES = PROJECT_DIR / "config" / "sources.shared-datasets.yaml"
REAL_AS_OF = date(2015, 12, 9)


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


@pytest.fixture(scope="session")
def real_run(tmp_path_factory) -> PipelineRun:
    """The whole graph on the real public files in ../shared/datasets as of 2015-12-09 (the weekly
    run, then the model evaluation), built once for every real-data test file; skipped when the
    files are absent. Readers use its replica; a test that writes copies `pipeline.duckdb`."""
    if not (SHARED / "crunchbase_2015" / "companies.csv.gz").exists():
        pytest.skip("../shared/datasets absent")
    run = PipelineRun(tmp_path_factory.mktemp("real"), REAL_SOURCES, REAL_AS_OF)
    for job in ("dealflow_job", "model_evaluation_job"):
        assert run_week(run.sources, run.home, run.as_of, job_name=job).success
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


def _xdist_group(item) -> str:
    """The real-data tests share the session's real run: one group. A test using a module (or
    class) fixture runs on the worker of its file, so the fixture is built once; any other test
    may run on either worker."""
    if item.get_closest_marker("real_data") is not None:
        return "real_data"
    fixtures = getattr(item, "_fixtureinfo", None)
    scopes = {
        d.scope for defs in (fixtures.name2fixturedefs.values() if fixtures else ()) for d in defs
    }
    return item.nodeid.split("::")[0] if scopes & {"module", "class", "package"} else item.nodeid


def pytest_collection_modifyitems(config, items) -> None:
    """The suite runs on two pytest-xdist workers (`-n 2 --dist loadgroup`, pyproject.toml); see
    `_xdist_group`. The real-data group goes first, being the longest. Without xdist the marks do
    nothing and only the order changes."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_xdist_group(item)))
    items.sort(key=lambda item: item.get_closest_marker("real_data") is None)
