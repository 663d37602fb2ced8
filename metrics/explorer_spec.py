"""What a data-explorer table is: a measure, the dimensions it is broken down by, its filters.

Why a module of its own: the explorer page (through its address), ``rasso export table`` and the
tests all build a :class:`TableSpec` and hand it to ``queries.explorer.explore``, so the same
choices give the same table everywhere. Checking a spec is pure: every bad choice (an unknown
dimension, two area dimensions, a case-level dimension in the public tier) is one
``QueryError`` a user can read, raised before any query runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics.disclosure import PUBLIC, TIERS
from metrics.errors import QueryError
from metrics.offence_groups import DEFAULT_GROUP, OFFENCE_GROUPS
from metrics.periods import Period, PeriodError, parse_any_period
from metrics.registry import METRICS_BY_ID


@dataclass(frozen=True)
class Dimension:
    """One way to break a table down. ``kind``: area, period, offence, outcome or case (at most one
    dimension of each kind, except case). ``columns``: what it adds to the table, in order."""

    id: str
    kind: str
    label: str
    columns: tuple[str, ...]
    public: bool = True
    """False: finer than the release's protection (or case-level), restricted tier only."""
    phrase: str = ""
    """The label inside a sentence ('by police force, financial year and ...'); default: the label."""

    @property
    def words(self) -> str:
        return self.phrase or self.label


DIMENSIONS: dict[str, Dimension] = {d.id: d for d in (
    Dimension("national", "area", "England and Wales", ("area_code", "area_name")),
    Dimension("region", "area", "Region", ("region",), phrase="region"),
    Dimension("nom_phase", "area", "NOM phase (forces by when they adopted the model)", ("nom_phase",),
              phrase="NOM phase"),
    Dimension("force", "area", "Police force", ("area_code", "area_name"), phrase="police force"),
    Dimension("quarter", "period", "Quarter", ("period", "period_end"), phrase="quarter"),
    Dimension("year", "period", "Financial year", ("period", "period_end"), phrase="financial year"),
    Dimension("rolling", "period", "Rolling 12 months (ending each quarter)", ("period", "period_end"),
              phrase="12 months ending each quarter"),
    Dimension("offence_group", "offence", "Offence group", ("offence_group",), phrase="offence group"),
    Dimension("offence_code", "offence", "Home Office offence code", ("offence_code", "offence_description"),
              public=False, phrase="offence code"),
    Dimension("outcome_group", "outcome", "Home Office outcome group", ("outcome_group",),
              phrase="outcome group"),
    Dimension("outcome_type", "outcome", "Home Office outcome type", ("outcome_type", "outcome_description",
                                                                       "outcome_group"), public=False, phrase="outcome type"),
    Dimension("age_band", "case", "Victim age band", ("victim_age_band",), public=False, phrase="victim age band"),
    Dimension("sex", "case", "Victim sex", ("victim_sex",), public=False, phrase="victim sex"),
    Dimension("relationship", "case", "Victim-suspect relationship", ("relationship",), public=False,
              phrase="victim-suspect relationship"),
)}
AREA_DEFAULT = "national"

COUNT_MEASURES: dict[str, str] = {
    "outcomes": "Outcomes assigned",
    "recorded": "Offences recorded",
    "cases": "Cases (case-level records, one per offence recorded)",
}
BASES = ("closed", "recorded")
BASIS_WORDS = {"closed": "investigations closed in the period", "recorded": "offences recorded in the period"}
WHY_NOT_PUBLIC = {
    "offence_code": "the public release is protected over offence groups, and a table of single codes "
                    "would give hidden counts back (a group less its other codes); use offence_group",
    "outcome_type": "the public release is protected over Home Office outcome groups, and a table of single "
                    "types would give hidden counts back (a group less its other types); use outcome_group",
    "case": "case-level breakdowns (victim age band, sex, relationship) are never published",
}


@dataclass(frozen=True)
class TableSpec:
    """A table as a user chooses it; plain values, so it keys caches and reads back from a URL."""

    measure: str = "outcomes"
    by: tuple[str, ...] = ("force", "year", "outcome_group")
    offence: str = DEFAULT_GROUP
    basis: str = "closed"
    start: str | None = None
    end: str | None = None
    tier: str = PUBLIC
    filters: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    """(dimension, values kept): rows whose dimension value is not among them are left out."""

    @property
    def is_metric(self) -> bool:
        return self.measure in METRICS_BY_ID

    def dims(self, kind: str) -> list[Dimension]:
        return [DIMENSIONS[d] for d in self.by if DIMENSIONS[d].kind == kind]

    @property
    def area(self) -> str:
        found = self.dims("area")
        return found[0].id if found else AREA_DEFAULT

    @property
    def grain(self) -> str | None:
        found = self.dims("period")
        return found[0].id if found else None

    def dimension(self, kind: str) -> str | None:
        found = self.dims(kind)
        return found[0].id if found else None

    def span(self) -> tuple[Period | None, Period | None]:
        return _period("from", self.start), _period("to", self.end)

    def check(self) -> TableSpec:
        """Raise QueryError for the first bad choice; return the spec."""
        if self.measure not in COUNT_MEASURES and not self.is_metric:
            raise QueryError(f"Unknown measure '{self.measure}'. Choose {', '.join(COUNT_MEASURES)} "
                             "or a metric id (rasso export metrics --help lists them).")
        if self.tier not in TIERS:
            raise QueryError(f"Unknown tier '{self.tier}'. Choose public or restricted.")
        if self.offence not in OFFENCE_GROUPS:
            raise QueryError(f"Unknown offence group '{self.offence}'. Choose one of: {', '.join(OFFENCE_GROUPS)}")
        if self.basis not in BASES:
            raise QueryError(f"Unknown basis '{self.basis}'. Choose closed or recorded.")
        self._check_dims()
        start, end = self.span()
        if start and end and start.first > end.last:
            raise QueryError(f"The range is reversed: from {start.token} starts after to {end.token} ends; swap them.")
        for dim, values in self.filters:
            if dim not in self.by:
                raise QueryError(f"The filter on '{dim}' needs '{dim}' among the dimensions (by).")
            if not values:
                raise QueryError(f"The filter on '{dim}' keeps no value.")
        return self

    def _check_dims(self) -> None:
        unknown = [d for d in self.by if d not in DIMENSIONS]
        if unknown:
            raise QueryError(f"Unknown dimension '{unknown[0]}'. Choose from: {', '.join(DIMENSIONS)}")
        if len(set(self.by)) != len(self.by):
            raise QueryError("A dimension is named twice.")
        for kind in ("area", "period", "offence", "outcome"):
            if len(self.dims(kind)) > 1:
                raise QueryError(f"Choose one {kind} dimension, not {' and '.join(d.id for d in self.dims(kind))}.")
        if self.measure != "outcomes" and self.dims("outcome") and self.measure != "cases":
            raise QueryError(f"Outcome dimensions break down outcomes: measure '{self.measure}' has none.")
        if self.dims("case") and self.measure != "cases":
            raise QueryError("Victim age band, sex and relationship come from case-level records: use --measure cases.")
        if self.is_metric:
            bad = [d.id for d in map(DIMENSIONS.get, self.by) if d.kind not in ("area", "period", "offence")
                   or d.id in ("region", "nom_phase", "offence_code")]
            if bad:
                raise QueryError(f"A metric is broken down by national or force, a period and offence group; "
                                 f"not by {', '.join(bad)}.")
        if self.tier == PUBLIC:
            self._check_public()

    def _check_public(self) -> None:
        if self.measure == "cases":
            raise QueryError(f"Measure 'cases' needs the restricted tier: {WHY_NOT_PUBLIC['case']}.")
        for d in map(DIMENSIONS.get, self.by):
            if not d.public:
                why = WHY_NOT_PUBLIC.get(d.id, WHY_NOT_PUBLIC["case"])
                raise QueryError(f"Dimension '{d.id}' needs the restricted tier: {why}.")


def _period(option: str, token: str | None) -> Period | None:
    if token is None or token == "":
        return None
    try:
        return parse_any_period(token)
    except PeriodError as exc:
        raise QueryError(f"{option}: {exc}") from None


def parse_by(text: str) -> tuple[str, ...]:
    """'force, year,outcome_group' -> ('force', 'year', 'outcome_group')."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


def parse_filter(text: str) -> tuple[str, tuple[str, ...]]:
    """'force=E23000036|E23000001' -> ('force', ('E23000036', 'E23000001')); '|' separates values
    because outcome group names hold commas."""
    dim, sep, values = text.partition("=")
    if not sep or not dim.strip():
        raise QueryError(f"A filter is DIMENSION=VALUE[|VALUE...], e.g. force=E23000036; got '{text[:40]}'.")
    return dim.strip(), tuple(v.strip() for v in values.split("|") if v.strip())


def spec_params(spec: TableSpec, release_id: int | None = None) -> dict[str, str | list[str]]:
    """The spec as the explorer's query parameters (repeated ``filter`` keys, one per dimension):
    the address a table is cited by. Defaults are written too, so the address names the table
    even after a default changes."""
    out: dict[str, str | list[str]] = {"measure": spec.measure, "by": ",".join(spec.by), "offence": spec.offence}
    if spec.measure == "outcomes":
        out["basis"] = spec.basis
    out |= {k: v for k, v in (("from", spec.start), ("to", spec.end)) if v}
    if spec.filters:
        out["filter"] = [f"{dim}={'|'.join(values)}" for dim, values in spec.filters]
    if release_id is not None:
        out["release"] = str(release_id)
    return out


def command_args(spec: TableSpec, release_id: int, fmt: str) -> list[str]:
    """The ``rasso export table`` arguments that rebuild the table (as a list: quoting is the caller's)."""
    args = ["export", "table", "--measure", spec.measure, "--by", ",".join(spec.by), "--offence", spec.offence]
    if spec.measure == "outcomes":
        args += ["--basis", spec.basis]
    args += [a for opt, v in (("--from", spec.start), ("--to", spec.end)) if v for a in (opt, v)]
    args += [a for dim, values in spec.filters for a in ("--filter", f"{dim}={'|'.join(values)}")]
    if spec.tier != PUBLIC:
        args += ["--tier", spec.tier]
    return [*args, "--release", str(release_id), "--format", fmt]
