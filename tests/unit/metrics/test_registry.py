"""The metric registry's look-ups that pages build on."""

from __future__ import annotations

from metrics.registry import METRICS, metrics_for_pillar


def test_metrics_for_pillar_partitions_the_registry_in_order():
    pillars = sorted({m.pillar for m in METRICS})
    assert len(pillars) > 1
    grouped = [m for p in pillars for m in metrics_for_pillar(p)]
    assert sorted(grouped, key=METRICS.index) == list(METRICS) and len(grouped) == len(METRICS)
    for p in pillars:
        chosen = metrics_for_pillar(p)
        assert chosen and all(m.pillar == p for m in chosen)
        assert chosen == sorted(chosen, key=METRICS.index)
    assert metrics_for_pillar(max(pillars) + 1) == []
