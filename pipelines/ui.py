"""`make ui`: the Dagster webserver and the daemon in one command (`dagster dev`), so runs
launched from the UI leave the queue, the Monday schedule fires and the sensors tick. Ctrl-C (or
SIGTERM to this process) stops both together. The instance is `$DAGSTER_HOME` (default `.dagster/`
in the project) with the project's `dagster.yaml` copied in when absent."""

import argparse
import os
import sys
from pathlib import Path

from warehouse.config import PROJECT_DIR
from warehouse.resources import default_unset_variables


def ui_command(host: str, port: int) -> list[str]:
    """The command `make ui` runs: webserver and daemon for the project's workspace."""
    dagster = str(Path(sys.executable).parent / "dagster")
    workspace = str(PROJECT_DIR / "workspace.yaml")
    return [dagster, "dev", "-w", workspace, "-h", host, "-p", str(port)]


def ensure_instance() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        (home / "dagster.yaml").write_text((PROJECT_DIR / "dagster.yaml").read_text())
    return home


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.ui", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)
    home = ensure_instance()
    # `dagster dev` then loads `.env` (its values win over the shell's); every DEALFLOW_* variable
    # left unset in both is "" (its default) for the webserver, the daemon and their runs
    default_unset_variables()
    command = ui_command(args.host, args.port)
    print(
        f"Dagster UI and daemon: http://{args.host}:{args.port} (instance {home}); Ctrl-C stops both"
    )
    sys.stdout.flush()
    os.chdir(PROJECT_DIR)
    os.execv(command[0], command)  # this process becomes `dagster dev`: one PID to stop
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
