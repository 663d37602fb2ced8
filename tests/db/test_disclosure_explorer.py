"""The data explorer's public tables (``queries.explorer.explore``) audited with the public outputs
they could be combined with: regions and NOM phases are sums of forces, so an attacker holding a
region's row and the force rows of the same cells could subtract; a national window by offence
group could be combined with the metric tables' groups, quarters and years.

Each test asks the independent audit (``benchmarks.disclosure_audit``; its explorer channel is
``benchmarks.audit_outputs.explorer_numbers``) to read only the outputs named, through the public
interfaces, and fails as the channel tests do (``helpers.disclosure_audit.failures``), and also when
no hidden explorer row was audited. The selections are kept to what solves in seconds on the
small release: a region by quarter and by outcome group together with the forces' quarters takes
minutes (benchmarks/RESULTS.md), so each test names the few tables its combination needs.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable

import pytest

from benchmarks.audit_outputs import View
from benchmarks.disclosure_audit import Select
from db.releases import latest_release
from helpers.disclosure_audit import assert_no_leaks
from helpers.testdb import SMALL_SEED
from sample_data.load import load_sample

OUTCOME_GROUP = ("outcome_group",)


def explorer(subject: str, group: str, tables: Iterable[tuple[str, str, tuple[str, ...]]]) -> Select:
    """The explorer's tables of one measure and offence group: (area, grain, dimensions) each."""
    wanted = set(tables)
    return lambda v: (v.channel == "explorer" and v.subject == subject and v.group == group
                      and (v.area, v.grain, v.dims) in wanted)


def outcome_mixes(basis: str, group: str, grains: Iterable[str]) -> Select:
    """The force-level outcome mix tables (every force and BTP) of one basis and offence group."""
    grains = set(grains)
    return lambda v: (v.channel == "outcome_mix" and v.subject == basis and v.group == group and v.area == "all"
                      and v.grain in grains)


def metric_tables(metric: str, groups: Iterable[str], area: str, grains: Iterable[str]) -> Select:
    groups, grains = set(groups), set(grains)
    return lambda v: (v.channel == "metric_table" and v.subject == metric and v.group in groups and v.area == area
                      and v.grain in grains)


def either(*selects: Select) -> Select:
    return lambda v: any(s(v) for s in selects)


def _release(engine) -> int:
    return latest_release(engine, "synthetic").id


def _one_backend(engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("one backend is enough: the audit reads the explorer through the same public code on both, "
                    "and the channel tests audit the protection on both")


def test_regions_against_their_forces(small_db):
    """Adult-rape investigations closed, by region and by force, each by quarter and by financial
    year: a region shown where a force in it is hidden would give that force back (region less
    the forces shown), and a region year against its quarters."""
    _one_backend(small_db)
    tables = [(area, grain, ()) for area in ("region", "force") for grain in ("quarter", "year")]
    assert_no_leaks(small_db, [_release(small_db)], explorer("outcomes:closed", "adult_rape", tables),
                    channel="explorer")


def test_regions_by_quarter_and_outcome_group_against_the_force_outcome_mix(small_db):
    """Was a leak of zeros: the outcome mix left out groups with no outcomes, publishing zeros the
    protection hides; it now writes every group ([c] where hidden), as the explorer does."""
    _one_backend(small_db)
    tables = [("region", "quarter", OUTCOME_GROUP), ("region", "year", ())]
    select = either(explorer("outcomes:closed", "adult_rape", tables), outcome_mixes("closed", "adult_rape",
                                                                                    ("quarter", "year")))
    assert_no_leaks(small_db, [_release(small_db)], select, channel="explorer")


def test_nom_phases_by_outcome_group_against_the_force_outcome_mix(small_db):
    _one_backend(small_db)
    select = either(explorer("outcomes:closed", "adult_rape", [("nom_phase", "year", OUTCOME_GROUP)]),
                    outcome_mixes("closed", "adult_rape", ("quarter", "year")))
    assert_no_leaks(small_db, [_release(small_db)], select, channel="explorer")


def test_national_windows_by_offence_group_against_the_metric_tables(small_db):
    """All sexual offences recorded, England and Wales, rolling 12 months split into adult rape,
    child rape and other sexual, with the recorded-offences metric tables of every offence group
    by quarter, year and rolling window (rape less adult rape is child rape, a window less three
    quarters is the fourth)."""
    _one_backend(small_db)
    groups = ("adult_rape", "child_rape", "rape", "other_sexual", "all_sexual")
    select = either(explorer("recorded", "all_sexual", [("national", "rolling", ("offence_group",))]),
                    metric_tables("recorded_offences", groups, "national", ("quarter", "year", "rolling")))
    assert_no_leaks(small_db, [_release(small_db)], select, channel="explorer")


MEDIUM_CASES = 6_000
MEDIUM_LAST_QUARTER = 20162
"""The medium whole-release audit's release (benchmarks/RESULTS.md: 6,000 cases, seed 7, 2015-16 Q1
to 2016-17 Q2), where 20 region and NOM-phase rows hidden as sums of forces with one hidden were
pinned as England and Wales less the other groups; it loads in seconds."""


@pytest.fixture(scope="module")
def medium_release(tmp_path_factory, fresh_engine):
    """That release in a SQLite database of its own (removed afterwards); one backend is enough,
    as above."""
    folder = tmp_path_factory.mktemp("medium-sqlite")
    engine = fresh_engine("sqlite", folder)
    try:
        yield engine, load_sample(engine, cases=MEDIUM_CASES, seed=SMALL_SEED, last_quarter=MEDIUM_LAST_QUARTER)
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def _groups_and_england_and_wales(view: View) -> bool:
    """Every count measure and offence group by region, NOM phase and England and Wales, by quarter
    and by year, without offence or outcome groups (90 tables)."""
    return (view.channel == "explorer" and view.area in ("national", "region", "nom_phase")
            and view.grain in ("quarter", "year") and view.dims == ())


def test_no_hidden_region_or_phase_is_england_and_wales_less_the_others(medium_release):
    """Was 7 pinned here (e.g. the national roll-out's investigations closed in 2015-16 Q4, 538, and
    Wales's recorded-basis outcomes in 2015-16 Q1, 35): a region or phase that is the only hidden
    group of its period is now shown where England and Wales is, so none is a [c] anyone can work out."""
    engine, release = medium_release
    audit = assert_no_leaks(engine, [release], _groups_and_england_and_wales, channel="explorer")
    hidden_groups = [f for f in audit.findings if " region " in f.output or " nom_phase " in f.output]
    assert hidden_groups, "no hidden region or phase was audited: the release no longer has any"
