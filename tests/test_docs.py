"""The README documents every table the replica publishes with a description."""

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
