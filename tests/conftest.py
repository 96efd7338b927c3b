from datetime import date
from pathlib import Path

import pytest

from tests.helpers import SAMPLE_SOURCES, run_week

SAMPLE_AS_OF = date(2026, 11, 4)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """The whole graph materialized once on the bundled sample into a temporary home."""
    home = tmp_path_factory.mktemp("sample_home")
    result = run_week(SAMPLE_SOURCES, home, SAMPLE_AS_OF)
    assert result.success
    return home
