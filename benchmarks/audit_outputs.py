"""Every public output of a release, read through the public interfaces, as published numbers.

Part of the independent disclosure audit (:mod:`benchmarks.disclosure_audit`). Each row of
``queries.metric_table.metric_table`` and ``queries.outcome_mix.outcome_mix`` in the public tier
becomes up to three :class:`Number` s: its counts (a sum of atoms, see :mod:`benchmarks.audit_model`)
and, where a rate is shown but one of its counts is hidden, the equation the rate gives
(numerator x scale - value x denominator = 0). Each row of the data explorer's count tables
(``queries.explorer.explore``: outcomes on either basis and recorded offences, by England and Wales,
force, region or NOM phase, a period grain or none, offence group and outcome group) becomes one
count; its metric tables are ``metric_table`` 's own rows, audited as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from benchmarks.audit_model import (
    NATIONAL,
    NO_CLASS,
    REC,
    TERRITORIAL,
    Key,
    Universe,
    grouped_area,
    mi_src,
    out_src,
)
from db.reference import NATIONAL_CODE
from metrics import registry as reg
from metrics.explorer_spec import TableSpec
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import add_quarters, quarter_label, quarters_between
from queries.explorer import explore
from queries.journey import case_journey
from queries.metric_table import metric_table
from queries.outcome_mix import outcome_mix

AREAS = ("all", "national", "BTP")
GRAINS = ("quarter", "year", "rolling")
SCALE = {"percent": 100.0, "per_1000": 1000.0, "per_investigator": 1.0}
HIDDEN = "[c]"
EXPLORER_MEASURES = ("outcomes:closed", "outcomes:recorded", "recorded")
"""The explorer's count measures as View subjects: outcomes on each basis, recorded offences."""
EXPLORER_AREAS = ("national", "force", "region", "nom_phase")
JOURNEY = "journey"
"""The case journey (:mod:`benchmarks.audit_journey` models its numbers)."""


@dataclass(frozen=True)
class View:
    """One public output: a query function and its arguments."""

    channel: str  # metric_table | outcome_mix | explorer | journey
    release: int
    subject: str  # metric id, or the basis of an outcome mix
    group: str
    area: str
    grain: str
    first: int
    last: int
    dims: tuple[str, ...] = ()
    """The explorer's offence and outcome dimensions (offence_group, outcome_group)."""

    @property
    def name(self) -> str:
        span = "" if self.grain != "period" else f" {self.first}-{self.last}"
        dims = "".join(f" x {d}" for d in self.dims)
        return f"{self.channel} r{self.release} {self.subject} {self.group} {self.area} {self.grain}{span}{dims}"

    def run(self, engine, tier: str = "public") -> pl.DataFrame:
        if self.channel == "explorer":
            return explore(engine, self.spec(tier), release_id=self.release).table
        if self.channel == JOURNEY:  # England and Wales by cohort year, the release's whole span
            return case_journey(engine, release_id=self.release, offence_group=self.group, tier=tier)
        common = dict(release_id=self.release, offence_group=self.group, area=self.area, first_quarter=self.first,
                      last_quarter=self.last, grain=self.grain, tier=tier)
        if self.channel == "metric_table":
            return metric_table(engine, metric_id=self.subject, **common)
        return outcome_mix(engine, basis=self.subject, **common)

    def spec(self, tier: str = "public") -> TableSpec:
        """The explorer table of this view, its span given as from/to quarters."""
        measure, _, basis = self.subject.partition(":")
        grain = () if self.grain == "period" else (self.grain,)
        return TableSpec(measure=measure, by=(self.area, *grain, *self.dims), offence=self.group,
                         basis=basis or "closed", start=quarter_label(self.first), end=quarter_label(self.last),
                         tier=tier)


@dataclass
class Number:
    """One published number (or one equation a shown rate gives) as a sum of keys.

    ``shown`` is None when the number is hidden; ``rhs`` is what the terms add up to when shown.
    """

    view: View
    row: str
    role: str
    terms: list[tuple[Key, float]]
    shown: float | None
    flag: str
    truth: float = field(default=0.0)

    @property
    def hidden(self) -> bool:
        """Suppressed: no number where the row says [c] (a median's number of cases, never
        shown in a public row, is not a suppressed count)."""
        return self.shown is None and self.flag == HIDDEN


def spans(first: int, last: int) -> list[tuple[int, int]]:
    """The spans the 'period' grain is asked for: every complete financial year, the whole
    span, the latest four quarters and a few odd spans (two and three quarters)."""
    years = [(q, q + 3) for q in quarters_between(first, last) if q % 10 == 1 and q + 3 <= last]
    odd = [(add_quarters(last, -1), last), (add_quarters(last, -2), last), (add_quarters(first, 1), add_quarters(first, 3))]
    found = [*years, (first, last), (add_quarters(last, -3), last), *odd]
    return list(dict.fromkeys(s for s in found if s[0] >= first))


def views(release: int, first: int, last: int, metrics=reg.METRICS) -> Iterator[View]:
    """Every metric x offence group x area x grain, every outcome mix, the explorer's tables and
    the case journey of every offence group."""
    grains = [(g, first, last) for g in GRAINS] + [("period", a, b) for a, b in spans(first, last)]
    for m in metrics:
        groups = list(OFFENCE_GROUPS) if m.by_offence else [next(iter(OFFENCE_GROUPS))]
        for group in groups:
            for area in AREAS:
                for grain, a, b in grains:
                    yield View("metric_table", release, m.id, group, area, grain, a, b)
    for basis in ("closed", "recorded"):
        for group in OFFENCE_GROUPS:
            for area in AREAS:
                for grain, a, b in grains:
                    yield View("outcome_mix", release, basis, group, area, grain, a, b)
    yield from explorer_views(release, grains)
    for group in OFFENCE_GROUPS:
        yield View(JOURNEY, release, "case_journey", group, "national", "year", first, last)


def explorer_views(release: int, grains: list[tuple[str, int, int]]) -> Iterator[View]:
    """Every count table of the explorer's public tier: measure x offence group x area x grain (or
    a span) x with or without offence groups x with or without outcome groups."""
    for subject in EXPLORER_MEASURES:
        outcome_dims = [(), ("outcome_group",)] if subject != "recorded" else [()]
        for group in OFFENCE_GROUPS:
            for area in EXPLORER_AREAS:
                for grain, a, b in grains:
                    for offence_dim in ((), ("offence_group",)):
                        for outcome_dim in outcome_dims:
                            yield View("explorer", release, subject, group, area, grain, a, b,
                                       (*offence_dim, *outcome_dim))


def quarters_of(view: View, period_end: int) -> tuple[int, int]:
    if view.grain == "quarter":
        return period_end, period_end
    if view.grain == "year":
        return (period_end // 10) * 10 + 1, period_end
    if view.grain == "rolling":
        return add_quarters(period_end, -3), period_end
    return view.first, view.last


def _area(code: str, m: reg.Metric | None) -> str:
    if code != NATIONAL_CODE:
        return code
    return TERRITORIAL if m is not None and m.kind == reg.RECORDED_RATE else NATIONAL


def metric_keys(u: Universe, m: reg.Metric, rel: int, area: str, q: tuple[int, int], group: str
                ) -> tuple[list[tuple[Key, float]], list[tuple[Key, float]]]:
    """The (numerator, denominator) terms a metric row shows; empty where it is not a count."""
    node = group if m.by_offence else ""
    classes = u.vocab.classes
    if m.kind in (reg.RECORDED_COUNT, reg.RECORDED_RATE):
        return [((rel, REC, area, *q, node, NO_CLASS), 1.0)], []
    if m.kind == reg.OUTCOME_SHARE:
        src = out_src(m.basis)
        return ([((rel, src, area, *q, node, classes(m.numerator_types)), 1.0)],
                [((rel, src, area, *q, node, classes(m.denominator_types)), 1.0)])
    if m.kind == reg.MEDIAN_DAYS:
        types = (m.outcome_type,) if m.outcome_type is not None else reg.ASSIGNED
        return [], [((rel, out_src("closed"), area, *q, node, classes(types)), 1.0)]
    weight = 1.0
    if m.basis == reg.BASIS_SNAPSHOT:  # a period shows the average of its quarter-end positions
        weight = 1.0 / max(1, _reported(u, rel, mi_src(m.id, "numerator"), area, q))
    return ([((rel, mi_src(m.id, "numerator"), area, *q, "", NO_CLASS), weight)],
            [((rel, mi_src(m.id, "denominator"), area, *q, "", NO_CLASS), weight)])


def _reported(u: Universe, rel: int, src: str, area: str, q: tuple[int, int]) -> int:
    forces = u.vocab.areas(area) if u.vocab.is_sum(area) else [area]
    return sum(any((rel, src, f, x, x, "", NO_CLASS) in u.atom_values for f in forces)
               for x in quarters_between(*q))


def _num(v) -> float | None:
    return None if v is None or v != v else float(v)


def metric_numbers(u: Universe, view: View, table: pl.DataFrame) -> Iterator[Number]:
    m = reg.metric(view.subject)
    for row in table.iter_rows(named=True):
        q = quarters_of(view, row["period_end"])
        label = f"{row['period']} {row['area_code']}"
        num_terms, den_terms = metric_keys(u, m, view.release, _area(row["area_code"], m), q, view.group)
        flag = row["flag"] or ""
        num, den, value = _num(row["numerator"]), _num(row["denominator"]), _num(row["value"])
        if num_terms:
            yield Number(view, label, "numerator", num_terms, num, flag)
        if den_terms:
            yield Number(view, label, "denominator", den_terms, den, flag)
        if value is None or m.unit not in SCALE or not num_terms or (num is not None and den is not None):
            continue
        scale = SCALE[m.unit]
        if not den_terms:  # a rate per head: the denominator is residents, a known constant
            if den is not None:
                yield Number(view, label, "rate", num_terms, value * den / scale, flag)
            continue
        terms = [(k, c * scale) for k, c in num_terms] + [(k, -c * value) for k, c in den_terms]
        yield Number(view, label, "rate", terms, 0.0, flag)


def mix_numbers(u: Universe, view: View, table: pl.DataFrame) -> Iterator[Number]:
    """Counts, denominators and shares of an outcome mix; a group missing from a period and
    area that has rows is a published zero."""
    basis = view.subject
    src = out_src(basis)
    groups = sorted(set(u.vocab.ho_groups.values()))
    types_of = {g: [t for t, h in u.vocab.ho_groups.items() if h == g and (basis != "closed" or t != 0)]
                for g in groups}
    all_types = [t for t in u.vocab.ho_groups if basis != "closed" or t != 0]
    seen: dict[tuple, set] = {}
    for row in table.iter_rows(named=True):
        q = quarters_of(view, row["period_end"])
        area = _area(row["area_code"], None)
        seen.setdefault((row["period"], area, q), set()).add(row["ho_group"])
        label = f"{row['period']} {row['area_code']} {row['ho_group']}"
        count_terms = [((view.release, src, area, *q, view.group, u.vocab.classes(types_of[row["ho_group"]])), 1.0)]
        den_terms = [((view.release, src, area, *q, view.group, u.vocab.classes(all_types)), 1.0)]
        flag = row["flag"] or ""
        count, den, share = _num(row["count"]), _num(row["denominator"]), _num(row["share"])
        yield Number(view, label, "count", count_terms, count, flag)
        yield Number(view, label, "denominator", den_terms, den, flag)
        if share is not None and (count is None or den is None):
            terms = [(k, 100.0) for k, _ in count_terms] + [(k, -share) for k, _ in den_terms]
            yield Number(view, label, "share", terms, 0.0, flag)
    for (period, area, q), present in seen.items():
        for g in groups:
            if g not in present and types_of[g]:
                key = (view.release, src, area, *q, view.group, u.vocab.classes(types_of[g]))
                yield Number(view, f"{period} {area} {g}", "count", [(key, 1.0)], 0.0, "")


def explorer_numbers(u: Universe, view: View, table: pl.DataFrame) -> Iterator[Number]:
    """One count per row: the atoms of its area (England and Wales is every force, British
    Transport Police included; a region or NOM phase its forces), quarters, offence leaf (or the
    chosen group) and outcome classes. The explorer writes a row for every cell, zeros included,
    so no row is missing and a shown 0 is a published zero like any other count."""
    measure, _, basis = view.subject.partition(":")
    src = REC if measure == "recorded" else out_src(basis)
    types = [t for t in u.vocab.ho_groups if basis != "closed" or t != 0]  # closed: outcome 0 never counts
    for row in table.iter_rows(named=True):
        area = (NATIONAL if view.area == "national" else row["area_code"] if view.area == "force"
                else grouped_area(view.area, row[view.area]))
        node = row.get("offence_group", view.group)
        classes = NO_CLASS
        if measure != "recorded":
            group = row.get("outcome_group")
            classes = u.vocab.classes([t for t in types if group is None or u.vocab.ho_groups[t] == group])
        key = (view.release, src, area, *quarters_of(view, row["period_end"]), node, classes)
        label = " ".join(str(row[c]) for c in ("period", "area_code", "region", "nom_phase", "offence_group",
                                                "outcome_group") if c in row)
        yield Number(view, label, "count", [(key, 1.0)], _num(row["count"]), row["flag"] or "")


def numbers_of(u: Universe, view: View, table: pl.DataFrame) -> Iterator[Number]:
    if view.channel == "metric_table":
        return metric_numbers(u, view, table)
    if view.channel == "explorer":
        return explorer_numbers(u, view, table)
    return mix_numbers(u, view, table)
