"""Protection of the case journey's middle stages (suspect identified, referred to the CPS).

Why a rule of its own: those two counts are in no family of the release's protection (only
case-level records hold them), so they are published at one level only, England and Wales by
financial-year cohort of recording, where they are large, and hidden ([c]) wherever they, or
what they give back, could be small:

* a stage count from 1 to threshold - 1 is hidden (primary);
* two shown stages of the same cohort and offence group whose difference is from 1 to
  threshold - 1 (e.g. suspects identified but not referred) hide the middle stage of the pair
  (the smaller, when both are middle stages): the difference is a count too;
* the offence groups add up (adult + child rape = rape; rape + other sexual offences = all
  sexual offences), so in each such sum at one stage with exactly one hidden cell, the smallest
  shown middle-stage cell of it is hidden as well, and the checks run again until nothing
  changes. No published figure links different stages or different cohorts, so no other
  arithmetic can give a hidden middle stage back;
* in a next edition, a middle stage whose count changed is hidden where a revised count of
  offences recorded in its cohort (a force's quarter of one offence in it) is hidden in either
  edition. Why: its change is the sum of the changes of the offences recorded that moved into
  or out of the stage, and an attacker who knows which counts did not change (they are the same
  number in both editions) can set it against the changes the protection hides: at 1,500 cases
  Nottinghamshire's other sexual offences of 2015-16 Q4 (9, then 10, a complement in the next
  edition) were pinned by the cohort's suspects identified, 832 then 834, less Hampshire's
  quarter, shown as 6 then 7.

The first and last stages (recorded, charged) are counts the release's protection already
holds; their hidden flags come in from it and are never changed here.
"""

from __future__ import annotations

from itertools import combinations

from metrics.disclosure.families import OFFENCE_PARENTS

STAGES = ("recorded", "suspect_identified", "referred_cps", "charged")
MIDDLE = ("suspect_identified", "referred_cps")

Cell = tuple[int, str, str]  # cohort (financial year), offence node, stage


def protect_middle(counts: dict[Cell, int], hidden: set[Cell], threshold: int,
                   before: dict[Cell, int] | None = None, revised: frozenset = frozenset()) -> set[Cell]:
    """The hidden cells: ``hidden`` (the release's protection of the first and last stages) plus
    the middle-stage cells the rules above hide. ``counts`` holds every cell of every offence
    node (the sums need them all); ``before``, the previous edition's, and ``revised``, the
    (cohort, offence node) lines with a revised recorded count hidden in either edition."""
    out = set(hidden) | {c for c, n in counts.items() if c[2] in MIDDLE and 0 < n < threshold}
    if before is not None:
        out |= {c for c, n in counts.items()
                if c[2] in MIDDLE and c[:2] in revised and before.get(c) is not None and before[c] != n}
    changed = True
    while changed:
        before = len(out)
        _pairs(counts, out, threshold)
        _sums(counts, out)
        changed = len(out) != before
    return out


def _pairs(counts: dict[Cell, int], out: set[Cell], threshold: int) -> None:
    """Hide a middle stage whose difference from another shown stage of its line is small."""
    lines = {(year, node) for year, node, _ in counts}
    for year, node in lines:
        for a, b in combinations(STAGES, 2):
            ca, cb = (year, node, a), (year, node, b)
            if ca not in counts or cb not in counts or ca in out or cb in out:
                continue
            if not 0 < abs(counts[ca] - counts[cb]) < threshold:
                continue
            middle = [c for c in (ca, cb) if c[2] in MIDDLE]
            if middle:
                out.add(min(middle, key=lambda c: counts[c]))


def _sums(counts: dict[Cell, int], out: set[Cell]) -> None:
    """In a sum of offence groups with exactly one hidden cell, hide the smallest shown middle one."""
    years = {year for year, _, _ in counts}
    for year in years:
        for stage in MIDDLE:
            for parent, children in OFFENCE_PARENTS.items():
                cells = [(year, node, stage) for node in (parent, *children)]
                if any(c not in counts for c in cells):
                    continue
                if sum(c in out for c in cells) == 1:
                    shown = [c for c in cells if c not in out]
                    out.add(min(shown, key=lambda c: counts[c]))
