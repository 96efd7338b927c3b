"""A throwaway PostgreSQL server for tests: the server binaries of the Debian package (installed
with apt-get when they are missing and this process may), a cluster initialised in a temporary
folder, listening on 127.0.0.1 on a free port, stopped and deleted on exit.

PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account the Debian
package creates."""

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2

DEBIAN_BIN_DIRS = Path("/usr/lib/postgresql")
SERVER_ACCOUNT = "postgres"


class ServerUnavailable(Exception):
    """No PostgreSQL server can be run here; the message says why."""


@dataclass(frozen=True)
class PostgresServer:
    port: int
    username: str
    password: str
    host: str = "127.0.0.1"

    def connect(self, db_name: str = "postgres"):
        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.username,
            password=self.password,
            dbname=db_name,
            connect_timeout=5,
        )

    def create_database(self, db_name: str) -> None:
        con = self.connect()
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{db_name}"')
        finally:
            con.close()


def _version(bin_dir: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in bin_dir.parent.name.split(".") if p.isdigit())


def find_server_bin() -> Path | None:
    """The folder holding `initdb` and `postgres`: from PATH first, else the newest
    /usr/lib/postgresql/<version>/bin (where Debian puts them, off PATH)."""
    candidates = []
    if on_path := shutil.which("initdb"):
        candidates.append(Path(on_path).resolve().parent)
    candidates += sorted(DEBIAN_BIN_DIRS.glob("*/bin"), key=_version, reverse=True)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "postgres")):
            return folder
    return None


def install_debian_postgresql() -> None:
    """`apt-get install postgresql`, when running as root on a machine with apt."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ServerUnavailable(
            "PostgreSQL server binaries (initdb, postgres) not found and cannot be installed "
            "here (needs root and apt-get): install the Debian package `postgresql`"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "postgresql"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ServerUnavailable(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")


def _run_as() -> dict:
    """subprocess arguments that drop root to the server account (nothing when not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        raise ServerUnavailable(
            f"running as root and there is no {SERVER_ACCOUNT!r} account to run PostgreSQL as "
            "(the Debian package creates it)"
        ) from None
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_ready(server: PostgresServer, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            server.connect().close()
            return
        except psycopg2.OperationalError:
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"PostgreSQL did not start:\n{tail}") from None
            time.sleep(0.2)


@contextmanager
def postgres_server(install: bool = True) -> Iterator[PostgresServer]:
    """Start a new PostgreSQL cluster in a temporary folder; stop it and delete the folder on
    exit, whatever happened. Raises `ServerUnavailable` when no server can be run here."""
    bin_dir = find_server_bin()
    if bin_dir is None and install:
        install_debian_postgresql()
        bin_dir = find_server_bin()
    if bin_dir is None:
        raise ServerUnavailable("PostgreSQL server binaries (initdb, postgres) not found")
    as_account = _run_as()
    # Not under pytest's tmp_path: that is private to root, and the server account must reach it.
    root = Path(tempfile.mkdtemp(prefix="dealflow-pg-"))
    proc = None
    try:
        if as_account:
            os.chown(root, as_account["user"], as_account["group"])
        server = PostgresServer(
            port=_free_port(), username="dealflow", password=secrets.token_hex(16)
        )
        pwfile = root / "pwfile"
        pwfile.write_text(server.password + "\n")
        if as_account:
            os.chown(pwfile, as_account["user"], as_account["group"])
        initdb = subprocess.run(
            [
                str(bin_dir / "initdb"),
                *("-D", str(root / "data"), "-U", server.username, "--pwfile", str(pwfile)),
                *("--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8"),
                *("--locale=C", "--no-sync", "--no-instructions"),
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            **as_account,
        )
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        log = root / "server.log"
        with open(log, "w") as log_handle:
            if as_account:
                os.chown(log, as_account["user"], as_account["group"])
            proc = subprocess.Popen(
                [
                    str(bin_dir / "postgres"),
                    *("-D", str(root / "data"), "-p", str(server.port), "-k", str(root)),
                    *("-c", f"listen_addresses={server.host}", "-c", "fsync=off"),
                ],
                cwd=root,
                stdout=log_handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **as_account,
            )
        _wait_until_ready(server, proc, log)
        yield server
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # "fast" shutdown: end sessions, then stop
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(root, ignore_errors=True)
