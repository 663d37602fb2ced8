"""One force's briefing pack from the database (reports.force_brief): the figures are the public
table's, the request is checked, and what a release cannot give is said instead of drawn."""

from __future__ import annotations

from dataclasses import replace

import pytest

from db.releases import default_release
from metrics.format import fmt_value
from metrics.periods import financial_year, year_ending
from metrics.registry import metric
from queries import QueryError, metric_table, release_info
from reports.force_brief import (
    HEADLINE_METRICS,
    TREND_METRICS,
    brief_for,
    force_pack,
    pack_file_name,
)
from reports.pack import Section

FORCE = "E23000036"  # Avon and Somerset


@pytest.fixture(scope="module")
def pack_parts(small_db):
    rel = default_release(small_db)
    brief = brief_for(small_db, release_id=rel.id, force_code=FORCE.lower(), offence="rape")
    return rel, brief, force_pack(brief)


def test_the_request_is_checked(small_db):
    rel = default_release(small_db)
    with pytest.raises(QueryError, match="Unknown force 'E99'"):
        brief_for(small_db, release_id=rel.id, force_code="E99")
    with pytest.raises(QueryError, match="offence group"):
        brief_for(small_db, release_id=rel.id, force_code=FORCE, offence="burglary")
    with pytest.raises(QueryError, match="does not exist"):
        brief_for(small_db, release_id=rel.id + 100, force_code=FORCE)


def test_headline_figures_are_the_public_tables(small_db, pack_parts):
    rel, brief, pack = pack_parts
    info = release_info(small_db, rel.id)
    assert brief.force_code == FORCE and brief.force_name == "Avon and Somerset"
    assert brief.period == year_ending(info.last_quarter)  # the latest 12 months by default
    table = pack.sections[0].table
    assert table["Measure"].to_list() == [metric(m).label for m in HEADLINE_METRICS]
    for m, shown_force, shown_national in zip(HEADLINE_METRICS, table[brief.force_name], table["England and Wales"],
                                              strict=True):
        for area, shown in ((FORCE, shown_force), ("national", shown_national)):
            row = metric_table(small_db, release_id=rel.id, metric_id=m, offence_group="rape", area=area,
                               first_quarter=brief.period.first, last_quarter=brief.period.last,
                               grain="period").to_dicts()[0]
            expected = row["flag"] if row["value"] is None else fmt_value(row["value"], metric(m).unit)
            assert shown.removesuffix(" [u]") == expected, (m, area)
    assert len(pack.narrative) == len(HEADLINE_METRICS)
    assert all("Avon and Somerset" in sentence for sentence in pack.narrative)


def test_trends_span_the_release_with_the_window_marked(pack_parts):
    rel, brief, pack = pack_parts
    trends = pack.sections[1:]
    assert [s.title.split(",")[0] for s in trends] == [metric(m).label for m in TREND_METRICS]
    assert all(s.chart is not None and s.table.height > 8 for s in trends)
    assert all("Area" not in s.table.columns for s in trends)  # the title names the force
    assert all("marks 12 months to" in s.summary for s in trends)
    assert pack.synthetic is rel.synthetic is True
    assert f"release {rel.id}" in pack.release_label and "SYNTHETIC" in pack.citation
    assert FORCE in pack.citation and "Open Government Licence" in pack.attribution


def test_the_page_adds_its_own_sections_and_words(pack_parts):
    _, brief, _ = pack_parts
    extra = Section("Before and after", "Higher after than before.", pack_parts[2].sections[0].table)
    pack = force_pack(brief, extra_sections=[extra], narrative=["Read this aloud."], citation="cite the page")
    assert pack.sections[1] is extra and pack.narrative == ["Read this aloud."] and pack.citation == "cite the page"


def test_what_the_release_cannot_give_is_said_not_drawn(pack_parts):
    _, brief, _ = pack_parts
    bare = replace(brief, release=replace(brief.release, coverage=()), period=financial_year(2024))
    pack = force_pack(bare)
    assert set(pack.sections[0].table[brief.force_name]) == {"[x]"}
    assert pack.narrative == [] and pack.charts == 0
    assert all(s.table.width == 0 and "not in this source" in s.summary for s in pack.sections[1:])


def test_file_name_says_what_it_holds(pack_parts):
    rel, brief, _ = pack_parts
    name = pack_file_name(force_code=FORCE, offence="rape", period=brief.period, release_id=rel.id,
                          synthetic=True)
    assert name == f"rasso-briefing-rape-{brief.period.token.lower()}-{FORCE.lower()}-release-{rel.id}-synthetic.html"
