"""The first-start sample load: once per database, independent of any browser tab.

Why a process-wide registry and a thread: the load takes minutes, and a browser tab is not a
reliable owner for it. Run inside a Streamlit session, closing the tab stopped the script and
the next tab started again from scratch (the load is one transaction, so nothing was kept), and
a second tab only waited behind a lock without seeing any progress. Here the load runs in a
background thread owned by the process; every session reads the same ``FirstStartJob`` and
shows the same progress, and a failure is kept (with an error id for the server log) so that it
is shown once instead of being silently retried on every rerun.

The load is still one transaction (``load_sample``), so a server stopped mid-load leaves the
database empty and the next start loads again.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from db.engine import make_engine
from db.releases import showable_release_ids

log = logging.getLogger("rasso.first_start")

Loader = Callable[..., int]


@dataclass
class FirstStartJob:
    """Progress of one database's first-start load, shared by every session of the process."""

    url: str
    cases: int
    seed: int
    fraction: float = 0.0
    message: str = "Waiting to start…"
    release_id: int | None = None
    error: str | None = None
    error_id: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, fraction: float, message: str) -> None:
        with self._lock:
            self.fraction = min(max(float(fraction), 0.0), 1.0)
            self.message = message

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started


_JOBS: dict[str, FirstStartJob] = {}
_REGISTRY_LOCK = threading.Lock()


def _default_loader(engine, *, cases: int, seed: int, progress) -> int:
    from sample_data.load import load_sample

    return load_sample(engine, cases=cases, seed=seed, progress=progress)


def _run(job: FirstStartJob, load: Loader) -> None:
    engine = make_engine(job.url)
    try:
        if showable_release_ids(engine):  # loaded meanwhile (another process, or a job just done)
            job.progress(1.0, "The database already holds data.")
        else:
            job.release_id = load(engine, cases=job.cases, seed=job.seed, progress=job.progress)
            job.progress(1.0, f"Synthetic sample loaded as release {job.release_id}.")
    except Exception as exc:  # kept and shown to every session, never retried in a loop
        job.error_id = secrets.token_hex(4)
        job.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        log.exception("first-start sample load failed (error id %s) for %s", job.error_id,
                      engine.url.render_as_string(hide_password=True))
    finally:
        job.finished = time.monotonic()
        engine.dispose()


def ensure_started(url: str, *, cases: int, seed: int, load: Loader | None = None) -> FirstStartJob:
    """The job loading ``url``'s first-start sample, starting it unless one is running or failed.

    Call it only when the database holds no data release. A job that finished is replaced (the
    database was emptied since, e.g. recreated), and the new thread first checks again, so a
    call racing a job's completion loads nothing twice. A failed job stays until ``retry``.
    """
    with _REGISTRY_LOCK:
        job = _JOBS.get(url)
        if job is not None and (job.running or job.failed):
            return job
        job = FirstStartJob(url=url, cases=cases, seed=seed)
        _JOBS[url] = job
        threading.Thread(target=_run, args=(job, load or _default_loader), name=f"rasso-first-start-{id(job):x}",
                         daemon=True).start()
        return job


def current(url: str) -> FirstStartJob | None:
    """The last job for ``url`` in this process, if any."""
    with _REGISTRY_LOCK:
        return _JOBS.get(url)


def retry(url: str) -> None:
    """Forget a failed job, so the next ``ensure_started`` tries again (a user's explicit choice)."""
    with _REGISTRY_LOCK:
        job = _JOBS.get(url)
        if job is not None and job.failed:
            del _JOBS[url]


def wait(job: FirstStartJob, timeout: float) -> bool:
    """Block until the job finishes (tests and the command line); True when it did."""
    deadline = time.monotonic() + timeout
    while job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    return not job.running
