"""The case journey's published numbers, and the counts behind them, for the independent audit.

Part of the independent disclosure audit (:mod:`benchmarks.disclosure_audit`). The journey
(``queries.journey.case_journey``, public tier, as the /outcomes page shows it) publishes, per
financial-year cohort of recording and offence group, England and Wales: cases recorded, with a
suspect identified, referred to the CPS, and charged, and each as a percentage of the recorded.

What each stage adds up to is read from the published definitions, not from the product's
protection (``metrics.disclosure``):

* recorded: the offences recorded in the cohort's four quarters (the recorded-offences atoms);
* charged: the outcomes on the recorded basis (by quarter of recording) of the charge rate's
  numerator types (the outcome atoms);
* suspect identified, referred to the CPS: no other table shows these by quarter of recording
  and offence, so they get atoms of their own, (release, ``jny:<stage>``, force, quarter, offence
  leaf), read from the case records (the restricted data); an offence group's number is the sum
  of its leaves' atoms, so the groups' sums (adult + child rape = rape ...) come with the keys.

Whether the first and last stages really are those counts is not assumed: the audit compares
every shown number with its model and reports a mismatch. What an attacker knows besides
(:func:`journey_identities`): a case with a suspect identified is a recorded case, a referred case
one with a suspect identified (each a non-negative remainder), and the force MI's suspects
identified (``repeat_suspect_share`` denominator, by force and quarter of recording) are the same
count as the journey's, where that holds in the data.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from sqlalchemy import Engine, Integer, func, select

from benchmarks.audit_identities import ALL, if_holds
from benchmarks.audit_model import (
    NATIONAL,
    NO_CLASS,
    REC,
    Key,
    Universe,
    add_counts,
    mi_src,
    out_src,
)
from benchmarks.audit_outputs import SCALE, Number, View, quarters_of
from db.schema import case_record, offence
from metrics import registry as reg

MIDDLE = ("suspect_identified", "referred_cps")
LABELS = {"Recorded": "recorded", "Suspect identified": "suspect_identified",
          "Referred to the CPS": "referred_cps", "Charged or summonsed": "charged"}
"""The stage labels the journey's rows carry (the page's wording) and the stage each is."""
REMAINDERS = (("recorded", "suspect_identified", "no_suspect"),
              ("suspect_identified", "referred_cps", "not_referred"))
"""(whole, part, the rest): each middle stage is a subset of the stage before it."""
SAME_AS_MI = (("suspect_identified", mi_src("repeat_suspect_share", "denominator")),)


def jny_src(stage: str) -> str:
    return f"jny:{stage}"


def stage_key(u: Universe, release: int, stage: str, q: tuple[int, int], node: str) -> Key:
    """The key a stage's England and Wales number is, over quarters ``q`` of one offence group."""
    if stage == "recorded":
        return (release, REC, NATIONAL, *q, node, NO_CLASS)
    if stage == "charged":
        charged = reg.metric("charge_rate").numerator_types
        return (release, out_src("recorded"), NATIONAL, *q, node, u.vocab.classes(charged))
    return (release, jny_src(stage), NATIONAL, *q, node, NO_CLASS)


def read_journey_atoms(engine: Engine, u: Universe, release: int, first: int, last: int) -> None:
    """The middle stages by force, quarter of recording and offence leaf, and the remainders,
    zeros included, over the release's quarters."""
    t = case_record
    stmt = (select(t.c.force_code, t.c.recorded_quarter, offence.c.subgroup, offence.c.age_band, func.count(),
                   func.sum(t.c.suspect_identified.cast(Integer)), func.sum(t.c.referred_cps.cast(Integer)))
            .join_from(t, offence, t.c.offence_code == offence.c.code)
            .where(t.c.release_id == release, t.c.recorded_quarter.between(first, last))
            .group_by(t.c.force_code, t.c.recorded_quarter, offence.c.subgroup, offence.c.age_band))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt).all()]
    if not rows:
        return
    frame = pl.DataFrame(rows, schema=["force", "quarter", "subgroup", "age_band", "recorded", "suspect_identified",
                                       "referred_cps"], orient="row")
    frame = frame.with_columns(no_suspect=pl.col("recorded") - pl.col("suspect_identified"),
                               not_referred=pl.col("suspect_identified") - pl.col("referred_cps"))
    for stage in (*MIDDLE, "no_suspect", "not_referred"):
        part = frame.select("force", "quarter", "subgroup", "age_band", n=pl.col(stage))
        add_counts(u, release, jny_src(stage), part, u.vocab.leaf_of, with_class=False)


def journey_identities(u: Universe, release: int) -> Iterator[Number]:
    """Each remainder, and the force MI's suspects identified, where they hold in the data."""
    atoms = sorted({(k[2], k[3], k[5]) for k in u.atom_values if k[0] == release and k[1] == jny_src(MIDDLE[0])})
    for f, q, leaf in atoms:
        for whole, part, rest in REMAINDERS:
            terms = [(_atom(release, whole, f, q, leaf), 1.0), (_atom(release, part, f, q, leaf), -1.0),
                     (_atom(release, rest, f, q, leaf), -1.0)]
            yield from if_holds(u, release, f"{whole} = {part} + {rest}", f, q, terms)
    for f, q in sorted({(f, q) for f, q, _ in atoms}):
        for stage, src in SAME_AS_MI:
            terms = [((release, jny_src(stage), f, q, q, ALL, NO_CLASS), 1.0), ((release, src, f, q, q, "", NO_CLASS), -1.0)]
            yield from if_holds(u, release, f"journey {stage} = {src}", f, q, terms)


def _atom(release: int, stage: str, f: str, q: int, leaf: str) -> Key:
    src = REC if stage == "recorded" else jny_src(stage)
    return (release, src, f, q, q, leaf, NO_CLASS)


def journey_numbers(u: Universe, view: View, table: pl.DataFrame) -> Iterator[Number]:
    """Each row's count, and where a percentage is shown beside a hidden count or a hidden
    cohort, the equation it gives (count x 100 - share x recorded = 0)."""
    for row in table.iter_rows(named=True):
        q = quarters_of(view, row["period_end"])
        stage = LABELS[row["stage"]]
        key = stage_key(u, view.release, stage, q, view.group)
        count = None if row["count"] is None else float(row["count"])
        flag = row["flag"] or ""
        label = f"{row['cohort']} {stage}"
        yield Number(view, label, "count", [(key, 1.0)], count, flag)
        share = row["share"]
        if share is not None and share == share and flag:
            cohort = stage_key(u, view.release, "recorded", q, view.group)
            terms = [(key, SCALE["percent"]), (cohort, -float(share))]
            yield Number(view, label, "share", terms, 0.0, flag)

