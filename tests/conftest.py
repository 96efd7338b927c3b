"""Fixtures. The pipeline runs under test honour DEALFLOW_SOURCES and DEALFLOW_AS_OF when they are
set (default: the bundled sample as of SAMPLE_AS_OF); they always write into temporary homes, never
into DEALFLOW_HOME, so a test run cannot touch an analyst's warehouse."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR, SAMPLE_SOURCES, SHARED, run_week
from warehouse.partitions import week_start
from warehouse.resources import default_unset_variables

# Dagster refuses an unset `EnvVar`: each DEALFLOW_* variable the caller left unset is "" (its
# default) for the Definitions' resources in every test.
default_unset_variables()

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

    from warehouse.sql import install_macros

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline_run.home / "pipeline.duckdb", copy)
    connection = duckdb.connect(str(copy))
    install_macros(connection)
    yield connection
    connection.close()


# How the suite is spread over the pytest-xdist workers (`-n 2`, pyproject.toml): each test file
# runs whole on one worker, so its module fixtures are built once (each worker builds its own
# session fixtures); the real-data files share the session's real run, so they go together; the
# files below run independent whole-graph cases test by test on either worker.
REAL_DATA_FILES = ("tests/pipelines/test_real_data.py", "tests/pipelines/test_real_data_current.py")
PER_TEST_FILES = (
    "tests/pipelines/test_source_subsets.py",
    "tests/pipelines/test_incremental_scoring.py",
)


def pytest_xdist_make_scheduler(config, log):
    """Files as units of work, the real-data files one unit, in collection order (the real-data
    unit first: `pytest_collection_modifyitems`). pytest-xdist's own `loadgroup` cannot group
    here: it renames node ids through an attribute pytest 9 no longer reads."""
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::", 1)[0]
            if file in REAL_DATA_FILES:
                return "real_data"
            return nodeid if file in PER_TEST_FILES else file

    return FileScheduling(config, log)


def pytest_collection_modifyitems(config, items) -> None:
    """The real-data tests first: with two workers, the longest unit of work starts at once."""
    items.sort(key=lambda item: item.get_closest_marker("real_data") is None)
