"""The case journey's middle-stage rules (metrics.disclosure.journey) on small hand-made cohorts."""

from __future__ import annotations

from metrics.disclosure.journey import protect_middle

NODES = ("adult_rape", "child_rape", "rape", "other_sexual", "all_sexual")


def _cohort(values: dict[str, tuple[int, int, int, int]], year: int = 2024) -> dict:
    """Counts of (recorded, suspect, referred, charged) per offence node."""
    stages = ("recorded", "suspect_identified", "referred_cps", "charged")
    return {(year, node, s): n for node, row in values.items() for s, n in zip(stages, row, strict=True)}


def _consistent(**rows) -> dict:
    """The five nodes from adult, child and other: the parents are the sums."""
    a, c, o = rows["adult"], rows["child"], rows["other"]
    rape = tuple(x + y for x, y in zip(a, c, strict=True))
    return _cohort({"adult_rape": a, "child_rape": c, "rape": rape, "other_sexual": o,
                    "all_sexual": tuple(x + y for x, y in zip(rape, o, strict=True))})


def test_large_counts_far_apart_are_all_shown():
    counts = _consistent(adult=(500, 400, 100, 40), child=(300, 250, 60, 20), other=(900, 700, 150, 50))
    assert protect_middle(counts, set(), 5) == set()


def test_a_small_middle_stage_is_hidden_and_so_is_another_of_its_sums():
    counts = _consistent(adult=(500, 400, 100, 40), child=(300, 250, 3, 0), other=(900, 700, 150, 50))
    hidden = protect_middle(counts, set(), 5)
    assert (2024, "child_rape", "referred_cps") in hidden
    for parent, kids in (("rape", ("adult_rape", "child_rape")), ("all_sexual", ("rape", "other_sexual"))):
        cells = [(2024, n, "referred_cps") for n in (parent, *kids)]
        assert sum(c in hidden for c in cells) != 1
    assert not any(c[2] in ("recorded", "charged") for c in hidden)  # never changed here


def test_a_small_difference_between_stages_hides_the_middle_stage():
    counts = _consistent(adult=(500, 498, 100, 40), child=(300, 250, 60, 20), other=(900, 700, 150, 50))
    hidden = protect_middle(counts, set(), 5)
    assert (2024, "adult_rape", "suspect_identified") in hidden  # 500 - 498 = 2 not yet identified


def test_the_protection_of_recorded_and_charged_is_kept():
    counts = _consistent(adult=(500, 400, 100, 40), child=(300, 250, 60, 20), other=(900, 700, 150, 50))
    given = {(2024, "child_rape", "charged"), (2024, "other_sexual", "charged")}
    assert given <= protect_middle(counts, given, 5)


def test_a_next_edition_hides_a_changed_middle_stage_where_a_revised_recorded_count_is_hidden():
    before = _consistent(adult=(500, 400, 100, 40), child=(300, 250, 60, 20), other=(900, 700, 150, 50))
    counts = _consistent(adult=(500, 400, 100, 40), child=(300, 250, 60, 20), other=(902, 702, 150, 50))
    revised = frozenset({(2024, "other_sexual"), (2024, "all_sexual")})
    hidden = protect_middle(counts, set(), 5, before, revised)
    assert {(2024, "other_sexual", "suspect_identified"), (2024, "all_sexual", "suspect_identified")} <= hidden
    assert (2024, "other_sexual", "referred_cps") not in hidden  # unchanged: it says nothing of the change
    # where every revised recorded count is shown in both editions, the change gives nothing away
    assert protect_middle(counts, set(), 5, before, frozenset()) == set()
