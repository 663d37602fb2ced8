"""The client's deadlines (``db.time_limit``) and the words a failed connection is reported in
(``db.engine.plain_reason``), without a database."""

from __future__ import annotations

import threading

import pytest

from db.engine import plain_reason
from db.time_limit import _Watchdog


def test_a_deadline_that_passes_runs_its_action_once_and_disarm_says_so():
    watchdog = _Watchdog()
    fired = threading.Event()
    token = watchdog.arm(0.05, fired.set)
    assert fired.wait(5)
    assert watchdog.disarm(token) is True  # the statement's error is then the deadline's


def test_a_deadline_disarmed_in_time_never_runs():
    watchdog = _Watchdog()
    fired = threading.Event()
    token = watchdog.arm(0.3, fired.set)
    assert watchdog.disarm(token) is False
    later = watchdog.arm(0.05, lambda: None)  # the thread wakes past the first deadline
    assert not fired.wait(0.6)
    assert watchdog.disarm(later) is True
    assert watchdog.disarm(None) is False


def test_a_failing_action_does_not_stop_the_watchdog():
    watchdog = _Watchdog()
    fired = threading.Event()

    def broken():
        raise OSError("socket already closed")

    watchdog.arm(0.01, broken)
    watchdog.arm(0.05, fired.set)
    assert fired.wait(5)


@pytest.mark.parametrize(("driver", "words"), [
    ('connection failed: connection to server at "10.1.2.3", port 6543 failed: Connection refused',
     "is the server running"),
    ("connection timeout expired", "did not answer in time"),
    ('connection failed: FATAL:  password authentication failed for user "svc_rasso"', "user name or password"),
    ('connection failed: FATAL:  role "svc_rasso" does not exist', "user name or password"),
    ('connection failed: FATAL:  database "rasso_live" does not exist', "database named in the address"),
    ("failed to resolve host 'db.internal.example': [Errno -2] Name or service not known", "host name"),
    ('could not translate host name "db.internal.example" to address', "host name"),
    ("unable to open database file", "cannot be opened"),
    ("something new on 10.1.2.3:6543 for svc_rasso", "the connection failed"),
])
def test_a_failed_connection_is_worded_without_the_deployment(driver, words):
    said = plain_reason(RuntimeError(driver))
    assert words in said
    for detail in ("10.1.2.3", "6543", "svc_rasso", "rasso_live", "db.internal.example"):
        assert detail not in said
