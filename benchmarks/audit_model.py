"""The attacker's unknowns: the finest cells of a release, and every published number as a sum of them.

Part of the independent disclosure audit (:mod:`benchmarks.disclosure_audit`). It deliberately
does not use the product's protection code or its family trees (``metrics.disclosure``): it
rebuilds, from the database and the public definitions alone, what each public number adds up.

An **atom** is one count the public outputs never split further: (release, source, force,
quarter, offence leaf, outcome class) for outcomes, (release, recorded, force, quarter, leaf) for
recorded offences, (release, indicator:column, force, quarter) for force MI. Offence leaves and
outcome classes are the coarsest partitions that every published offence group and outcome-type
set is a union of (adult rape, child rape, other sexual; the Home Office outcome groups): splitting
them further changes no published sum, so the attacker's ranges are the same.

A **key** is a sum of atoms: (release, source, area, first quarter, last quarter, offence node,
outcome classes), where area is a force code, ``N`` (every force, British Transport Police included),
``T`` (the 43 territorial forces) or a group of forces the data explorer sums (``region:<name>``,
``nom_phase:<phase>``, read from the force table). Each key that is not an atom is an auxiliary unknown defined
by one equation, key = sum of its children, split on one dimension at a time (quarters, then
areas, then offence leaves, then classes). Keys published in many outputs are shared, and a national
span stays a short equation over national quarters instead of tens of thousands of atoms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from sqlalchemy import Engine, func, select

from db.schema import force, indicator_value, offence, outcome_type, outcomes, recorded_offences
from metrics import registry as reg
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import add_quarters, quarters_between

REC = "rec"
NATIONAL = "N"
TERRITORIAL = "T"
NO_CLASS: tuple[str, ...] = ()
FORCE_GROUPINGS = ("region", "nom_phase")
"""Columns of the force table by which the explorer sums forces into areas."""


def grouped_area(column: str, value: str) -> str:
    """The area key of the forces whose ``column`` is ``value`` (a region, a NOM phase)."""
    return f"{column}:{value}"


def out_src(basis: str) -> str:
    return f"out:{basis}"


def mi_src(indicator: str, column: str) -> str:
    return f"mi:{indicator}:{column}"


def _partition(items: list, sets: list[set]) -> dict:
    """item -> class name: items in exactly the same published sets share a class."""
    signature = {i: tuple(i in s for s in sets) for i in items}
    names: dict[tuple, str] = {}
    for i in items:
        names.setdefault(signature[i], f"{len(names)}")
    return {i: names[signature[i]] for i in items}


@dataclass
class Vocabulary:
    """Offence leaves and outcome classes, and which of them each group or type set holds."""

    group_leaves: dict[str, tuple[str, ...]]
    leaf_of: dict[tuple[str, str], str]
    type_class: dict[int, str]
    ho_groups: dict[int, str]
    forces: list[str]
    territorial: list[str]
    groupings: dict[str, list[str]] = field(default_factory=dict)
    """Area key (``region:<name>``, ``nom_phase:<phase>``) -> its forces."""

    @classmethod
    def read(cls, engine: Engine) -> Vocabulary:
        with engine.connect() as conn:
            codes = conn.execute(select(offence.c.subgroup, offence.c.age_band).distinct()).all()
            types = dict(conn.execute(select(outcome_type.c.type, outcome_type.c.ho_group)).all())
            forces = conn.execute(select(force.c.code, force.c.territorial, force.c.region, force.c.nom_phase)
                                  .order_by(force.c.code)).all()
        pairs = sorted({(s, a) for s, a in codes})
        members = {g.id: {p for p in pairs if (g.subgroup in (None, p[0])) and (g.age_band in (None, p[1]))}
                   for g in OFFENCE_GROUPS.values()}
        leaf_of = _partition(pairs, list(members.values()))
        leaf_name = {}
        for name in set(leaf_of.values()):  # a leaf is named after the group that holds it alone
            exact = [g for g, s in members.items() if s == {q for q in pairs if leaf_of[q] == name}]
            leaf_name[name] = exact[0] if exact else f"leaf{name}"
        group_leaves = {g: tuple(sorted({leaf_name[leaf_of[p]] for p in s})) for g, s in members.items()}
        group_leaves.update({leaf: (leaf,) for leaf in leaf_name.values()})
        type_sets = [set(t for t, g in types.items() if g == name) for name in set(types.values())]
        for m in reg.METRICS:
            type_sets += [set(m.numerator_types), set(m.denominator_types)]
        type_sets += [{1}, set(reg.ASSIGNED)]
        groupings: dict[str, list[str]] = {}
        for code, _, *values in forces:
            for column, value in zip(FORCE_GROUPINGS, values, strict=True):
                groupings.setdefault(grouped_area(column, value), []).append(code)
        return cls(group_leaves, {p: leaf_name[leaf_of[p]] for p in pairs}, _partition(sorted(types), type_sets), types,
                   [f[0] for f in forces], [f[0] for f in forces if f[1]], groupings)

    def classes(self, types) -> tuple[str, ...]:
        """The outcome classes that make up a set of types (it is always a union of them)."""
        return tuple(sorted({self.type_class[t] for t in types if t in self.type_class}))

    def is_sum(self, area: str) -> bool:
        """True when the area is a sum of forces (England and Wales, a region, a NOM phase)."""
        return area in (NATIONAL, TERRITORIAL) or area in self.groupings

    def areas(self, area: str) -> list[str]:
        if area in self.groupings:
            return self.groupings[area]
        return self.forces if area == NATIONAL else self.territorial


Key = tuple  # (release, src, area, qlo, qhi, node, classes)


@dataclass
class Universe:
    """Every atom with its true value, and the auxiliary keys defined over them.

    ``var`` maps a key to its unknown's index; ``truth`` holds true values by index; ``rows``
    are the defining equations (key = sum of children) as (index list, coefficient list).
    Atoms of a later edition whose true value did not change reuse the earlier edition's index.
    """

    vocab: Vocabulary
    var: dict[Key, int] = field(default_factory=dict)
    truth: list[float] = field(default_factory=list)
    rows: list[tuple[list[int], list[float]]] = field(default_factory=list)
    atom_values: dict[Key, float] = field(default_factory=dict)
    shared: dict[tuple, int] = field(default_factory=dict)
    negative: set[int] = field(default_factory=set)
    atom_count: int = 0
    merged: int = 0

    def add_atom(self, key: Key, value: float) -> None:
        bare = key[1:]
        index = self.shared.get(bare)
        if index is not None and self.truth[index] == value:
            self.var[key] = index  # unchanged between editions: one unknown
            self.merged += 1
        else:
            index = len(self.truth)
            self.truth.append(float(value))
            self.var[key] = index
            self.shared[bare] = index
            self.atom_count += 1
            if value < 0:
                self.negative.add(index)
        self.atom_values[key] = value

    def index(self, key: Key) -> int | None:
        """The unknown of a key (made on first use with its defining equation); None when the
        key holds no atom at all (its value is 0 and known)."""
        found = self.var.get(key)
        if found is not None or key in self.var:
            return found
        children = [c for c in (self.index(k) for k in self.children(key)) if c is not None]
        if not children:
            self.var[key] = None
            return None
        if len(children) == 1:
            self.var[key] = children[0]
            return children[0]
        index = len(self.truth)
        self.truth.append(float(sum(self.truth[c] for c in children)))
        self.var[key] = index
        self.rows.append(([index, *children], [1.0] + [-1.0] * len(children)))
        return index

    def children(self, key: Key) -> list[Key]:
        release, src, area, qlo, qhi, node, classes = key
        if qlo != qhi:
            return [(release, src, area, q, q, node, classes) for q in quarters_between(qlo, qhi)]
        if self.vocab.is_sum(area):
            return [(release, src, f, qlo, qhi, node, classes) for f in self.vocab.areas(area)]
        leaves = self.vocab.group_leaves.get(node, (node,))
        if len(leaves) > 1:
            return [(release, src, area, qlo, qhi, leaf, classes) for leaf in leaves]
        if len(classes) > 1:
            return [(release, src, area, qlo, qhi, leaves[0], (c,)) for c in classes]
        atom = (release, src, area, qlo, qhi, leaves[0], classes)
        return [] if atom == key else [atom]

    def value(self, key: Key) -> float:
        i = self.index(key)
        return 0.0 if i is None else self.truth[i]


def read_atoms(engine: Engine, universe: Universe, release_id: int) -> None:
    """The atoms of one release, read from the database (the restricted data), zeros included:
    a count inside the release's span with no row is a true zero the attacker does not know."""
    v = universe.vocab
    with engine.connect() as conn:
        rec = _frame(conn, select(recorded_offences.c.force_code, recorded_offences.c.quarter, offence.c.subgroup,
                                  offence.c.age_band, func.sum(recorded_offences.c.count))
                     .join_from(recorded_offences, offence, recorded_offences.c.offence_code == offence.c.code)
                     .where(recorded_offences.c.release_id == release_id, recorded_offences.c.count.is_not(None))
                     .group_by(recorded_offences.c.force_code, recorded_offences.c.quarter, offence.c.subgroup,
                               offence.c.age_band),
                     ["force", "quarter", "subgroup", "age_band", "n"])
        out = _frame(conn, select(outcomes.c.basis, outcomes.c.force_code, outcomes.c.quarter, offence.c.subgroup,
                                  offence.c.age_band, outcomes.c.outcome_type, func.sum(outcomes.c.count))
                     .join_from(outcomes, offence, outcomes.c.offence_code == offence.c.code)
                     .where(outcomes.c.release_id == release_id, outcomes.c.count.is_not(None))
                     .group_by(outcomes.c.basis, outcomes.c.force_code, outcomes.c.quarter, offence.c.subgroup,
                               offence.c.age_band, outcomes.c.outcome_type),
                     ["basis", "force", "quarter", "subgroup", "age_band", "type", "n"])
        mi = _frame(conn, select(indicator_value.c.indicator, indicator_value.c.force_code, indicator_value.c.quarter,
                                 indicator_value.c.numerator, indicator_value.c.denominator)
                    .where(indicator_value.c.release_id == release_id),
                    ["indicator", "force", "quarter", "numerator", "denominator"])
    leaf = v.leaf_of
    add_counts(universe, release_id, REC, rec, leaf, with_class=False)
    for basis in ("closed", "recorded"):
        part = out.filter(pl.col("basis") == basis)
        add_counts(universe, release_id, out_src(basis), part, leaf, with_class=True)
    for row in mi.iter_rows(named=True):
        for column in ("numerator", "denominator"):
            if row[column] is not None:
                universe.add_atom((release_id, mi_src(row["indicator"], column), row["force"], row["quarter"],
                                   row["quarter"], "", NO_CLASS), row[column])


def _frame(conn, stmt, names: list[str]) -> pl.DataFrame:
    rows = [tuple(r) for r in conn.execute(stmt).all()]
    return pl.DataFrame(rows, schema=names, orient="row")


def add_counts(universe: Universe, release_id: int, src: str, frame: pl.DataFrame, leaf: dict,
                *, with_class: bool) -> None:
    v = universe.vocab
    if frame.height == 0:
        return
    frame = frame.with_columns(leaf=pl.struct("subgroup", "age_band").map_elements(
        lambda s: leaf[(s["subgroup"], s["age_band"])], return_dtype=pl.String))
    if with_class:
        frame = frame.with_columns(cls=pl.col("type").replace_strict(v.type_class, return_dtype=pl.String))
    else:
        frame = frame.with_columns(cls=pl.lit(""))
    sums = frame.group_by("force", "quarter", "leaf", "cls").agg(pl.col("n").sum())
    found = {(f, q, lf, c): n for f, q, lf, c, n in sums.iter_rows()}
    lo, hi = int(frame["quarter"].min()), int(frame["quarter"].max())
    leaves = sorted(set(leaf.values()))
    classes = sorted(set(v.type_class.values())) if with_class else [""]
    if src == out_src("closed"):  # outcome 0 is never a closed outcome
        classes = [c for c in classes if c != v.type_class.get(0)]
    for q in quarters_between(lo, hi):
        for f in v.forces:
            for lf in leaves:
                for c in classes:
                    universe.add_atom((release_id, src, f, q, q, lf, (c,) if c else NO_CLASS),
                                      float(found.get((f, q, lf, c), 0.0)))


def lagged(q: int, first: int, last: int) -> tuple[int, int]:
    """The quarters ``first`` to ``last`` quarters from ``q`` (negative: earlier)."""
    return add_quarters(q, first), add_quarters(q, last)


def as_array(values: list[float]) -> np.ndarray:
    return np.asarray(values, dtype=float)
