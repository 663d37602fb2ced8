"""One ``streamlit run dashboard.py`` for a benchmark or a test, stopped on the way out, and its
resident memory read from ``/proc`` (no psutil in the runtime). With ``warm_start`` the server is
started as ``make run`` starts it (``python -m components.serve``, the same options), and
``serve`` waits until its pass over the pages has finished, taking the time from its log."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_health(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:  # noqa: S310 - our own server on loopback, http
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


WARM_LINE = re.compile(r"warm at start: (?P<steps>.*); server start -> warm (?P<seconds>[0-9.]+) s")


def wait_for_line(proc: subprocess.Popen, log: Path, line: re.Pattern, timeout: float) -> re.Match:
    """The first match of ``line`` in the server's log, waiting for it (``WARM_LINE``: the
    launcher's pass over the pages has finished, ``components.warm_start``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := line.search(log.read_text(errors="replace")):
            return found
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before logging {line.pattern!r}")
        time.sleep(0.5)
    raise TimeoutError(f"no {line.pattern!r} in {log} within {timeout:.0f} s")


class Server:
    """A running app server: its address and process id; with a warm start, the seconds from
    the server's start to the end of its pass over the pages, and the pass's steps."""

    def __init__(self, url: str, proc: subprocess.Popen, log: Path):
        self.url, self.proc, self.log = url, proc, log
        self.warm_s: float | None = None
        self.warm_steps = ""

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)


@contextmanager
def serve(db_url: str, log: Path, *, port: int | None = None, timeout: float = 120, args: tuple[str, ...] = (),
          warm_start: bool = False, warm_wait: bool = True, warm_timeout: float = 3600):
    """``streamlit run dashboard.py`` over ``db_url`` on loopback, with more command-line ``args``
    (``--secrets.files``); yields a ``Server`` and stops it (terminate, then kill) however the
    block ends. The browser tests start theirs here too. ``warm_start``: started as ``make run``
    does, with ``RASSO_WARM_CACHES=1``, and yielded once warm (at once, without ``warm_wait``)."""
    port = port or free_port()
    env = {**os.environ, "RASSO_DB_URL": db_url, **({"RASSO_WARM_CACHES": "1"} if warm_start else {})}
    start = ["components.serve"] if warm_start else ["streamlit", "run", str(ROOT / "dashboard.py")]
    with open(log, "w") as out:
        proc = subprocess.Popen(  # noqa: S603 - argv: this Python running streamlit on our dashboard, no shell
            [sys.executable, "-m", *start,
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_health(url, proc, log, timeout)
            server = Server(url, proc, log)
            if warm_start and warm_wait:
                warm = wait_for_line(proc, log, WARM_LINE, warm_timeout)
                server.warm_s, server.warm_steps = float(warm["seconds"]), warm["steps"]
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
