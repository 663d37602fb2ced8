"""The pillars page's words (words.pillars): which file supplies a missing indicator, the indicator
table from the registry, the grid's summary and the spread across forces, from hand-made frames."""

from __future__ import annotations

import polars as pl

from analysis import comparison as cmp
from analysis.pillar_profile import SHOWN
from metrics.registry import AVAILABILITY_LABELS, DIRECTION_WORDS, metric, metrics_for_pillar
from words import pillars as say

P3 = metrics_for_pillar(3)


def test_a_missing_indicator_names_the_file_that_would_supply_it():
    isva = metric("isva_referral_rate")
    text = say.not_available(isva)
    assert text.startswith("Victims referred to an ISVA: not available in this release.")
    assert "force management-information template" in text and "rasso ingest indicators" in text
    assert "rasso ingest outcomes" in say.not_available(metric("charge_rate"))
    assert "no published file" in say.not_available(metric("median_days_to_charge"))


def test_the_drill_down_of_a_missing_indicator_does_not_repeat_its_notice():
    isva = metric("isva_referral_rate")
    text = say.not_drawn(isva, [P3[0]])
    assert say.NOT_AVAILABLE not in text and "rasso ingest" not in text  # the notice above says that
    assert text.startswith(f"Nothing is drawn for {isva.phrase}") and text.endswith(f"{P3[0].label}.")


def test_a_pillar_the_release_lacks_says_so_once_with_its_files():
    p2 = metrics_for_pillar(2)
    text = say.no_grid(2, 7, p2)
    assert text.startswith(f"Pillar 2 is {say.NOT_AVAILABLE}: none of its {len(p2)} indicators is in release 7")
    assert text.count("force management-information template") == 1  # one file, named once


def test_indicator_table_is_the_registry_with_what_the_release_holds():
    table = say.indicator_table(P3, ("outcomes", "recorded"))
    rows = table.to_dicts()
    assert [r["Indicator"] for r in rows] == [m.label for m in P3]
    for r, m in zip(rows, P3, strict=True):
        assert r["Definition"] == m.definition and r["Numerator"] == m.numerator
        assert r["Denominator"] == m.denominator and r["Direction of good"] == DIRECTION_WORDS[m.direction]
        assert r["Availability"] == AVAILABILITY_LABELS[m.availability]
    assert rows[0]["In this release"] == "Yes" and rows[1]["In this release"].startswith("No: load the force")


def test_sources_sentence_counts_each_source():
    text = say.sources_sentence(P3, 3)
    assert text.startswith("Pillar 3 has 2 indicators: 1 from Home Office open data and 1 from force "
                           "management information.")


def _grid(positions: list[str | None], metric_id: str = "victim_does_not_support_rate") -> pl.DataFrame:
    return pl.DataFrame({"code": [f"F{i}" for i in range(len(positions))], "metric": [metric_id] * len(positions),
                         "position": positions,
                         "availability": [SHOWN if p != "hidden" else "not shown ([c])" for p in positions]})


def test_grid_summary_counts_positions_per_indicator():
    positions = [cmp.ABOVE_OUTER, cmp.ABOVE_INNER, cmp.WITHIN, cmp.WITHIN, cmp.BELOW_OUTER, "hidden"]
    frame = _grid(positions).with_columns(
        pl.when(pl.col("position") == "hidden").then(None).otherwise(pl.col("position")).alias("position"))
    text = say.grid_summary(frame, [P3[0]], [P3[1]])
    assert "Victim does not support further action: 5 of 6 forces shown; 2 above and 1 below the limits, 2 within" in text
    assert "Left out of the grid, as this release does not hold them: victims referred to an ISVA." in text


def test_distribution_summary_range_quartiles_and_national():
    m = metric("isva_referral_rate")
    rows = pl.DataFrame({"name": ["A", "B", "C", "D", "E"], "value": [10.0, 20.0, 30.0, 40.0, 50.0]})
    text = say.distribution_summary(rows, m, {"value": 33.3}, 43)
    assert text.startswith("5 of 43 forces have a figure for victims referred to an ISVA.")
    assert "from 10.0% (A) to 50.0% (E)" in text and "between 20.0% and 40.0%" in text
    assert "England and Wales: 33.3%." in text
    assert say.distribution_summary(rows.head(0), m, {}, 43).startswith("No force has a figure")


def test_mixing_caveat_names_the_bases_and_the_force_mi_scope():
    text = say.mixing_caveat(P3, "Adult rape")
    assert "investigations closed in the period" in text and "offences recorded in the period" in text
    assert "Force management information (victims referred to an ISVA) covers all RASSO cases, not only adult rape." in text
    same_basis = [metric("charge_rate"), metric("no_suspect_rate")]
    assert say.mixing_caveat(same_basis, "Adult rape") is None
    assert say.indicator_table(P3, ())["Basis"].to_list() == [say.BASIS_LABELS[m.basis] for m in P3]
