"""The six channels of issue 9 by which hidden ([c]) counts of the public tier were recovered, as
regression tests: each asks the independent audit (``benchmarks.disclosure_audit``) to read only
the public outputs its channel uses, through the public interfaces, and fails when an attacker
holding them could pin a hidden number exactly or narrow it to 1..threshold - 1. The case
journey, protected by a rule of its own, is audited here too, with the outputs that share its counts.

Why one test per channel rather than one audit of everything: a whole release's outputs solve as
one large system that takes far longer than a test may (benchmarks/RESULTS.md), while each
channel's outputs solve in seconds, and a failure names the channel that leaks. The selections
keep the outputs the issue's reproductions used (groups, areas, grains), nothing more.

Besides the leaks, each test fails when the audit cannot be trusted on the outputs it read: a
published number its model does not reproduce (the number was left out of the system), a linear
programme that failed (its hidden numbers would look safe), a count from 1 to threshold - 1
shown outright, or a selection that audited no hidden number at all (a renamed output would
otherwise pass unread).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable

import pytest

from benchmarks.audit_outputs import JOURNEY, View
from benchmarks.disclosure_audit import Select
from db.releases import latest_release
from helpers.disclosure_audit import assert_no_leaks
from helpers.testdb import BACKENDS, SMALL_CASES, SMALL_LAST_QUARTER, SMALL_SEED
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.registry import metric
from sample_data.editions import next_edition
from sample_data.load import load_sample

EVERY_AREA = ("all", "national", "BTP")
FORCES = ("all", "BTP")
"""Every force without the England and Wales row: the national row links every force and group
into one system that takes minutes to solve with the charge rate's force rows (channels 1, 2's
recorded offences and 2's devices, 4 audit it with lighter tables)."""


def outputs(*subjects: str, groups: Iterable[str] = ("adult_rape",), areas: Iterable[str] = EVERY_AREA,
            grains: Iterable[str] = ("quarter",)) -> Select:
    """The metric tables of these metrics, offence groups, areas and grains (a metric not split by
    offence, force MI, has one table whichever groups are asked for)."""
    subjects, groups, areas, grains = set(subjects), set(groups), set(areas), set(grains)

    def keep(view: View) -> bool:
        return (view.channel == "metric_table" and view.subject in subjects and view.area in areas
                and view.grain in grains and (view.group in groups or not metric(view.subject).by_offence))

    return keep


def _release(engine) -> int:
    return latest_release(engine, "synthetic").id


# ---------------------------------------------------------------- one release (the small fixture)


def test_channel_1_median_days_denominators(small_db):
    """The charged and closed cases a median-days table shows beside each median are counts too:
    England and Wales less the forces shown less BTP gives the one force hidden."""
    select = outputs("median_days_to_charge", "median_days_to_outcome", grains=("quarter", "year"))
    assert_no_leaks(small_db, [_release(small_db)], select)


SAME_COUNT = {
    "charges": outputs("charge_rate", "median_days_to_charge", groups=OFFENCE_GROUPS, areas=FORCES),
    "closed cases": outputs("charge_rate", "median_days_to_outcome", "cps_referral_rate",
                            groups=("adult_rape", "all_sexual"), areas=FORCES),
    "recorded offences": outputs("recorded_offences", "recorded_per_1000", "isva_referral_rate",
                                 "device_taken_share", groups=("adult_rape", "all_sexual")),
    "devices taken": outputs("device_taken_share", "device_return_28d_rate"),
}
"""Channel 2: a count that several metrics show, each once suppressed on its own. Charges are the
charge rate's numerator and the median days to charge's denominator, across the offence groups
(all sexual less other sexual less child rape is adult rape); closed cases the charge rate's,
the median days to outcome's and the CPS referral rate's denominators; recorded offences the
count, the rate per 1,000 (whose England and Wales leaves BTP out) and the ISVA and device
denominators; devices taken the taken share's numerator and the 28-day return rate's denominator."""


@pytest.mark.parametrize("count", SAME_COUNT)
def test_channel_2_the_same_count_in_different_metrics(small_db, count):
    assert_no_leaks(small_db, [_release(small_db)], SAME_COUNT[count])


def test_channel_3_year_against_its_quarters(small_db):
    select = outputs("charge_rate", areas=("all",), grains=("quarter", "year"))
    assert_no_leaks(small_db, [_release(small_db)], select)


def test_channel_4_england_and_wales_across_groups_and_quarters(small_db):
    """National child-rape charges are national rape less national adult rape; a national year is
    its four quarters."""
    select = outputs("charge_rate", "recorded_offences", groups=OFFENCE_GROUPS, areas=("national",),
                     grains=("quarter", "year"))
    assert_no_leaks(small_db, [_release(small_db)], select)


def test_channel_6_rolling_windows_against_quarters(small_db):
    """A twelve-month window less three shown quarters is the fourth; a window is a financial year
    less one quarter and plus another."""
    select = outputs("charge_rate", areas=("all",), grains=("quarter", "year", "rolling"))
    assert_no_leaks(small_db, [_release(small_db)], select)


def test_channel_6_rolling_windows_across_offence_groups(small_db):
    """A window that is not a node of the protection, over a hidden quarter, was [c] and could be
    a small sum that other offence groups give back (12 months of 3 child rape offences as rape
    less adult rape); the public tier no longer offers it ([x]), and its quarters stay protected."""
    select = outputs("recorded_offences", groups=("adult_rape", "child_rape", "rape"), areas=("all",),
                     grains=("quarter", "year", "rolling"))
    assert_no_leaks(small_db, [_release(small_db)], select)


def _journey_and_its_counts(view: View) -> bool:
    """The case journey of every offence group, and the outputs that show its counts: recorded
    offences and charges on the recorded basis (the charge rate's numerator) by year, England and
    Wales, every group; and the force MI's suspects identified (the repeat-suspect share's
    denominator, by force and quarter of recording), which the journey's middle stage sums."""
    shared = outputs("recorded_offences", "charge_rate", groups=OFFENCE_GROUPS, areas=("national",),
                     grains=("year",))
    suspects = outputs("repeat_suspect_share", areas=EVERY_AREA, grains=("quarter", "year"))
    return view.channel == JOURNEY or shared(view) or suspects(view)


JOURNEY_CASES = 1_000
JOURNEY_LAST_QUARTER = 20204
"""A release small enough that the journey's middle stages are small (child-rape referrals of 1
to 4 a year): at the small fixture's 30,000 cases none is hidden, so the journey is audited on
this release only (six years, which keeps the audit to seconds), with the tables that show the
same counts. With the middle stages' primary rule alone, 2 referral counts of this release are
pinned (child rape 2018-19, 3; rape 2020-21, 4)."""


@pytest.fixture(scope="module", params=BACKENDS)
def small_journey(request, tmp_path_factory, fresh_engine):
    """A release of ``JOURNEY_CASES`` cases in a database of its own (removed afterwards, as
    ``two_editions``). One backend is enough: the audit reads the journey through the same public
    code on both, and ``tests/db/test_case_aggregates.py`` checks the journey's figures on both."""
    if request.param != "sqlite":
        pytest.skip("one backend is enough: the journey is read through the same public code on both, and "
                    "test_case_aggregates checks its figures on both")
    folder = tmp_path_factory.mktemp(f"journey-{request.param}")
    engine = fresh_engine(request.param, folder)
    try:
        yield engine, load_sample(engine, cases=JOURNEY_CASES, seed=SMALL_SEED, last_quarter=JOURNEY_LAST_QUARTER)
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def test_case_journey_middle_stages_where_they_are_small(small_journey):
    """The journey's middle stages (suspect identified, referred to the CPS) are protected by a
    rule of their own; its first and last stages are the release's recorded and charged counts:
    no hidden stage may be pinned or narrowed to 1..threshold - 1 by the offence groups' sums,
    the stages' differences, the percentages or the tables that show the same counts."""
    engine, release = small_journey
    audit = assert_no_leaks(engine, [release], _journey_and_its_counts, channel=JOURNEY)
    middle = [f for f in audit.findings if f.channel == JOURNEY and ("referred_cps" in f.row
                                                                    or "suspect_identified" in f.row)]
    assert middle, "no hidden middle stage was audited: the release no longer has small ones"


# ---------------------------------------------------------------- two editions


@pytest.fixture(scope="module", params=BACKENDS)
def two_editions(request, tmp_path_factory, fresh_engine):
    """The small fixture's release (the same cases, seed and last quarter, loaded again) and its
    next edition, in a database of their own: adding an edition to the shared ``small_db`` would
    change the release every other test reads."""
    yield from _two_editions(request.param, tmp_path_factory, fresh_engine, SMALL_CASES, SMALL_SEED, SMALL_LAST_QUARTER)


def test_channel_5_two_consecutive_editions_with_the_public_revisions(two_editions):
    """An attacker holding both editions and the public revisions between them: the later edition
    revises recent quarters (late outcomes, corrections), so its complements move."""
    engine, releases = two_editions
    assert_no_leaks(engine, releases, outputs("charge_rate", areas=FORCES), revisions=True)


LATE_CASES, LATE_SEED, LATE_LAST_QUARTER = 1_500, 7, 20162
"""A short release whose next edition records offences late (a quarter already published gains
one), so the case journey's middle stages change between the editions."""


@pytest.fixture(scope="module", params=BACKENDS)
def late_records(request, tmp_path_factory, fresh_engine):
    """Two editions of ``LATE_CASES`` cases. One backend, for the reason ``small_journey`` gives."""
    if request.param != "sqlite":
        pytest.skip("one backend is enough: the journey is read through the same public code on both, and "
                    "test_case_aggregates checks its figures on both")
    yield from _two_editions(request.param, tmp_path_factory, fresh_engine, LATE_CASES, LATE_SEED, LATE_LAST_QUARTER)


def _two_editions(backend: str, tmp_path_factory, fresh_engine, cases: int, seed: int, last_quarter: int):
    """A release and its next edition in a database of their own; the SQLite folder is removed
    afterwards, a PostgreSQL schema dropped with the session's others."""
    folder = tmp_path_factory.mktemp(f"two-editions-{backend}")
    engine = fresh_engine(backend, folder)
    try:
        first = load_sample(engine, cases=cases, seed=seed, last_quarter=last_quarter)
        yield engine, [first, next_edition(engine, first, seed=seed + 1)]
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def _journey_and_recorded(view: View) -> bool:
    return view.channel == JOURNEY or (view.channel == "metric_table" and view.subject == "recorded_offences"
                                       and view.grain in ("quarter", "year"))


def test_channel_5_the_case_journey_across_editions(late_records):
    """A cohort's suspects identified, shown in both editions, change by the late offences that had
    a suspect: set against the recorded counts each edition shows, that pinned a force's revised
    quarter the next edition hid (Nottinghamshire's other sexual offences of 2015-16 Q4, 9 then 10,
    and with it its year and England and Wales's: 10 numbers before the journey's rule for editions)."""
    engine, releases = late_records
    audit = assert_no_leaks(engine, releases, _journey_and_recorded, revisions=True, channel=JOURNEY)
    assert any(f.output.startswith("journey r2") for f in audit.findings), "the next edition's journey hides nothing"
