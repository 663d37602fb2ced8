"""Revisions between two synthetic editions: the restricted tier lists every raw changed value;
the public tier lists, by protected node cell, only changes of cells shown in both editions.

Expected values are computed here from the fact tables (leaf sums and key-by-key differences
written out in the test), never with the code under test; which cells are hidden comes from the
stored protection (``hidden_cells``), which the public tier must respect.
"""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import select

from db.protection import hidden_cells
from db.schema import offence, outcome_type, outcomes, recorded_offences
from helpers.testdb import BACKENDS
from ingest import list_revisions
from metrics.errors import QueryError
from sample_data.editions import next_edition
from sample_data.load import load_sample

CASES, SEED, LAST = 3_000, 5, 20174
"""Small, so that many cells are small and hidden; three years keep it quick."""
CELL = ("family", "area_code", "quarter", "offence", "category")
LEAF = {("rape", "adult"): "adult_rape", ("rape", "child"): "child_rape"}


@pytest.fixture(scope="module", params=BACKENDS)
def editions(request, tmp_path_factory, fresh_engine):
    """A protected sample and its next edition, per backend; the tests only read them."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("RASSO_DISCLOSURE_THRESHOLD", raising=False)
        engine = fresh_engine(request.param, tmp_path_factory.mktemp(f"revisions-{request.param}"))
        original = load_sample(engine, cases=CASES, seed=SEED, last_quarter=LAST)
        edition = next_edition(engine, original, seed=1)
        yield engine, original, edition
    engine.dispose()


@pytest.fixture(autouse=True)
def _default_threshold(monkeypatch):
    monkeypatch.delenv("RASSO_DISCLOSURE_THRESHOLD", raising=False)


def _facts(engine, release_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The release's recorded-offence and outcome rows, with offence subgroup and age band and
    the outcome type's Home Office group."""
    r, o = recorded_offences.c, outcomes.c
    with engine.connect() as conn:
        rec = conn.execute(select(r.force_code, r.quarter, r.offence_code, r.count, offence.c.subgroup,
                                  offence.c.age_band).join_from(recorded_offences, offence,
                                                                r.offence_code == offence.c.code)
                           .where(r.release_id == release_id)).all()
        out = conn.execute(select(o.force_code, o.quarter, o.offence_code, o.outcome_type, o.basis, o.count,
                                  offence.c.subgroup, offence.c.age_band, outcome_type.c.ho_group)
                           .select_from(outcomes.join(offence, o.offence_code == offence.c.code)
                                        .join(outcome_type, o.outcome_type == outcome_type.c.type))
                           .where(o.release_id == release_id)).all()
    rec_cols = ["force_code", "quarter", "offence_code", "count", "subgroup", "age_band"]
    out_cols = ["force_code", "quarter", "offence_code", "outcome_type", "basis", "count", "subgroup", "age_band",
                "ho_group"]
    return (pl.DataFrame([tuple(x) for x in rec], schema=rec_cols, orient="row", infer_schema_length=None),
            pl.DataFrame([tuple(x) for x in out], schema=out_cols, orient="row", infer_schema_length=None))


def _leaf(subgroup: str, age_band: str) -> str:
    return "other_sexual" if subgroup == "other_sexual" else LEAF[(subgroup, age_band)]


def _leaf_values(engine, release_id: int) -> dict[tuple, float]:
    """Leaf cells of the Home Office families summed from the rows: offence leaf from subgroup and
    age band, outcome group from the type; the closed basis never counts outcome 0."""
    rec, out = _facts(engine, release_id)
    values: dict[tuple, float] = {}
    for x in rec.iter_rows(named=True):
        key = ("recorded", x["force_code"], x["quarter"], _leaf(x["subgroup"], x["age_band"]), "all")
        values[key] = values.get(key, 0.0) + x["count"]
    for x in out.iter_rows(named=True):
        if x["basis"] == "closed" and x["outcome_type"] == 0:
            continue
        family = "outcomes_closed" if x["basis"] == "closed" else "outcomes_recorded"
        key = (family, x["force_code"], x["quarter"], _leaf(x["subgroup"], x["age_band"]), x["ho_group"])
        values[key] = values.get(key, 0.0) + x["count"]
    return values


def _hidden(engine, release_id: int, threshold: int | None = None) -> set[tuple]:
    with engine.connect() as conn:
        frame = hidden_cells(conn, release_id, threshold=threshold)
    return {(f, a, p, o, c) for f, a, p, o, c, _ in frame.iter_rows()}


def _cell(row: dict) -> tuple:
    return (row["family"], row["area_code"], row["quarter"], row["offence_group"], row["ho_group"] or "all")


def test_restricted_lists_every_raw_changed_value(editions):
    engine, original, edition = editions
    got = list_revisions(engine, edition, tier="restricted")
    assert set(got["previous_release_id"]) == {original} and set(got["release_id"]) == {edition}
    (old_rec, old_out), (new_rec, new_out) = _facts(engine, original), _facts(engine, edition)
    expected = {}
    for fact, old, new, keys in (("recorded_offences", old_rec, new_rec, ["force_code", "quarter", "offence_code"]),
                                 ("outcomes", old_out, new_out,
                                  ["force_code", "quarter", "offence_code", "outcome_type", "basis"])):
        before = {tuple(x[k] for k in keys): x["count"] for x in old.iter_rows(named=True)}
        after = {tuple(x[k] for k in keys): x["count"] for x in new.iter_rows(named=True)}
        for k in set(before) | set(after):
            if before.get(k) != after.get(k):  # a key in one edition only: the other side is empty
                expected[(fact, *k)] = (before.get(k), after.get(k))
    as_dict = {}
    for x in got.iter_rows(named=True):
        keys = ("force_code", "quarter", "offence_code") if x["fact"] == "recorded_offences" else (
            "force_code", "quarter", "offence_code", "outcome_type", "basis")
        as_dict[(x["fact"], *(x[k] for k in keys))] = (x["old_value"], x["new_value"])
    assert len(expected) > 0 and as_dict == expected
    assert got.height == len(expected)  # one row per changed key: no duplicates


def test_public_lists_exactly_the_changed_cells_shown_in_both(editions):
    engine, original, edition = editions
    public = list_revisions(engine, edition)
    old, new = _leaf_values(engine, original), _leaf_values(engine, edition)
    hidden = _hidden(engine, original) | _hidden(engine, edition)
    changed = {k for k in set(old) | set(new) if old.get(k, 0.0) != new.get(k, 0.0)}
    expected = {k: (old.get(k, 0.0), new.get(k, 0.0)) for k in changed - hidden}
    got = {_cell(x): (x["old_value"], x["new_value"]) for x in public.iter_rows(named=True)}
    assert len(expected) > 0 and got == expected
    assert public.height == len(got)
    assert (public["change"] == public["new_value"] - public["old_value"]).all()
    assert public["flag"].null_count() == public.height  # synthetic data: every value provided
    assert set(public["release_id"]) == {edition} and set(public["previous_release_id"]) == {original}
    assert public["area_name"].null_count() == 0 and (public["area_name"] != public["area_code"]).all()
    assert public["period"].str.contains(" Q").all() and public["measure"].null_count() == 0


def test_a_revision_of_a_hidden_cell_is_not_listed(editions):
    engine, original, edition = editions
    old, new = _leaf_values(engine, original), _leaf_values(engine, edition)
    hidden_old, hidden_new = _hidden(engine, original), _hidden(engine, edition)
    changed = {k for k in set(old) | set(new) if old.get(k, 0.0) != new.get(k, 0.0)}
    listed = {_cell(x) for x in list_revisions(engine, edition).iter_rows(named=True)}
    # both kinds occur in this pair: hidden in the new edition only, and hidden in both
    assert changed & (hidden_new - hidden_old) and changed & hidden_old & hidden_new
    assert not listed & (hidden_old | hidden_new)


def test_public_at_another_threshold_uses_that_protection(editions):
    engine, original, edition = editions
    # threshold 2: at 3 this small pair keeps no revised force cell shown in both editions (the
    # rule for revised cells hides them), so nothing would be listed to check
    public = list_revisions(engine, edition, threshold=2)
    hidden = _hidden(engine, original, 2) | _hidden(engine, edition, 2)
    listed = {_cell(x) for x in public.iter_rows(named=True)}
    assert listed and not listed & hidden


def test_all_releases_and_an_unknown_tier(editions):
    engine, _original, edition = editions
    assert list_revisions(engine).equals(list_revisions(engine, edition))  # only one release revised
    assert list_revisions(engine, 999, tier="public").height == 0
    with pytest.raises(QueryError, match="Unknown tier 'secret'"):
        list_revisions(engine, edition, tier="secret")


def test_the_independent_audit_reads_the_public_frame(editions):
    """The audit (benchmarks) models each listed value as a cell of its own model: every value
    must land on a cell there, and equal that cell's truth."""
    from benchmarks.audit_identities import revision_numbers
    from benchmarks.audit_model import Universe, Vocabulary, read_atoms

    engine, original, edition = editions
    u = Universe(Vocabulary.read(engine))
    for release in (original, edition):
        read_atoms(engine, u, release)
    public = list_revisions(engine, edition)
    numbers = list(revision_numbers(u, engine, edition, public))
    assert public.height > 0 and len(numbers) == 2 * public.height
    for number in numbers:
        assert len(number.terms) == 1 and not number.hidden
        (key, _coef), = number.terms
        assert u.value(key) == number.shown, number.row


def test_rows_of_no_protected_count_are_never_listed(editions):
    """Outcome 0 on the closed basis is no outcome, and a force MI column that is by definition
    another count (devices taken over offences recorded) is no family of its own: neither is
    placed in a cell, so a public list made of them alone is empty."""
    from db.protection_leaves import place_rows
    from ingest import REVISION_SCHEMA
    from ingest.revisions import PUBLIC_SCHEMA, public_revisions

    engine, original, edition = editions
    with engine.connect() as conn:
        code = conn.execute(select(offence.c.code).where(offence.c.subgroup == "other_sexual")).scalars().first()
    base = {k: None for k in REVISION_SCHEMA} | {"release_id": edition, "previous_release_id": original,
                                                 "force_code": "E23000001", "quarter": LAST, "old_value": 10.0,
                                                 "new_value": 20.0}
    unplaced = [base | {"fact": "outcomes", "offence_code": code, "outcome_type": 0, "basis": "closed",
                        "measure": "count"},
                base | {"fact": "indicator_value", "indicator": "device_taken_share", "measure": "denominator"}]
    placed = base | {"fact": "recorded_offences", "offence_code": code, "measure": "count"}
    raw = pl.DataFrame([*unplaced, placed], schema=REVISION_SCHEMA, orient="row")
    with engine.connect() as conn:
        cells = place_rows(conn, raw)
    assert cells.select("family", "area_code", "quarter", "offence", "category").rows() == [
        ("recorded", "E23000001", LAST, "other_sexual", "all")]
    alone = public_revisions(engine, raw.head(len(unplaced)))
    assert alone.height == 0 and alone.schema == pl.Schema(PUBLIC_SCHEMA)
