"""What an attacker knows by definition, and what the public revisions say: more equations.

Part of the independent disclosure audit (:mod:`benchmarks.disclosure_audit`). Each identity is
written from the published definitions of the measures (the metric registry's wording), never
from the product's protection code, and is added only where it holds in the data (an attacker
who assumed a false one would only fool himself).
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from sqlalchemy import Engine, select

from benchmarks.audit_model import NO_CLASS, REC, Key, Universe, mi_src, out_src
from benchmarks.audit_outputs import Number, View
from db.schema import offence
from metrics import registry as reg
from metrics.periods import add_quarters

ALL = "all_sexual"
SAME_AS_RECORDED = ("isva_referral_rate", "device_taken_share")
"""Force MI denominators defined as the offences recorded in the quarter."""
SAME_MI = ((("device_return_28d_rate", "denominator"), ("device_taken_share", "numerator")),
           (("investigator_caseload", "denominator"), ("trained_investigator_share", "denominator")))
"""Force MI counts that are the same count under two indicators."""

IDENTITY = "identity"
REVISIONS = "revisions"


def _view(channel: str, release: int, subject: str) -> View:
    return View(channel, release, subject, "", "", "", 0, 0)


def identities(u: Universe, release: int) -> Iterator[Number]:
    """Equations an attacker may add, one per force and quarter where they hold."""
    mi_quarters = sorted({k[3] for k in u.atom_values if k[0] == release and k[1].startswith("mi:")})
    forces = u.vocab.forces
    closed = u.vocab.classes(reg.ASSIGNED)
    for f in forces:
        for q in mi_quarters:
            rec = (release, REC, f, q, q, ALL, NO_CLASS)
            clo = (release, out_src("closed"), f, q, q, ALL, closed)
            pairs: list[tuple[str, list[tuple[Key, float]]]] = []
            for ind in SAME_AS_RECORDED:
                pairs.append((f"{ind} denominator = recorded", [(_mi(release, ind, "denominator", f, q), 1.0), (rec, -1.0)]))
            pairs.append(("cps denominator = closed", [(_mi(release, "cps_referral_rate", "denominator", f, q), 1.0),
                                                        (clo, -1.0)]))
            for (ia, ca), (ib, cb) in SAME_MI:
                pairs.append((f"{ia} {ca} = {ib} {cb}", [(_mi(release, ia, ca, f, q), 1.0), (_mi(release, ib, cb, f, q), -1.0)]))
            lag = (release, REC, f, add_quarters(q, -7), add_quarters(q, -4), ALL, NO_CLASS)
            pairs.append(("cohort denominator = recorded 4-7 quarters before",
                          [(_mi(release, "outcome_not_assigned_after_year", "denominator", f, q), 1.0), (lag, -1.0)]))
            before = add_quarters(q, -1)
            if before in mi_quarters:
                pairs.append(("open stock moves by recorded less closed",
                              [(_mi(release, "investigator_caseload", "numerator", f, q), 1.0),
                               (_mi(release, "investigator_caseload", "numerator", f, before), -1.0),
                               (rec, -1.0), (clo, 1.0)]))
            for name, terms in pairs:
                yield from if_holds(u, release, name, f, q, terms)


def _mi(release: int, indicator: str, column: str, f: str, q: int) -> Key:
    return (release, mi_src(indicator, column), f, q, q, "", NO_CLASS)


def if_holds(u: Universe, release: int, name: str, f: str, q: int, terms) -> Iterator[Number]:
    mi_keys = [k for k, _ in terms if k[1].startswith("mi:")]
    if any(k not in u.atom_values for k in mi_keys):
        return
    if abs(sum(c * u.value(k) for k, c in terms)) < 1e-9:
        yield Number(_view(IDENTITY, release, name), f"{f} {q}", "identity", terms, 0.0, "")


def revision_numbers(u: Universe, engine: Engine, release: int, frame: pl.DataFrame) -> Iterator[Number]:
    """Published revisions: each row's old and new value, and for every atom the change its
    revised cells add up to (the attacker knows that every changed cell is listed).

    A row at a finer grain than an atom (one offence code of a leaf) gives no equation of its own
    but its change does; a value from 1 to threshold - 1 is a visible small count, reported as such.
    """
    if frame.height == 0:
        return
    if "family" in frame.columns:
        yield from _protected_revisions(u, frame)
        return
    with engine.connect() as conn:
        pairs = dict(((c, (s, a)) for c, s, a in conn.execute(select(offence.c.code, offence.c.subgroup,
                                                                              offence.c.age_band))))
    deltas: dict[tuple[Key, Key], float] = {}
    view = _view(REVISIONS, release, "list_revisions")
    for row in frame.iter_rows(named=True):
        old, new = row.get("old_value"), row.get("new_value")
        label = " ".join(str(row.get(c)) for c in ("fact", "force_code", "quarter", "offence_code", "outcome_type",
                                                  "basis", "indicator", "measure") if row.get(c) is not None)
        for role, v in (("old value", old), ("new value", new)):
            if v is not None:
                yield Number(view, label, role, [], float(v), "")
        keys = _revision_keys(u, row, pairs)
        if keys is None or old is None or new is None:
            continue
        deltas[keys] = deltas.get(keys, 0.0) + float(new) - float(old)
    for (k_old, k_new), d in deltas.items():
        yield Number(view, f"{k_new[1:]}", "change", [(k_new, 1.0), (k_old, -1.0)], d, "")


def _revision_keys(u: Universe, row: dict, pairs: dict) -> tuple[Key, Key] | None:
    prev, rel, f, q = row["previous_release_id"], row["release_id"], row["force_code"], row["quarter"]
    fact = row["fact"]
    if fact == "indicator_value":
        src = mi_src(row["indicator"], row["measure"])
        return (prev, src, f, q, q, "", NO_CLASS), (rel, src, f, q, q, "", NO_CLASS)
    leaf = u.vocab.leaf_of.get(pairs.get(row["offence_code"]))
    if leaf is None:
        return None
    if fact == "recorded_offences":
        return (prev, REC, f, q, q, leaf, NO_CLASS), (rel, REC, f, q, q, leaf, NO_CLASS)
    cls = u.vocab.classes([row["outcome_type"]])
    src = out_src(row["basis"])
    return (prev, src, f, q, q, leaf, cls), (rel, src, f, q, q, leaf, cls)



MI_FAMILIES = {
    "cps_referred": ("cps_referral_rate", "numerator"), "closed": ("cps_referral_rate", "denominator"),
    "repeat_suspects": ("repeat_suspect_share", "numerator"),
    "suspects_identified": ("repeat_suspect_share", "denominator"),
    "repeat_charged": ("repeat_suspect_charge_rate", "numerator"),
    "repeat_closed": ("repeat_suspect_charge_rate", "denominator"),
    "isva_referred": ("isva_referral_rate", "numerator"), "recorded": ("isva_referral_rate", "denominator"),
    "trained": ("trained_investigator_share", "numerator"),
    "investigators": ("trained_investigator_share", "denominator"),
    "open_investigations": ("investigator_caseload", "numerator"),
    "still_open_after_year": ("outcome_not_assigned_after_year", "numerator"),
    "devices_taken": ("device_taken_share", "numerator"),
    "devices_returned_28d": ("device_return_28d_rate", "numerator"),
}
"""The public revisions' names of force MI counts (``mi:<name>``) and the indicator column each is."""


def _protected_revisions(u: Universe, frame: pl.DataFrame) -> Iterator[Number]:
    """Revisions listed by protected cell (family, area_code, quarter, offence_group, ho_group):
    each shown old or new value is an equation on that edition's cell, each hidden one (flag [c])
    a hidden number."""
    for row in frame.iter_rows(named=True):
        label = " ".join(str(row.get(c)) for c in ("family", "area_code", "quarter", "offence_group", "ho_group"))
        view = _view(REVISIONS, row["release_id"], "list_revisions")
        for role, release, value in (("old value", row["previous_release_id"], row["old_value"]),
                                     ("new value", row["release_id"], row["new_value"])):
            key = _family_key(u, row, release)
            if key is None:
                if value is not None:
                    yield Number(view, label, role, [], float(value), "")
                continue
            yield Number(view, label, role, [(key, 1.0)], None if value is None else float(value),
                         row.get("flag") or "")


def _family_key(u: Universe, row: dict, release: int) -> Key | None:
    family, f, q = row["family"], row["area_code"], row["quarter"]
    node = row["offence_group"] or ALL
    if family == "recorded":
        return (release, REC, f, q, q, node, NO_CLASS)
    if family in ("outcomes_closed", "outcomes_recorded"):
        basis = "closed" if family == "outcomes_closed" else "recorded"
        types = [t for t, g in u.vocab.ho_groups.items()
                 if (row["ho_group"] in (None, "all") or g == row["ho_group"]) and (basis != "closed" or t != 0)]
        return (release, out_src(basis), f, q, q, node, u.vocab.classes(types))
    name = family.removeprefix("mi:")
    if family.startswith("mi:") and name in MI_FAMILIES:
        return (release, mi_src(*MI_FAMILIES[name]), f, q, q, "", NO_CLASS)
    return None
