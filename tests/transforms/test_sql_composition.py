"""SQL is composed with DuckDB's means (CTE files, relations named by parameters), never by
cutting text: no Python slices, splits or search-and-replaces SQL, and no SQL file carries a
marker for Python to find."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from tests.helpers import PROJECT_DIR
from tests.test_architecture import project_modules
from transforms.features import (
    FEATURE_CTES,
    FEATURE_CTES_DIR,
    SHARED_CTES,
    feature_ctes,
    features_sql,
)

# calls whose result is SQL text
SQL_SOURCES = {"sql_text", "features_sql", "feature_ctes", "market_fingerprints_sql"}
SQL_NAME = re.compile(r"sql|query|ctes", re.IGNORECASE)
SURGERY = {"replace", "split", "rsplit", "partition", "rpartition", "find", "index"}
MARKER = re.compile(r"/\*\s*[A-Z_]+\s*\*/|--\s*@\w+")


def _called_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return None


def _is_sql(node: ast.expr, sql_names: set[str]) -> bool:
    """Whether `node` is SQL text: a call of a SQL source, a name bound to one, a name that
    says so, or a string concatenation or f-string holding one of those."""
    if _called_name(node) in SQL_SOURCES:
        return True
    if isinstance(node, ast.Name):
        return node.id in sql_names or bool(SQL_NAME.search(node.id))
    if isinstance(node, ast.BinOp):
        return _is_sql(node.left, sql_names) or _is_sql(node.right, sql_names)
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.FormattedValue) and _is_sql(v.value, sql_names) for v in node.values
        )
    return False


def text_surgery(source: str) -> list[tuple[int, str]]:
    """(line, call) of every `.replace(`, `.split(`, ... and slice applied to SQL text in
    `source`, and of every use of `cte_spans`."""
    tree = ast.parse(source)
    sql_names = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _called_name(node.value) in SQL_SOURCES
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        method = getattr(node.func, "attr", None) if isinstance(node, ast.Call) else None
        if isinstance(method, str) and method in SURGERY and _is_sql(node.func.value, sql_names):
            found.append((node.lineno, f".{method}("))
        sliced = isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)
        if sliced and _is_sql(node.value, sql_names):
            found.append((node.lineno, "[a:b]"))
        if isinstance(node, ast.Name | ast.Attribute) and "cte_spans" in ast.unparse(node):
            found.append((node.lineno, "cte_spans"))
    return found


def test_the_detector_finds_text_surgery():
    """What the tree used to do is caught (so the test below can fail)."""
    before = """
text = sql_text("company_features", SQL_DIR)
text = text.replace("/*SUBJECTS*/", "WHERE x")
ctes = features_sql(shared=shared).split("-- @select")[0]
typed_sql = sql_text("rounds", STAGING_SQL_DIR).replace("raw.crunchbase_rounds", "_drop_raw")
spans = cte_spans(text)
head = query[:10]
"""
    found = [call for _, call in text_surgery(before)]
    assert found.count(".replace(") == 2 and ".split(" in found
    assert "cte_spans" in found and "[a:b]" in found
    assert text_surgery('name = table.replace(".", "._week_")\nschema, t = table.split(".")') == []


def test_no_python_cuts_sql_text():
    offenders = {}
    for module, path in project_modules(PROJECT_DIR).items():
        found = text_surgery(path.read_text(encoding="utf-8"))
        if found:
            offenders[module] = found
    assert offenders == {}


@pytest.mark.parametrize(
    "folder", ["transforms/sql", "assets", "models", "quality", "reports", "warehouse"]
)
def test_no_sql_file_carries_a_marker(folder: str):
    marked = {
        str(p.relative_to(PROJECT_DIR)): MARKER.findall(p.read_text(encoding="utf-8"))
        for p in sorted((PROJECT_DIR / folder).rglob("*.sql"))
    }
    assert {k: v for k, v in marked.items() if v} == {}


def test_feature_relations_are_the_files_in_dependency_order():
    files = {p.stem for p in Path(FEATURE_CTES_DIR).glob("*.sql")}
    assert files == set(FEATURE_CTES)
    assert set(SHARED_CTES) <= set(FEATURE_CTES)
    assert [n for n in FEATURE_CTES if n in SHARED_CTES] == list(SHARED_CTES)
    text = feature_ctes({"known": "_k"})
    assert "known AS (SELECT * FROM _k)" in text
    assert MARKER.search(features_sql()) is None
    # every company: the relations narrowed to the subjects are the whole ones
    assert "subject_rounds AS (SELECT * FROM rounds)" in features_sql()
    narrowed = features_sql(subjects="_changed")
    assert "subject_rounds AS (SELECT * FROM rounds)" not in narrowed
    assert "SELECT company_id FROM query_table($subjects)" in narrowed


def test_the_feature_query_parses_in_duckdb_and_names_its_parameters():
    con = duckdb.connect()
    statements = con.extract_statements(features_sql())
    assert len(statements) == 1
    assert set(statements[0].named_parameters) == {
        "as_of",
        "status_usable",
        "epoch_model_builders",
        "subjects",
        "sample_size",
    }
