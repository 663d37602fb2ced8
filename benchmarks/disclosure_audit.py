"""The independent disclosure audit: an attacker with every public output of one or two releases.

    python -m benchmarks.disclosure_audit --cases 30000 [--db URL] [--editions 2] [--out FILE]

Reads only what a public user gets (every ``metric_table`` and ``outcome_mix`` of the public tier,
the data explorer's tables, the case journey (:mod:`benchmarks.audit_journey`), the public
revisions, and ``rasso export`` checked against them) and, to check, the truth (the
database). It models every published number as a sum of the finest counts
(:mod:`benchmarks.audit_model`), adds what an attacker knows by definition
(:mod:`benchmarks.audit_identities`) and works out every hidden number's feasible range
(:mod:`benchmarks.audit_solve`). A hidden number (always a count) leaks when the whole numbers
in its range are one (pinned) or all inside 1..threshold - 1 (:mod:`benchmarks.audit_ranges`). It shares no code with the protection it audits.

Without ``--db`` a fresh SQLite database of ``--cases`` synthetic cases is built in a temporary
folder (``--editions 2`` adds the next edition of it); the JSON report goes to ``--out`` and a
Markdown summary beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

import settings
from benchmarks import audit_ranges
from benchmarks.audit_identities import IDENTITY, identities, revision_numbers
from benchmarks.audit_journey import journey_identities, journey_numbers, read_journey_atoms
from benchmarks.audit_model import Universe, Vocabulary, read_atoms
from benchmarks.audit_outputs import JOURNEY, Number, View, numbers_of, views
from benchmarks.audit_report import summarise, write_reports
from benchmarks.audit_solve import Solver, System, eliminate
from queries import release_info

Select = Callable[[View], bool]


@dataclass
class Finding:
    """One hidden published number and what the attacker can say about it."""

    output: str
    channel: str
    row: str
    role: str
    truth: float
    low: float
    high: float
    exact: bool = True
    """False when the range is not the exact extremes: the span of feasible points seen, enough to
    prove the number safe, or an outer bound from a small programme, enough to prove it leaks."""

    def pinned(self) -> bool:
        return bool(audit_ranges.pinned(self.low, self.high))

    def inside(self, t: int) -> bool:
        return bool(audit_ranges.inside(self.low, self.high, t))


@dataclass
class Audit:
    threshold: int
    releases: list[int]
    findings: list[Finding] = field(default_factory=list)
    shown_small: list[dict] = field(default_factory=list)
    mismatches: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    progress: Callable[[str], None] = field(default=lambda message: None, repr=False)

    @property
    def pinned(self) -> list[Finding]:
        return [f for f in self.findings if f.pinned()]

    @property
    def inside(self) -> list[Finding]:
        return [f for f in self.findings if f.inside(self.threshold)]

    @property
    def leaks(self) -> list[Finding]:
        return [f for f in self.findings if f.pinned() or f.inside(self.threshold)]


def public_numbers(engine: Engine, u: Universe, release: int, *, select: Select | None = None) -> list[Number]:
    """Every published number of one release through the public interfaces (those ``select``
    keeps, when given: the regression tests of one channel audit the few outputs it uses)."""
    info = release_info(engine, release)
    found: list[Number] = []
    for view in views(release, info.first_quarter, info.last_quarter):
        if select is not None and not select(view):
            continue
        table = view.run(engine)
        found.extend(journey_numbers(u, view, table) if view.channel == JOURNEY else numbers_of(u, view, table))
    return found


def public_revisions(engine: Engine, u: Universe, release: int) -> list[Number]:
    """The revisions a public user can list (``rasso revisions``, public tier)."""
    from ingest import list_revisions

    frame = list_revisions(engine, release, tier="public")
    return list(revision_numbers(u, engine, release, frame))


def run_audit(engine: Engine, releases: list[int], *, threshold: int | None = None, select: Select | None = None,
              extra: list[Number] | None = None, revisions: bool = True,
              progress: Callable[[str], None] | None = None) -> Audit:
    """Audit the releases together (an attacker holding all of them); ``progress`` is told how
    far a long run has got."""
    t = threshold or settings.disclosure_threshold()
    audit = Audit(t, list(releases))
    if progress is not None:
        audit.progress = progress
    clock = time.perf_counter()
    u = Universe(Vocabulary.read(engine))
    for rel in releases:
        read_atoms(engine, u, rel)
        info = release_info(engine, rel)
        if any(v.channel == JOURNEY and (select is None or select(v))
               for v in views(rel, info.first_quarter, info.last_quarter)):  # its middle stages' atoms
            read_journey_atoms(engine, u, rel, info.first_quarter, info.last_quarter)
    numbers: list[Number] = []
    for i, rel in enumerate(releases):
        info = release_info(engine, rel)
        audit.counts["outputs read"] = audit.counts.get("outputs read", 0) + sum(
            select is None or select(v) for v in views(rel, info.first_quarter, info.last_quarter))
        numbers += public_numbers(engine, u, rel, select=select)
        numbers += [*identities(u, rel), *journey_identities(u, rel)]
        if i > 0 and revisions:
            numbers += public_revisions(engine, u, rel)
    numbers += extra or []
    audit.timings["read outputs"] = time.perf_counter() - clock
    audit.progress(f"{len(numbers):,} published numbers read from {audit.counts['outputs read']:,} outputs")
    clock = time.perf_counter()
    solve(audit, u, numbers)
    audit.timings["solve"] = time.perf_counter() - clock
    return audit


def _terms(u: Universe, number: Number) -> dict[int, float]:
    terms: dict[int, float] = {}
    for key, coef in number.terms:
        i = u.index(key)
        if i is not None:
            terms[i] = terms.get(i, 0.0) + coef
    return terms


def _useful(numbers: list[Number]) -> list[Number]:
    """Leave out identities over a force MI count no output publishes: that count is a free
    unknown, so the identity only says a sum is non-negative, and it would tie unrelated
    components together (one large programme instead of many small ones)."""
    published = {key for n in numbers if n.view.channel != IDENTITY for key, _ in n.terms}
    return [n for n in numbers if n.view.channel != IDENTITY
            or all(key in published for key, _ in n.terms if key[1].startswith("mi:"))]


def solve(audit: Audit, u: Universe, numbers: list[Number]) -> None:
    """Build the system from the shown numbers, eliminate, and range every hidden one."""
    t = audit.threshold
    shown, hidden = [], []
    for number in _useful(numbers):
        terms = _terms(u, number)
        number.truth = sum(c * u.truth[i] for i, c in terms.items())
        if number.shown is not None and not number.terms:
            if 1 <= number.shown < t:
                audit.shown_small.append({"output": number.view.name, "row": number.row, "role": number.role,
                                          "value": number.shown})
            continue
        if number.shown is not None:
            if abs(number.truth - number.shown) > 1e-6 * max(1.0, abs(number.shown)):
                audit.mismatches.append({"output": number.view.name, "row": number.row, "role": number.role,
                                         "shown": number.shown, "model": number.truth})
                continue
            if number.role in ("numerator", "denominator", "count") and 1 <= number.shown < t \
                    and float(number.shown).is_integer():
                audit.shown_small.append({"output": number.view.name, "row": number.row, "role": number.role,
                                          "value": number.shown})
            shown.append((number, terms))
        elif number.hidden and terms:
            hidden.append((number, terms))
    published = {tuple(sorted(terms.items())): number.shown for number, terms in shown}
    again = [(n, published[sig]) for n, terms in hidden if (sig := tuple(sorted(terms.items()))) in published]
    # A count left out of one output (a rate on too few cases, a median's number of cases) and
    # shown in another is published, not confidential: a finding only when it is 1 to t - 1 (a
    # small count shown outright, which ``shown_small`` lists too).
    for number, value in again:
        if 1 <= value < t:
            audit.findings.append(Finding(number.view.name, number.view.channel, number.row, number.role,
                                          number.truth, value, value))
    audit.counts["hidden in one output, shown in another"] = len(again)
    hidden = [(n, terms) for n, terms in hidden if tuple(sorted(terms.items())) not in published]
    system = System(len(u.truth))
    for cols, coefs in u.rows:
        system.add(dict(zip(cols, coefs, strict=True)), 0.0)
    for number, terms in shown:
        system.add(terms, number.shown)
    a, b = system.matrix(), np.asarray(system.rhs)
    known = np.zeros(system.n, dtype=bool)
    x = np.zeros(system.n)
    negative = np.fromiter(u.negative, dtype=np.int64, count=len(u.negative))
    known[negative] = True
    x[negative] = np.asarray(u.truth)[negative]
    reduced = eliminate(a, b, known, x)
    solver = Solver(reduced)
    solver.progress = audit.progress
    forms: dict[tuple, int] = {}
    truths: list[float] = []
    for number, terms in hidden:
        if forms.setdefault(tuple(sorted(terms.items())), len(forms)) == len(truths):
            truths.append(number.truth)
    ranges = solver.ranges([dict(sig) for sig in forms], np.asarray(truths), t)
    for number, terms in hidden:
        low, high, exact = ranges[forms[tuple(sorted(terms.items()))]]
        audit.findings.append(Finding(number.view.name, number.view.channel, number.row, number.role,
                                      number.truth, low, high, exact))
    audit.counts |= {"published numbers": len(numbers), "equations": len(system.rows), "unknowns": system.n,
                    "atoms": u.atom_count, "atoms shared between editions": u.merged,
                    "eliminated by substitution": int(reduced.eliminated),
                    "inconsistent equations": int(reduced.inconsistent),
                    "equations left": int(reduced.a.shape[0]), "components": len(reduced.rows_of),
                    "distinct hidden numbers": len(forms), "linear programmes": solver.lps,
                    "hidden numbers ranged exactly": solver.exact,
                    "decided by small programmes (safe, leak)": [solver.local["safe"], solver.local["leak"]],
                    "solver failures": solver.failures}


def build_database(directory: Path, cases: int, editions: int, seed: int = 7,
                   last_quarter: int = 20262) -> tuple[Engine, list[int]]:
    """A fresh SQLite database holding ``editions`` consecutive synthetic releases from the sample's
    first quarter to ``last_quarter`` (a short span keeps a whole release's audit to minutes)."""
    from db.bootstrap import init_database
    from db.engine import make_engine
    from sample_data.load import load_sample

    engine = make_engine(f"sqlite:///{directory / 'audit.sqlite'}")
    init_database(engine)
    releases = [load_sample(engine, cases=cases, seed=seed, last_quarter=last_quarter)]
    for n in range(1, editions):
        from sample_data.editions import next_edition

        releases.append(next_edition(engine, releases[-1], seed=seed + n))
    return engine, releases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=30_000)
    ap.add_argument("--db", help="audit this database (its newest release) instead of building one")
    ap.add_argument("--releases", help="comma-separated release ids to audit together (with --db)")
    ap.add_argument("--editions", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--last-quarter", type=int, default=20262,
                    help="last quarter of a built release (20162: 2016-17 Q2, six quarters)")
    ap.add_argument("--out", type=Path, default=Path("disclosure-audit.json"))
    args = ap.parse_args()
    clock = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            from db.engine import make_engine
            from db.releases import default_release

            engine = make_engine(args.db)
            releases = ([int(r) for r in args.releases.split(",")] if args.releases
                        else [default_release(engine).id])
        else:
            engine, releases = build_database(Path(tmp), args.cases, args.editions, args.seed, args.last_quarter)
        built = time.perf_counter() - clock
        from benchmarks.audit_cli import compare_cli_exports

        compared = compare_cli_exports(engine, releases[-1])  # first: a difference fails in seconds
        audit = run_audit(engine, releases, progress=lambda message: print(
            f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True))
        audit.timings["build database"] = built
        audit.counts["cli exports compared"] = compared
        engine.dispose()
    summary = summarise(audit, cases=args.cases)
    write_reports(audit, summary, args.out)
    print(json.dumps(summary["totals"], indent=1))
    print(Counter({k: round(v, 1) for k, v in audit.timings.items()}))


if __name__ == "__main__":
    main()
