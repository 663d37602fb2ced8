"""The pillars grid (analysis.pillar_grid) on hand-made metric tables: one cell per force and
indicator, the same position as the force's pillar profile and /compare, [c] kept, order by
name or by an indicator, and which indicator and order an address may ask for."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import comparison as cmp
from analysis import pillar_grid as pg
from analysis import pillar_profile as pp
from db.reference import FORCES, nom_phase
from metrics.registry import metric, metrics_for_pillar

AVON, CITY, DURHAM = "E23000036", "E23000034", "E23000008"
REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES],
                          "nom_phase": [nom_phase(f.code)[0] for f in FORCES],
                          "territorial": [True] * len(FORCES)})
ALL_HELD = ("recorded", "outcomes", "case_level", "force_mi")
PUBLIC_ONLY = ("recorded", "outcomes")
SCHEMA = {"area_code": pl.String, "area_name": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
          "value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64, "flag": pl.String}


def _table(value_of, den=2000.0, flags=None, scale=100.0):
    """A metric table for every force: 10% everywhere unless ``value_of`` says otherwise."""
    rows = []
    for f in FORCES:
        num = value_of.get(f.code, 0.10) * den
        flag = (flags or {}).get(f.code, "")
        rows.append({"area_code": f.code, "area_name": f.name, "numerator": None if flag else num,
                     "denominator": None if flag else den, "value": None if flag else num / den * scale,
                     "lower": None, "upper": None, "flag": flag})
    return pl.DataFrame(rows, schema=SCHEMA)


def _figures(**tables):
    out = {}
    for mid, t in tables.items():
        n, d = t["numerator"].sum(), t["denominator"].sum()
        out[mid] = pp.MetricFigures(t, {"numerator": n, "denominator": d, "value": n / d * 100, "flag": ""})
    return out


P3 = metrics_for_pillar(3)  # victim does not support (public), ISVA referrals (force MI)
VDNS, ISVA = P3[0].id, P3[1].id


def test_one_cell_per_force_and_indicator_with_the_profiles_position():
    vdns = _table({AVON: 0.16, DURHAM: 0.04}, flags={CITY: "[c]"})
    isva = _table({AVON: 0.11})
    figures = _figures(**{VDNS: vdns, ISVA: isva})
    grid = pg.grid_frame(P3, figures, ALL_HELD, REFERENCE)
    assert grid.height == len(FORCES) * len(P3)
    assert grid["metric"].unique(maintain_order=True).to_list() == [VDNS, ISVA]
    cells = {(r["code"], r["metric"]): r for r in grid.to_dicts()}
    # the same position the profile and /compare give, for every force
    comp = cmp.compare_forces(vdns, figures[VDNS].national, REFERENCE, metric(VDNS))
    for code, row in comp.rows().items():
        assert cells[(code, VDNS)]["position"] == row["position"]
    profile = pp.profile_frame(AVON, figures, ALL_HELD, REFERENCE, pillar=3)
    assert profile.filter(pl.col("metric") == VDNS)["marker"].item() == cells[(AVON, VDNS)]["marker"]
    # value and mark in the cell's text; position key for the colour
    assert cells[(AVON, VDNS)]["cell_text"] == f"16.0% {cells[(AVON, VDNS)]['marker']}"
    assert cells[(AVON, VDNS)]["category_key"] == comp.rows()[AVON]["position"] == cmp.ABOVE_OUTER
    assert cells[(DURHAM, VDNS)]["category_key"] == cmp.BELOW_OUTER
    # [c] stays [c]
    assert cells[(CITY, VDNS)]["cell_text"] == "[c]" and cells[(CITY, VDNS)]["category_key"] == cmp.NOT_SHOWN
    assert cells[(AVON, VDNS)]["direction"] == "Lower is better"


def test_a_count_is_shown_but_not_compared():
    p5 = [metric("recorded_offences")]
    counts = _table({AVON: 0.5}, scale=2000.0)
    grid = pg.grid_frame(p5, _figures(recorded_offences=counts), ALL_HELD, REFERENCE)
    avon = grid.filter(pl.col("code") == AVON).row(0, named=True)
    assert avon["position"] is None and avon["category_key"] == cmp.NOT_COMPARED
    assert avon["availability"] == pp.SHOWN and avon["cell_text"] == avon["value_text"]


def test_an_indicator_the_release_lacks_has_no_figures():
    grid = pg.grid_frame(P3, _figures(**{VDNS: _table({})}), PUBLIC_ONLY, REFERENCE)
    isva = grid.filter(pl.col("metric") == ISVA)
    assert isva.height == len(FORCES)
    assert set(isva["availability"]) == {pp.MI_NOT_SUPPLIED} and isva["value"].is_null().all()
    assert set(isva["category_key"]) == {cmp.NOT_SHOWN}
    assert pg.held(P3, PUBLIC_ONLY) == [P3[0]] and pg.held(P3, ALL_HELD) == P3


def test_force_order_by_name_and_by_an_indicator():
    values = {f.code: 0.05 + 0.002 * i for i, f in enumerate(FORCES)}
    grid = pg.grid_frame(P3, _figures(**{VDNS: _table(values, flags={AVON: "[c]"}), ISVA: _table({})}),
                         ALL_HELD, REFERENCE)
    assert pg.force_order(grid) == [f.code for f in sorted(FORCES, key=lambda f: f.name)]
    by_value = pg.force_order(grid, VDNS)
    expected = sorted((f for f in FORCES if f.code != AVON), key=lambda f: -values[f.code])
    assert by_value == [f.code for f in expected] + [AVON]  # hidden last
    wide = pg.wide_frame(grid, by_value)
    assert wide.columns == ["code", "name", P3[0].label, P3[1].label]
    assert wide["code"].to_list() == by_value and wide.row(-1, named=True)[P3[0].label] == "[c]"


def test_distribution_and_position_counts():
    grid = pg.grid_frame(P3, _figures(**{VDNS: _table({AVON: 0.16, DURHAM: 0.04}, flags={CITY: "[c]"}),
                                         ISVA: _table({})}), ALL_HELD, REFERENCE)
    rows = pg.distribution(grid, VDNS)
    assert rows.height == len(FORCES) - 1 and rows["value"].is_sorted()
    assert rows["code"][0] == DURHAM and rows["code"][-1] == AVON
    counts = pg.position_counts(grid, VDNS)
    assert counts[pp.SHOWN] == len(FORCES) - 1
    assert counts[cmp.ABOVE_OUTER] == 1 and counts[cmp.BELOW_OUTER] == 1


@pytest.mark.parametrize(("asked", "coverage", "expected", "notice"), [
    (ISVA, ALL_HELD, ISVA, False),
    ("charge_rate", ALL_HELD, VDNS, False),  # the dashboard's default metric is not a request
    ("device_taken_share", ALL_HELD, VDNS, True),
])
def test_resolve_metric(asked, coverage, expected, notice):
    chosen, text = pg.resolve_metric(3, asked, coverage)
    assert chosen.id == expected and (text is not None) == notice
    if notice:
        assert text.startswith("Ignored `metric`") and "pillar 3" in text


def test_resolve_metric_prefers_an_indicator_the_release_holds():
    assert pg.resolve_metric(1, "isva_referral_rate", PUBLIC_ONLY)[0].id == "charge_rate"
    assert pg.resolve_metric(2, "charge_rate", PUBLIC_ONLY)[0] == metrics_for_pillar(2)[0]  # none held


def test_resolve_sort():
    assert pg.resolve_sort(3, None) == (pg.NAME_ORDER, None)
    assert pg.resolve_sort(3, ISVA) == (ISVA, None)
    order, text = pg.resolve_sort(3, "charge_rate")
    assert order == pg.NAME_ORDER and text.startswith("Ignored `sort`")
