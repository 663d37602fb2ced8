"""The force profile's figures for one view, without Streamlit: built once for the page and for
`rasso brief`, so the briefing pack the page offers and the file the command writes are the same.

``force_profile(reader, view)`` reads through a ``reports.reader.Reader`` (the pages' cache or an
engine) and returns the headline figures, the narrative, the pillar profile and the chart
sections (SPC trend, before/after, outcome mix), each as a ``Section`` or in words why it is
not drawn. The page draws them (``components.briefing.block``); ``profile_pack`` prints them.
The frames come from ``analysis.force_profile``, the charts from ``charts``, the words from
``words``: nothing is computed here that the screen does not show.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import polars as pl
from sqlalchemy import Engine

import queries
import queries.peers
from analysis import comparison as cmp
from analysis import force_profile as fp
from analysis.peers import FIXED_SETS, PeerSet
from analysis.url_state import DEFAULT_METRIC, State, to_params
from charts.before_after import before_after_chart
from charts.outcome_mix import outcome_mix_pair_chart
from charts.spc import spc_chart
from db.releases import Release
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import Period, quarter_label
from metrics.registry import (
    BASIS_CLOSED,
    BASIS_LABELS,
    BASIS_RECORDED,
    METRICS_BY_ID,
    Metric,
    metric,
    missing_from_source,
)
from queries import QueryError
from reports.force_brief import Brief, force_pack
from reports.pack import Pack, Section
from reports.reader import (
    Reader,
    engine_reader,
    forces_and_national,
    peer_set_of,
    pillar_profile_frame_of,
)
from words import narrative as say
from words import pillar_profile as pillar_words
from words.citation import view_citation
from words.peers import peer_noun
from words.spc import spc_summary
from words.summaries import GRAIN_LABELS, outcome_mix_summary
from words.tables import reading_table

STEPS = {"quarter": "quarter", "year": "financial year", "rolling": "rolling year"}
MIX_BASES = {BASIS_CLOSED: BASIS_LABELS[BASIS_CLOSED], BASIS_RECORDED: BASIS_LABELS[BASIS_RECORDED]}
PAGE_PATH = "force"


@dataclass(frozen=True)
class ProfileView:
    """What the force profile shows: its address's choices (defaults as the page's)."""

    release: Release  # queries.release_info's: data span and coverage
    force_code: str  # a territorial force
    offence: str
    period: Period
    metric_id: str = DEFAULT_METRIC
    peer: str | None = None  # None: the default set (region)
    grain: str = "quarter"
    basis: str = BASIS_CLOSED

    def missing(self, m: Metric) -> str | None:
        return missing_from_source(m, self.release.coverage or (), f"Release {self.release.id}")


@dataclass(frozen=True)
class Figure:
    """One chart of the profile as the screen draws it (its table unformatted), or in words why
    it is not drawn (``section`` None; ``caveat`` empty when the page says nothing there)."""

    key: str
    section: Section | None = None
    caveat: str = ""
    metric: Metric | None = None
    unit: str = ""
    basis: str | None = None

    def printed(self) -> Section | None:
        """The section as the pack prints it: its table formatted for reading."""
        if self.section is None:
            return None
        return replace(self.section, table=reading_table(self.section.table, self.unit, self.metric))


@dataclass(frozen=True)
class ForceProfile:
    view: ProfileView
    name: str
    ref: dict  # the force's reference row (region, NOM phase and start)
    peers: PeerSet
    peer_label: str
    metric: Metric
    missing: str | None  # why the release cannot give the chosen metric
    heads: dict[str, dict | str]  # headline figures, or why there are none, by metric id
    sentences: list[str]  # the narrative ([] when there is none: ``intro`` says why)
    intro: str
    pillars: pl.DataFrame
    figures: dict[str, Figure] = field(default_factory=dict)  # "spc", "before-after", "outcome-mix"

    @property
    def noun(self) -> str:
        return peer_noun(self.peers)

    def pillar_section(self) -> Section:
        """The pillar profile as the pack prints it: a table with its summary and key."""
        return pillar_section(self.pillars, self.name, self.view.period.label)

    def sections(self) -> list[Section]:
        """What the pack holds after its headline figures: the pillar profile and every chart drawn."""
        drawn = [f.printed() for f in self.figures.values()]
        return [self.pillar_section(), *(s for s in drawn if s is not None)]


def pillar_section(frame: pl.DataFrame, force_name: str, period_label: str) -> Section:
    """The pillar profile block (``components.pillar_profile``) in print: the same words and table."""
    return Section(title=pillar_words.title(force_name, period_label), summary=pillar_words.summary(frame, force_name),
                   table=pillar_words.screen_table(frame), notes=[f"Key: {pillar_words.LEGEND}", pillar_words.METHOD])


def _comparison(reader: Reader, view: ProfileView, forces: pl.DataFrame, m: Metric) -> cmp.Comparison | None:
    """Every force and England and Wales for the headline period: the frame of /compare."""
    window = {"release_id": view.release.id, "metric_id": m.id, "offence_group": view.offence,
              "first_quarter": view.period.first, "last_quarter": view.period.last, "grain": "period"}
    by_force, national_table = forces_and_national(reader.metric_tables, **window)
    national = national_table.to_dicts()
    if by_force.height == 0 or view.force_code not in set(by_force["area_code"].to_list()):
        return None
    return cmp.compare_forces(by_force, national[0] if national else {}, forces, m)


def force_profile(reader: Reader, view: ProfileView) -> ForceProfile:
    """Every figure of the profile for ``view``, read through ``reader``."""
    code, forces = view.force_code, reader.forces()
    ref = forces.filter(pl.col("code") == code).row(0, named=True)
    peers, peer_label = peer_set_of(reader, view.release.id, code, view.peer or cmp.DEFAULT_PEER_SET)
    heads, comps = {}, {}
    for metric_id in dict.fromkeys((*fp.HEADLINE_METRICS, view.metric_id)):
        hm = metric(metric_id)
        comps[metric_id] = None if view.missing(hm) else _comparison(reader, view, forces, hm)
        heads[metric_id] = (fp.headline(comps[metric_id], code, hm, peers) if comps[metric_id] else
                            view.missing(hm) or f"No figures for {hm.phrase} in {view.period.label}.")
    m = metric(view.metric_id)
    missing = view.missing(m)
    pillars = pillar_profile_frame_of(reader, view.release, code, offence=view.offence,
                                      first_quarter=view.period.first, last_quarter=view.period.last)
    profile = ForceProfile(view=view, name=ref["name"], ref=ref, peers=peers, peer_label=peer_label, metric=m,
                           missing=missing, heads=heads, sentences=[], intro="", pillars=pillars)
    series = ba = None
    if not missing:
        series, ba = _trend(reader, profile, forces, comps[m.id])
    head = heads[m.id]
    if missing or not isinstance(head, dict) or series is None or ba is None:
        profile = replace(profile, intro=missing or str(head))
    else:
        group = OFFENCE_GROUPS[view.offence]
        profile = replace(profile, sentences=say.narrative(head, series, ba, m, group_label=group.label,
                                                           period_label=view.period.label,
                                                           peer_noun=profile.noun, step=view.grain))
    figures = {} if missing else {"spc": spc_figure(profile, series), "before-after": before_after_figure(profile, ba)}
    return replace(profile, figures={**figures, "outcome-mix": mix_figure(reader, profile)})


def _trend(reader: Reader, p: ForceProfile, forces: pl.DataFrame,
           comp: cmp.Comparison | None) -> tuple[pl.DataFrame, fp.BeforeAfter]:
    """The SPC series over the release up to the period's end, and the before/after panel."""
    view, m, code = p.view, p.metric, p.view.force_code
    rel = view.release
    span = {"release_id": rel.id, "metric_id": m.id, "offence_group": view.offence,
            "first_quarter": rel.first_quarter, "last_quarter": view.period.last, "grain": view.grain}
    every, national = forces_and_national(reader.metric_tables, **span)
    peers = cmp.peer_codes(comp, code, p.peers) if comp else []
    series = fp.spc_frame(every.filter(pl.col("area_code") == code), national, every, peers)
    wins = fp.windows(p.ref["nom_start"], rel.first_quarter, view.period.last)
    tables = [reader.metric_table(area="all", release_id=rel.id, metric_id=m.id, offence_group=view.offence,
                                  first_quarter=w[0], last_quarter=w[1], grain="period") if w else None
              for w in wins[:2]]
    return series, fp.before_after(code, forces, m, tables[0], tables[1], wins)


def spc_figure(p: ForceProfile, series: pl.DataFrame) -> Figure:
    """The trend with its XmR limits and signals, or in words when fewer than two points show."""
    m, grain, start = p.metric, p.view.grain, p.ref["nom_start"]
    start_label = f"{p.name}'s NOM start ({start:%b %Y})"
    marked = fp.start_in_series(series, start)
    words = spc_summary(series, m.label, m.unit, grain)
    if not fp.judgeable(series):
        return Figure("spc", caveat=words + ("" if grain == "rolling" else
                                             " Rolling 12 months add up more cases per point."))
    note = (f"{GRAIN_LABELS[grain]}. Centre line and process limits (mean ± 2.66 × mean moving range) from every "
            "point shown; signals follow NHS England's Making Data Count rules. "
            + ("Rolling years overlap, so neighbouring points share quarters and runs come easily: read "
               "signals on quarters. " if grain == "rolling" else "")
            + ("A count depends on a force's size, so England and Wales and the peer average are not drawn: "
               "choose a rate to compare. " if m.unit == "count" else
               f"The peer average is the plain average of the {p.noun}s' shown figures."))
    section = Section(
        title=f"{m.label}, {p.name}, by {STEPS[grain]}",
        chart=spc_chart(series, m, start=start if marked else None, start_label=start_label, grain=grain),
        summary=f"{words} " + (f"The dashed vertical rule marks {start_label}." if marked else
                               f"{start_label} is outside the periods shown."),
        table=series.select("period", "period_end", "value", "lower", "upper", "flag", "centre",
                            "lower_limit", "upper_limit", "signal", "national", "peer_average"),
        notes=[note])
    return Figure("spc", section, metric=m, unit=m.unit, basis=BASIS_LABELS[m.basis])


def before_after_figure(p: ForceProfile, ba: fp.BeforeAfter) -> Figure:
    """The four quarters before the force's NOM start against the latest four, or in words."""
    m = p.metric
    rows = fp.before_after_rows(ba)
    words = (say.before_after_sentence(ba, m) + " " + say.others_sentence(ba, m)).strip()
    if rows.filter(pl.col("value").is_not_null()).height < 2:
        return Figure("before-after", caveat=words)
    section = Section(
        title=f"{m.label}: the four quarters before {p.name}'s start and the latest four",
        chart=before_after_chart(rows, m), summary=words, table=rows,
        notes=[f"Start {p.ref['nom_start']:%d %B %Y} (quarter {quarter_label(ba.start_quarter)}). Many things "
               "changed over these years; a difference is not evidence that the model caused it."])
    return Figure("before-after", section, metric=m, unit=m.unit, basis=BASIS_LABELS[m.basis])


def mix_figure(reader: Reader, p: ForceProfile) -> Figure:
    """The force's outcome mix beside England and Wales's, on the view's basis."""
    view = p.view
    basis = view.basis if view.basis in MIX_BASES else BASIS_CLOSED
    mixes = [reader.outcome_mix(release_id=view.release.id, offence_group=view.offence, area=area,
                                first_quarter=view.period.first, last_quarter=view.period.last, basis=basis,
                                grain="period") for area in (view.force_code, "national")]
    group = OFFENCE_GROUPS[view.offence]
    section = Section(
        title=f"Outcomes by Home Office outcome group: {p.name} and England and Wales, {view.period.label}",
        chart=outcome_mix_pair_chart(fp.mix_pair(*mixes), order=[p.name, "England and Wales"]),
        summary=" ".join(outcome_mix_summary(mx, group.label, view.period.label, MIX_BASES[basis]) for mx in mixes),
        table=fp.mix_pair(*mixes))
    return Figure("outcome-mix", section, unit="percent", basis=MIX_BASES[basis])


def profile_pack(brief: Brief, profile: ForceProfile, *, citation: str) -> Pack:
    """The briefing pack of the view: the page's download and `rasso brief` both call this."""
    return force_pack(brief, extra_sections=profile.sections(), narrative=profile.sentences or None,
                      citation=citation)


def profile_citation(view: ProfileView, base_url: str | None) -> str:
    """The citation the force profile gives for ``view`` (``components.context.Context.citation``
    on /force), for `rasso brief`: the same address (which always names its release), so the
    same line."""
    state = State(offence=view.offence, period=view.period.token, force=view.force_code, metric=view.metric_id,
                  basis=view.basis, release=view.release.id, peer=view.peer,
                  grain=None if view.grain == "quarter" else view.grain)
    address = f"/{PAGE_PATH}?{urlencode(to_params(state))}"
    return view_citation(view.release, OFFENCE_GROUPS[view.offence].label, view.period.label, address, base_url)


def engine_pack(engine: Engine, brief: Brief, *, metric_id: str = DEFAULT_METRIC, peer: str | None = None,
                grain: str = "quarter", basis: str = BASIS_CLOSED,
                base_url: str | None = None) -> Pack:
    """`rasso brief`'s pack: the profile of the same view the page would show, read from an
    engine; a choice the page would not accept is a ``QueryError`` saying what it takes."""
    territorial = queries.forces(engine).filter(pl.col("territorial"))["code"].to_list()
    if brief.force_code not in territorial:
        raise QueryError(f"{brief.force_name} has no police force area, so it has no force profile: "
                         "choose a territorial force.")
    if metric_id not in METRICS_BY_ID:
        raise QueryError(f"Unknown metric '{metric_id}': use one of {', '.join(METRICS_BY_ID)}.")
    groups = queries.peers.group_names(engine)
    if peer is not None and peer not in (*FIXED_SETS, *groups):
        raise QueryError(f"Unknown peer set '{peer}': use {', '.join(FIXED_SETS)}"
                         + (f" or a loaded group ({', '.join(groups)})." if groups else " (no groups are loaded)."))
    if grain not in GRAIN_LABELS or basis not in MIX_BASES:
        raise QueryError(f"Grain takes {', '.join(GRAIN_LABELS)}; basis takes {', '.join(MIX_BASES)}.")
    view = ProfileView(release=brief.release, force_code=brief.force_code, offence=brief.group.id,
                       period=brief.period, metric_id=metric_id, peer=peer, grain=grain, basis=basis)
    profile = force_profile(engine_reader(engine), view)
    return profile_pack(brief, profile, citation=profile_citation(view, base_url))

