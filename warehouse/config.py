"""The project's configuration files (`config/*.yaml`): one loader for all of them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_DIR / "config"


def config_file(name: str) -> Path:
    """The path of a configuration file, `name` relative to `config/` (`thesis.yaml`,
    `labels/verticals.csv`)."""
    return CONFIG_DIR / name


def load_config(name: str) -> Any:
    """The parsed YAML of `config/<name>` (cached: the files do not change during a run)."""
    return load_yaml(config_file(name))


@cache
def load_yaml(path: Path) -> Any:
    """The parsed YAML of a file (a configuration file, or another given in its place)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
