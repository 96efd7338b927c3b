"""The generator's vocabularies (category names, places, name parts, round types and amounts,
investor names, Epoch domains and hardware): data files in `sampledata/vocabulary/`, one per role,
read once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from warehouse.config import load_yaml

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabulary"


def _frozen(value: Any) -> Any:
    """YAML lists as tuples (hashable, immutable like the constants they replace), recursively."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


@cache
def vocabulary(name: str) -> dict[str, Any]:
    """The entries of `sampledata/vocabulary/<name>.yaml`, lists as tuples, in file order."""
    return _frozen(load_yaml(VOCABULARY_DIR / f"{name}.yaml"))
