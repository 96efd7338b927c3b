"""What a week's saved score state is tied to (`ScoreContext.digest`): the SQL that runs, its
parameters, the thesis and the model artifact, not the text of Python modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import transforms.features as features
from models.incremental import ScoreContext, sql_fingerprint
from tests.helpers import PROJECT_DIR
from transforms.features import feature_params

WEEK = date(2026, 11, 2)
THESIS = {"total_weights": {"thesis_fit": 0.4, "momentum": 0.3, "success": 0.3}}


def context(**changes) -> ScoreContext:
    fields = {
        "week": WEEK,
        "params": feature_params(date(2026, 11, 4), False, True),
        "thesis": THESIS,
        "model_fingerprint": "abc",
    }
    return ScoreContext(**(fields | changes))


def test_digest_changes_with_parameters_thesis_and_model_only():
    base = context().digest()
    assert context().digest() == base
    changed = [
        context(params=feature_params(date(2026, 11, 5), False, True)),
        context(params=feature_params(date(2026, 11, 4), True, True)),
        context(params=feature_params(date(2026, 11, 4), False, False)),
        context(thesis={"total_weights": {"thesis_fit": 0.5, "momentum": 0.2, "success": 0.3}}),
        context(model_fingerprint="abd"),
        context(model_fingerprint=None),
        context(week=date(2026, 11, 9)),
    ]
    digests = [c.digest() for c in changed]
    assert base not in digests and len(set(digests)) == len(digests)


def test_digest_changes_with_the_feature_sql(monkeypatch):
    before = (sql_fingerprint(), context().digest())
    read = features.sql_text

    def edited(name, folder):
        text = read(name, folder)
        return text + "  AND company_id IS NOT NULL\n" if name == "round_stats" else text

    monkeypatch.setattr(features, "sql_text", edited)
    assert sql_fingerprint() != before[0]
    assert context().digest() != before[1]


DIGEST = (
    "from datetime import date; from models.incremental import ScoreContext; "
    "from transforms.features import feature_params; "
    "print(ScoreContext(date(2026, 11, 2), feature_params(date(2026, 11, 4), False, True), "
    "{'w': 1}, 'abc').digest())"
)


def digest_in(tree: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", DIGEST], cwd=tree, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the code the digest reads (and its config)."""
    root = tmp_path_factory.mktemp("tree")
    for package in ("warehouse", "transforms", "models", "config"):
        shutil.copytree(
            PROJECT_DIR / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return root


def test_digest_ignores_python_text_and_follows_sql_files(tree):
    base = digest_in(tree)
    assert base == digest_in(PROJECT_DIR)  # where the code lives does not count either
    for module in ("models/scoring.py", "models/momentum.py", "transforms/features.py"):
        with (tree / module).open("a", encoding="utf-8") as f:
            f.write("\n# a comment, and nothing else\n")
    assert digest_in(tree) == base
    with (tree / "transforms/sql/company_features/round_stats.sql").open("a") as f:
        f.write("HAVING count(*) > 0\n")
    assert digest_in(tree) != base
