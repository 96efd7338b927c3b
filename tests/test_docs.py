"""The README documents every table the replica publishes with a description, and links the
deployment note, whose PostgreSQL instance block is the tested file."""

import re

import yaml

from tests.helpers import PROJECT_DIR
from transforms.catalog import load_catalog


def test_every_catalog_table_is_in_the_readme():
    readme = (PROJECT_DIR / "README.md").read_text()
    missing = [t for t in load_catalog() if f"`{t}`" not in readme]
    assert not missing


def test_readme_gives_the_two_commands():
    readme = (PROJECT_DIR / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (PROJECT_DIR / ".ci" / "run").read_text()


def test_the_deployment_note_is_linked_and_shows_the_tested_instance_file():
    assert "docs/deployment.md" in (PROJECT_DIR / "README.md").read_text()
    note = (PROJECT_DIR / "docs" / "deployment.md").read_text()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", note, flags=re.S)]
    shown = [b["storage"] for b in blocks if isinstance(b, dict) and "storage" in b]
    tested = yaml.safe_load((PROJECT_DIR / "deploy" / "dagster-postgres.yaml").read_text())
    assert shown == [tested["storage"]]
