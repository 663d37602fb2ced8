"""The cache warmer (``components.warm``): after a page's call for one offence group it makes the
same call, keywords in the same order, for each other group, group by group, and only while no
page is running."""

from __future__ import annotations

import threading
import time

from components.warm import Warmer, warming
from metrics.offence_groups import OFFENCE_GROUPS


def _recorder():
    calls: list[tuple[str, list[tuple[str, object]]]] = []
    done = threading.Event()

    def cached(url: str, **kwargs):
        calls.append((url, list(kwargs.items())))
        if len(calls) == 2 * (len(OFFENCE_GROUPS) - 1):
            done.set()
        return kwargs["offence_group"]

    cached.clear = lambda: None
    return cached, calls, done


def test_other_groups_are_called_group_by_group_once_no_page_runs():
    cached, calls, done = _recorder()
    warmer = Warmer(quiet_s=0.2)
    try:
        _check(warmer, cached, calls, done)
    finally:
        warmer.close()
    assert not any(t.name == "rasso-warm-caches" for t in threading.enumerate())


def _check(warmer, cached, calls, done):
    with warmer.page_run():
        for metric in ("charge_rate", "open_rate"):
            warmer.offer(cached, "sqlite://", {"tier": "public", "metric_id": metric, "offence_group": "rape"})
        warmer.offer(cached, "sqlite://", {"tier": "public", "metric_id": "charge_rate", "offence_group": "rape"})
        time.sleep(0.5)
        assert calls == []  # a page is running: nothing yet
    assert done.wait(10)
    others = [g for g in OFFENCE_GROUPS if g != "rape"]
    # each group's two calls together, in the groups' order; each call once; keywords in order
    assert [dict(kw)["offence_group"] for _url, kw in calls] == [g for g in others for _ in range(2)]
    assert [dict(kw)["metric_id"] for _url, kw in calls][:2] == ["charge_rate", "open_rate"]
    assert all([k for k, _v in kw] == ["tier", "metric_id", "offence_group"] for _url, kw in calls)
    # a call already made (or queued) for a group is not offered again
    warmer.offer(cached, "sqlite://", {"tier": "public", "metric_id": "open_rate", "offence_group": "child_rape"})
    time.sleep(0.5)
    assert len(calls) == 2 * len(others)


def test_warming_is_off_with_the_setting(monkeypatch):
    monkeypatch.setenv("RASSO_WARM_CACHES", "0")
    cached, calls, _done = _recorder()
    wrapped = warming(cached)
    assert wrapped("sqlite://", tier="public", offence_group="rape") == "rape"
    time.sleep(0.3)
    assert calls == [("sqlite://", [("tier", "public"), ("offence_group", "rape")])]
