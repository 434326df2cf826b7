"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a fresh data directory,
a free loopback port, trust authentication, stopped at exit. No mock stands in for the server.

Under ``CI`` a missing server binary is a failure (``.ci/run`` installs Debian's ``postgresql``);
outside CI it is a skip that says why. A server that the machine cannot start (no ``postgres`` user,
no shared memory ...) is a skip with the server's own words, never a silent pass.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


class ServerUnavailable(Exception):
    """The machine cannot start a PostgreSQL server (the reason is the message)."""


class ServerMissing(ServerUnavailable):
    """No PostgreSQL server binary on this machine."""


def binaries() -> Path:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian keeps them in /usr/lib/postgresql/NN/bin)."""
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not versions:
        raise ServerMissing("no PostgreSQL server binary (initdb): apt-get install postgresql")
    return Path(versions[-1]).parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running cluster: its data directory, port and the user the server runs as."""

    bin: Path
    root: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, template: str | None = None) -> str:
        """A fresh database's URL: empty, or a copy of the database named ``template`` (a file copy on
        the server, far quicker than creating a schema; nobody may be connected to the template)."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url`` (connections still open to it are ended): the cluster stays
        small, and its removal at the end of the session quick."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode:
        program = next(Path(c).name for c in cmd if c.endswith(("initdb", "pg_ctl")))
        raise ServerUnavailable(f"{program} failed: {(done.stderr or done.stdout)[-400:]}")


def start() -> Server:
    """``initdb`` and ``pg_ctl -w start`` a cluster on a free loopback port (as ``postgres`` when root)."""
    bin_dir = binaries()
    root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        runuser = shutil.which("runuser")
        if not runuser:
            raise ServerUnavailable("running as root and no runuser to become the postgres user")
        shutil.chown(root, "postgres")
        as_user = [runuser, "-u", "postgres", "--"]
    server = Server(bin_dir, root, free_port(), as_user)
    try:
        _run([*as_user, str(bin_dir / "initdb"), "-D", str(server.data), "-U", "postgres", "--auth=trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        _run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(server.data), "-w", "-t", "60",
              "-l", str(root / "server.log"), "-o", options, "start"])  # fmt: skip
    except (ServerUnavailable, OSError, subprocess.TimeoutExpired) as exc:
        log = root / "server.log"
        tail = log.read_text(errors="replace")[-400:] if log.exists() else ""
        server.stop()
        raise ServerUnavailable(f"{exc} {tail}".strip()) from exc
    return server
