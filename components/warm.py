"""Figures a filter change will ask for, computed in the background before it is asked (issue 14).

Measured at 2 million cases on SQLite, a page whose figures are cached settles in the browser in
about 0.7 s after a change of offence group, and one whose figures are not in 1.8-2.8 s: the
time goes on the page's queries. So when a page asks ``components.data`` for one offence group's
figures, the same call for each other group is queued, and one thread per process works
through it whenever no page has been running for a second (``page_run`` around each run in
``dashboard.py``): users' own runs come first.
``st.cache_data`` locks each value while it is computed, so a page asking for a value the thread
is computing waits for it instead of computing it twice. The thread also imports
``scipy.stats`` as it starts, the statistics' one heavy import (``metrics.stats``).

``RASSO_WARM_CACHES=0`` turns it off (the test suite does: no query may outlive its test).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function

import settings
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.stats._arrays import scipy_stats

QUIET_S = 1.0  # no page has run for this long: the thread may make its next call
_LOG = logging.getLogger(__name__)


class Warmer:
    """The queue of calls to make and the one thread that makes them."""

    def __init__(self, quiet_s: float = QUIET_S):
        self.quiet_s = quiet_s
        # one queue per offence group, worked through in the groups' order: a page is only as quick
        # as its slowest call, so one group made wholly ready beats every group made half ready
        self.jobs: dict[str, deque[tuple[Callable[..., Any], str, dict]]] = {g: deque() for g in OFFENCE_GROUPS}
        self._waiting = threading.Semaphore(0)  # one release per job queued
        self.done = 0  # calls made (for tests and the benchmark's notes)
        self._offered: set[str] = set()
        self._lock = threading.Lock()
        self._last = time.monotonic()  # when the last page run ended
        self._running = 0  # page runs in progress
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="rasso-warm-caches", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread after its current call (a test's warmer; the server's lives with it)."""
        self._closed = True
        self._waiting.release()
        self._thread.join(timeout=30)

    def offer(self, cached: Callable[..., Any], url: str, kwargs: dict) -> None:
        """After a page's call ``cached(url, **kwargs)``: the same call for every other offence
        group (keyword order kept: ``st.cache_data`` keys on it)."""
        with self._lock:
            group = kwargs.get("offence_group")
            if group not in OFFENCE_GROUPS:
                return
            for other in OFFENCE_GROUPS:
                variant = {k: other if k == "offence_group" else v for k, v in kwargs.items()}
                key = f"{cached.__module__}.{cached.__qualname__}|{url}|{variant!r}"
                if key not in self._offered:
                    self._offered.add(key)
                    if other != group:
                        self.jobs[other].append((cached, url, variant))
                        self._waiting.release()

    @contextmanager
    def page_run(self) -> Iterator[None]:
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._last = time.monotonic()

    def quiet_for(self) -> float:
        """How long no page has been running (0 while one is)."""
        with self._lock:
            return 0.0 if self._running else time.monotonic() - self._last

    def _work(self) -> None:
        # as inside another cached function: no spinner, which outside a page's run would only
        # log "missing ScriptRunContext" on every call
        in_cached_function.set(True)
        scipy_stats()
        while True:
            self._waiting.acquire()
            if self._closed:
                return
            with self._lock:
                cached, url, kwargs = next(q for q in self.jobs.values() if q).popleft()
            while (quiet := self.quiet_for()) < self.quiet_s:
                time.sleep(max(0.05, self.quiet_s - quiet))
            try:
                cached(url, **kwargs)
            except Exception:  # a page asking for it later meets the error itself
                _LOG.debug("warming %s(%r) failed", cached.__qualname__, kwargs, exc_info=True)
            self.done += 1


_WARMER: Warmer | None = None
_START = threading.Lock()


def warmer() -> Warmer | None:
    """The process's warmer, started on first use; None when ``RASSO_WARM_CACHES=0``."""
    global _WARMER
    if not settings.warm_caches():
        return None
    with _START:
        if _WARMER is None:
            _WARMER = Warmer()
    return _WARMER


@contextmanager
def page_run() -> Iterator[None]:
    """Around a page's run: the warmer waits while any runs (no-op when warming is off)."""
    w = warmer()
    if w is None:
        yield
        return
    with w.page_run():
        yield


def warming(cached: Callable[..., Any]) -> Callable[..., Any]:
    """``cached`` (a ``components.data`` function), offering its other offence groups' calls
    to the warmer after each call."""

    def call(url: str, **kwargs: Any) -> Any:
        value = cached(url, **kwargs)
        if (w := warmer()) is not None:
            w.offer(cached, url, kwargs)
        return value

    call.__doc__, call.__name__, call.__qualname__ = cached.__doc__, cached.__name__, cached.__qualname__
    call.clear = cached.clear  # type: ignore[attr-defined]
    return call
