"""The briefing pack of one force: its headline figures against England and Wales, the trends of
the headline measures, a narrative, the release, citation and attribution.

Built only from what the pages use (public numbers through ``queries.metric_table``, which
applies the release's disclosure protection; ``charts.trend``; the sentences of ``words``), so
the pack says what the screen says. The force profile's own sections (pillar profile, SPC
chart, before/after, outcome mix) and narrative come in through ``extra_sections`` and
``narrative``, built by ``reports.force_profile`` for the page and for `rasso brief` alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine

from charts.trend import trend_chart
from db.releases import Release
from metrics.format import fmt_value, has_value
from metrics.offence_groups import OffenceGroup, offence_group
from metrics.periods import Period, quarter_label, year_ending
from metrics.registry import BASIS_LABELS, Metric, metric, missing_from_source
from queries import NATIONAL_NAME, QueryError, forces, metric_table, release_info
from queries.export import LICENCE, ExportMeta
from reports.pack import Pack, Section
from words.summaries import (
    SYMBOL_WORDS,
    TREND_STEPS,
    headline,
    trend_summary,
    value_phrase,
    window_summary,
)
from words.tables import reading_table

HEADLINE_METRICS = ("recorded_offences", "recorded_per_1000", "charge_rate",
                    "victim_does_not_support_rate", "median_days_to_charge")
TREND_METRICS = ("charge_rate", "victim_does_not_support_rate", "recorded_offences", "median_days_to_charge")
PUBLIC_TIER = ("Public: disclosure control applied (a figure that could reveal a small number is "
               "shown as [c])")
ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence v3.0 "
               "(Home Office, police recorded crime and crime outcomes; ONS, police force area "
               "population estimates). Licence: "
               "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
INTERVAL_NOTE = ("Intervals are 95% confidence intervals; for counts of recorded offences they are "
                 "the range expected from year-to-year chance variation. Counts are not compared "
                 "with England and Wales: rates per 1,000 residents are.")


@dataclass(frozen=True)
class Brief:
    """What one pack is about: the force, the offence group, the headline period, the release."""

    engine: Engine
    release: Release  # queries.release_info: span and coverage filled in
    force_code: str
    force_name: str
    group: OffenceGroup
    period: Period

    def table(self, m: Metric, area: str, first: int, last: int, grain: str) -> pl.DataFrame:
        return metric_table(self.engine, release_id=self.release.id, metric_id=m.id,
                            offence_group=self.group.id, area=area, first_quarter=first,
                            last_quarter=last, grain=grain)

    def row(self, m: Metric, area: str, period: Period) -> dict:
        """One period's figure for an area ({} when the release holds none)."""
        frame = self.table(m, area, period.first, period.last, "period")
        return frame.to_dicts()[0] if frame.height else {}

    def missing(self, m: Metric) -> str | None:
        return missing_from_source(m, self.release.coverage or (), f"Release {self.release.id}")

    @property
    def previous(self) -> Period | None:
        """The 12 months before, when the release holds them (for change on the year)."""
        before = self.period.previous()
        return before if before.first >= (self.release.first_quarter or before.first + 1) else None


def brief_for(engine: Engine, *, release_id: int, force_code: str, offence: str = "adult_rape",
              period: Period | None = None) -> Brief:
    """Check the request (unknown release, force or group: ``QueryError``); the period defaults
    to the latest 12 months of the release's data."""
    group = offence_group(offence)
    info = release_info(engine, release_id)
    if info is None:
        raise QueryError(f"Release {release_id} does not exist: see `rasso releases`.")
    if info.last_quarter is None:
        raise QueryError(f"Release {release_id} has no recorded-offence or outcome data.")
    listed = forces(engine).filter(pl.col("code") == force_code.strip().upper())
    if listed.height == 0:
        raise QueryError(f"Unknown force '{force_code}'. Use an ONS police force area code such as "
                         "E23000036 (see the methodology page for the list).")
    chosen = period or year_ending(info.last_quarter)
    return Brief(engine, info, listed["code"][0], listed["name"][0], group, chosen)


def force_pack(brief: Brief, *, extra_sections: Sequence[Section] = (), narrative: Sequence[str] | None = None,
               citation: str | None = None) -> Pack:
    """The pack: headline figures, then ``extra_sections`` (the profile page's), then the trends.

    ``narrative`` replaces the default one (the headline sentences, each with its change on the
    year); ``citation`` replaces the default (a page passes its own, with the view's address).
    """
    rel = brief.release
    sections = [headline_section(brief), *extra_sections, *trend_sections(brief)]
    return Pack(
        title=f"{brief.force_name}: rape and serious sexual offences briefing",
        subtitle=f"{brief.group.label}, {brief.period.label}, against England and Wales.",
        release_label=release_label(rel),
        tier=PUBLIC_TIER,
        synthetic=rel.synthetic,
        narrative=list(narrative) if narrative is not None else default_narrative(brief),
        sections=sections,
        citation=citation or brief_citation(brief),
        attribution=ATTRIBUTION,
        generated=datetime.now(UTC).strftime("%d %B %Y, %H:%M UTC"),
    )


def pack_file_name(*, force_code: str, offence: str, period: Period, release_id: int, synthetic: bool) -> str:
    """'rasso-briefing-adult-rape-ye-2026-09-e23000036-release-3-synthetic.html': named for what
    it holds, as every download is (``queries.export.ExportMeta.file_name``)."""
    meta = ExportMeta(release_id=release_id, synthetic=synthetic, citation="", view="briefing",
                      offence_group=offence, period_token=period.token, extra=(force_code,))
    return meta.file_name("html")


def release_label(rel: Release) -> str:
    span = (f"data {quarter_label(rel.first_quarter)} to {quarter_label(rel.last_quarter)}"
            if rel.first_quarter and rel.last_quarter else "no data")
    return f"release {rel.id}, {rel.label} ({span}; loaded {_day(rel.created_at)})"


def brief_citation(brief: Brief) -> str:
    """Like the pages' citation: release, what the pack holds, data status and licence."""
    rel = brief.release
    kind = "SYNTHETIC data, not official statistics; " if rel.synthetic else ""
    return (f"RASSO Outcomes Dashboard, release {rel.id} ({rel.label}, loaded {_day(rel.created_at)}), "
            f"briefing pack for {brief.force_name} ({brief.force_code}), {brief.group.label.lower()}, "
            f"{brief.period.label}, made with rasso brief; {kind}contains public sector information "
            f"licensed under the {LICENCE}.")


def _day(when) -> str:
    return when.strftime("%d %B %Y") if hasattr(when, "strftime") else str(when)


def _figure(row: dict, unit: str) -> str:
    """A table cell: the figure (with [u] when of low reliability) or its symbol."""
    if not has_value(row.get("value")):
        return row.get("flag") or "[x]"
    return fmt_value(row["value"], unit) + (" [u]" if row.get("flag") == "[u]" else "")


def _interval(row: dict, unit: str) -> str:
    if not (has_value(row.get("lower")) and has_value(row.get("upper"))):
        return ""
    return f"{fmt_value(row['lower'], unit, with_unit=False)}–{fmt_value(row['upper'], unit)}"


def _phrase(row: dict, unit: str) -> str:
    """The figure with its interval, or its symbol alone (explained once, after the figures)."""
    return value_phrase(row, unit) if has_value(row.get("value")) else (row.get("flag") or "[x]")


def headline_section(brief: Brief) -> Section:
    """The force and England and Wales side by side for each headline measure, latest period."""
    rows, words, notes = [], [], [INTERVAL_NOTE]
    for m in map(metric, HEADLINE_METRICS):
        if reason := brief.missing(m):
            rows.append({"Measure": m.label, "Basis": BASIS_LABELS[m.basis], brief.force_name: "[x]",
                         "Force interval": "", NATIONAL_NAME: "[x]", "England and Wales interval": ""})
            notes.append(f"{m.label}: {reason}")
            continue
        force, national = brief.row(m, brief.force_code, brief.period), brief.row(m, "national", brief.period)
        rows.append({"Measure": m.label, "Basis": BASIS_LABELS[m.basis],
                     brief.force_name: _figure(force, m.unit), "Force interval": _interval(force, m.unit),
                     NATIONAL_NAME: _figure(national, m.unit),
                     "England and Wales interval": _interval(national, m.unit)})
        words.append(f"{m.label}: {brief.force_name} {_phrase(force, m.unit)}; "
                     f"{NATIONAL_NAME} {_phrase(national, m.unit)}.")
    symbols = sorted({cell for row in rows for cell in row.values() if cell in SYMBOL_WORDS})
    words += [f"{flag}: {SYMBOL_WORDS[flag]}." for flag in symbols]
    summary = f"{brief.group.label}, {brief.period.label}. " + " ".join(words)
    return Section(title=f"Headline figures, {brief.period.label}", summary=summary,
                   table=pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String)), notes=notes)


def default_narrative(brief: Brief) -> list[str]:
    """One sentence per headline measure the release gives: the force's figure and its change
    on the 12 months before, worded by its statistical test (``words.summaries.headline``)."""
    before = brief.previous
    out = []
    for m in map(metric, HEADLINE_METRICS):
        if brief.missing(m):
            continue
        current = brief.row(m, brief.force_code, brief.period)
        previous = brief.row(m, brief.force_code, before) if before else None
        out.append(headline(m, brief.group.label, brief.force_name, brief.period.label, current,
                            previous or None, before.label if before else "no earlier data in this release"))
    return out


def trend_sections(brief: Brief, grain: str = "quarter") -> list[Section]:
    """The force's trend of each trend measure over the whole release, the headline period marked;
    a measure the release cannot give is one line saying why, not an empty chart."""
    rel, out = brief.release, []
    for m in map(metric, TREND_METRICS):
        title = f"{m.label}, {brief.force_name}, by {TREND_STEPS[grain][1]}"
        if reason := brief.missing(m):
            out.append(Section(title=title, summary=reason, table=pl.DataFrame()))
            continue
        frame = brief.table(m, brief.force_code, rel.first_quarter, rel.last_quarter, grain)
        summary = (f"{trend_summary(frame, m, brief.group.label, grain)} "
                   f"{window_summary(frame, brief.period, grain, m.unit)}")
        notes = [f"Basis: {BASIS_LABELS[m.basis].lower()}."] + ([f"Caveat: {m.caveat}"] if m.caveat else [])
        out.append(Section(title=title, summary=summary, chart=trend_chart(frame, m, grain=grain, window=brief.period),
                           table=reading_table(frame.drop("area_name"), m.unit, m), notes=notes))
    return out
