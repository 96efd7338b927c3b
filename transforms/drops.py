"""Drop folders: new deliveries of a source kind, one file per delivery (no Dagster here).

A drop folder (e.g. `crunchbase: {rounds_drops: <folder>}` in the sources YAML) receives files in
the same provider format as the kind's main file. Each file is one delivery, loaded as its own
partition named after the file. What was already seen is remembered as each file's size and
modification time, so a file that changes is loaded again and a file delivered twice is not.
Hidden files and files still being written (`*.tmp`, `*.part`, `*.partial`) are ignored: write a
delivery beside the folder, or under a temporary name, and rename it into place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

IN_PROGRESS_SUFFIXES = (".tmp", ".part", ".partial")
# what Dagster refuses in a partition key (dagster/_core/definitions/partitions/utils/base.py)
INVALID_KEY_PARTS = ("...", "\a", "\b", "\f", "\n", "\r", "\t", "\v", "\0")


@dataclass(frozen=True)
class DropFile:
    """One delivered file: its name (the partition key), size and modification time."""

    name: str
    size: int
    mtime_ns: int

    @property
    def fingerprint(self) -> str:
        return f"{self.size}:{self.mtime_ns}"


def is_delivery(path: Path) -> bool:
    """A finished delivery: a regular file, not hidden, not being written, usable as a key."""
    return (
        path.is_file()
        and not path.name.startswith(".")
        and not path.name.endswith(IN_PROGRESS_SUFFIXES)
        and not any(part in path.name for part in INVALID_KEY_PARTS)
    )


def list_drops(folder: Path) -> list[DropFile]:
    """The deliveries in `folder`, by name ([] when the folder does not exist)."""
    if not folder.is_dir():
        return []
    drops = []
    for path in sorted(folder.iterdir()):
        if is_delivery(path):
            stat = path.stat()
            drops.append(DropFile(path.name, stat.st_size, stat.st_mtime_ns))
    return drops


def read_cursor(cursor: str | None) -> dict[str, str]:
    """Fingerprints of the files already requested, by name (a sensor cursor)."""
    if not cursor:
        return {}
    seen = json.loads(cursor)
    return {str(k): str(v) for k, v in seen.items()} if isinstance(seen, dict) else {}


def write_cursor(seen: dict[str, str]) -> str:
    return json.dumps(seen, sort_keys=True, separators=(",", ":"))


def new_or_changed(drops: list[DropFile], seen: dict[str, str]) -> list[DropFile]:
    """Deliveries never seen, or seen with another size or modification time."""
    return [d for d in drops if seen.get(d.name) != d.fingerprint]
