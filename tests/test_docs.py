"""The README starts with what an analyst gets and links a note in docs/ for each internal topic;
every table the replica publishes is described (one line in the README, columns in docs/tables.md);
the links, `make` targets, `python -m` modules and project files the docs name exist; and the
deployment note's PostgreSQL instance block is the tested file."""

import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import PROJECT_DIR
from warehouse.catalog import load_catalog

README = PROJECT_DIR / "README.md"
DOCS = sorted((PROJECT_DIR / "docs").glob("*.md"))
PAGES = [README, *DOCS, PROJECT_DIR / "benchmarks" / "README.md"]
FENCE = re.compile(r"^```.*?^```", flags=re.S | re.M)
# top-level folders of the project whose files the docs name
PROJECT_FOLDERS = "assets|benchmarks|config|deploy|docs|models|pipelines|quality|reports|sampledata|tests|transforms"
PROJECT_FILE = re.compile(
    rf"(?<![\w./<>-])((?:{PROJECT_FOLDERS})/[\w./-]*\w\.(?:py|yaml|sql|md|csv))(?![\w<>*])"
)


def _id(page: Path) -> str:
    return page.relative_to(PROJECT_DIR).as_posix()


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    prose = FENCE.sub("", page.read_text())
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", prose, flags=re.M)}


def test_every_catalog_table_is_in_the_readme():
    readme = README.read_text()
    missing = [t for t in load_catalog() if f"`{t}`" not in readme]
    assert not missing


def test_every_catalog_table_has_its_columns_in_docs_tables():
    tables = (PROJECT_DIR / "docs" / "tables.md").read_text()
    missing = [t for t in load_catalog() if f"`{t}`" not in tables]
    assert not missing


def test_readme_gives_the_two_commands():
    readme = README.read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (PROJECT_DIR / ".ci" / "run").read_text()


def test_readme_begins_with_what_an_analyst_gets_and_links_every_doc():
    readme = README.read_text()
    headings = re.findall(r"^## (.+)$", FENCE.sub("", readme), flags=re.M)
    assert headings[0] == "What an analyst gets each week"
    # the analysts' topics come before the internals' index
    for topic in ("The lanes", "How to read a rationale", "The weekly pack: what to forward"):
        assert headings.index(topic) < headings.index("How it works inside: `docs/`")
    for name in ("packs/<week>/report.html", "marts.shortlist_changes", "analyst_decisions:"):
        assert name in readme
    unlinked = [p.name for p in DOCS if f"](docs/{p.name})" not in readme]
    assert not unlinked


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_relative_links_resolve_to_a_file_and_a_heading(page):
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", FENCE.sub("", page.read_text())):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target} (no such heading)")
    assert not broken


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_make_target_named_exists(page):
    makefile = (PROJECT_DIR / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    text = page.read_text()
    named = set(re.findall(r"`(?:[A-Z_]+=\S+ )*make ([\w-]+)", text))
    for block in FENCE.findall(text):
        named |= set(re.findall(r"^(?:[A-Z_]+=\S+ )*make ([\w-]+)", block, flags=re.M))
    assert named <= targets, named - targets
    if page == README:
        assert {"run", "test", "ui", "sql"} <= named


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_project_module_and_file_named_exists(page):
    text = page.read_text()
    missing = []
    for module in set(re.findall(r"python -m ([\w.]+)", text)):
        top = module.split(".")[0]
        if not (PROJECT_DIR / top).is_dir():
            continue  # pytest, pip: not the project's
        path = PROJECT_DIR / module.replace(".", "/")
        if not (path.with_suffix(".py").is_file() or (path / "__main__.py").is_file()):
            missing.append(module)
    for name in set(PROJECT_FILE.findall(text)):
        if not (PROJECT_DIR / name).exists():
            missing.append(name)
    assert not missing


def test_the_deployment_note_is_linked_and_shows_the_tested_instance_file():
    assert "docs/deployment.md" in README.read_text()
    note = (PROJECT_DIR / "docs" / "deployment.md").read_text()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", note, flags=re.S)]
    shown = [b["storage"] for b in blocks if isinstance(b, dict) and "storage" in b]
    tested = yaml.safe_load((PROJECT_DIR / "deploy" / "dagster-postgres.yaml").read_text())
    assert shown == [tested["storage"]]
