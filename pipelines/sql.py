"""`make sql`: open the analysts' replica read-only in harlequin (a SQL terminal UI installed with
the project). The replica is `DB=` when given, else that of the current DEALFLOW_SOURCES /
DEALFLOW_HOME (as `make run` printed it)."""

import os
import sys
from pathlib import Path

from warehouse.resources import settings_from_environment


def harlequin_command(replica: Path) -> list[str]:
    """harlequin's DuckDB adapter, read-only (`-r`): a running pipeline is never blocked."""
    return [str(Path(sys.executable).parent / "harlequin"), "-r", str(replica)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    replica = (
        Path(args[0]).resolve() if args and args[0] else settings_from_environment().replica_db()
    )
    if not replica.is_file():
        print(
            f"error: no analyst replica at {replica}: run `make run` first (with the same "
            "DEALFLOW_SOURCES / DEALFLOW_HOME), or give its path: make sql DB=<path>",
            file=sys.stderr,
        )
        return 2
    command = harlequin_command(replica)
    os.execv(command[0], command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
