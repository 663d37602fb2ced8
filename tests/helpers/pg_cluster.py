"""A throwaway PostgreSQL cluster a test starts, stops, freezes and removes itself.

Why not the shared test database (``RASSO_TEST_PG_URL``): an outage test has to stop the server
and freeze its processes, which would break every other test and session using it. This cluster
lives in a temporary folder on a free loopback port with trust authentication, under a superuser
and database named so that a leak on screen is unmistakable. ``initdb`` refuses to run as root,
so as root the binaries run as the ``postgres`` system user (``runuser``), which owns the folder.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path


def _server_binaries() -> Path:
    """``RASSO_TEST_PG_BIN``, else the newest Debian PostgreSQL (``/usr/lib/postgresql/N/bin``)."""
    if os.environ.get("RASSO_TEST_PG_BIN"):
        return Path(os.environ["RASSO_TEST_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                   if p.parent.name.isdigit() else 0)
    return found[-1] if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _server_binaries()
OWNER = "rasso_outage_owner"  # the cluster's superuser: no other test or page uses this name
DATABASE = "rasso_outage_db"
_RUN_AS = "postgres"  # the system user that runs the binaries when the test runs as root


def missing_binaries() -> str | None:
    """Why this machine cannot start a cluster, or None when it can."""
    needed = [PG_BIN / name for name in ("initdb", "pg_ctl", "postgres", "psql")]
    absent = [str(p) for p in needed if not os.access(p, os.X_OK)]
    if absent:
        return f"PostgreSQL server binaries not found ({', '.join(absent)}; set RASSO_TEST_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(_RUN_AS)
        except KeyError:
            return f"running as root and there is no '{_RUN_AS}' user to run PostgreSQL as"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """One cluster: ``start``/``stop`` it, ``pause``/``resume`` every process of it, ``remove`` it."""

    home: Path
    port: int = field(default_factory=_free_port)

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{OWNER}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", _RUN_AS, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)  # noqa: S603 - argv: PostgreSQL's own binaries and the test's paths, no shell

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", OWNER, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self.start()
        self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", OWNER, "-d", "postgres",
                  "-c", f"CREATE DATABASE {DATABASE}")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.home} -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.home / "log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def processes(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer, writers)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return []
        postmaster = int(pid_file.read_text().split()[0])
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue  # ended meanwhile
                if int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.append(int(entry.name))
        return [postmaster, *children]

    def _signal(self, sig: int) -> None:
        for pid in self.processes():
            with suppress(ProcessLookupError):  # ended meanwhile
                os.kill(pid, sig)

    def pause(self) -> None:
        """SIGSTOP every process: the kernel still accepts connections, nothing answers."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def remove(self) -> None:
        """Resume, stop and delete, whatever state the test left the cluster in."""
        self.resume()
        running = (self.data / "postmaster.pid").exists()
        if running and self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "20", "stop",
                                 check=False).returncode != 0:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.home, ignore_errors=True)


def new_cluster() -> Cluster:
    """A created and started cluster in a fresh temporary folder (short: it holds the socket)."""
    home = Path(tempfile.mkdtemp(prefix="rasso-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(_RUN_AS)
        os.chown(home, user.pw_uid, user.pw_gid)
    cluster = Cluster(home)
    try:
        cluster.create()
    except BaseException:
        cluster.remove()
        raise
    return cluster
