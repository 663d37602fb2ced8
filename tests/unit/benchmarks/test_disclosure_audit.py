"""The independent disclosure audit (benchmarks/disclosure_audit.py) can fail: on hand-made
published numbers it finds a hidden cell whose total is shown and a range inside 1..4, and it
passes a hidden cell with two unknown partners.

The audit of whole releases (``python -m benchmarks.disclosure_audit``) is a benchmark (minutes
at 1,000 cases); tests/db/test_disclosure_channels.py runs it on the outputs of each channel.
"""

from __future__ import annotations

from benchmarks.audit_model import NO_CLASS, REC, Universe, Vocabulary
from benchmarks.audit_outputs import Number, View
from benchmarks.disclosure_audit import Audit, solve

THRESHOLD = 5


# ---------------------------------------------------------------- the audit can fail


def _toy_universe() -> Universe:
    """Three forces and one quarter of recorded adult rape: 10, 7 and 3."""
    vocab = Vocabulary(group_leaves={"adult_rape": ("adult_rape",)}, leaf_of={}, type_class={}, ho_groups={},
                       forces=["A", "B", "C"], territorial=["A", "B", "C"])
    u = Universe(vocab)
    for force, n in (("A", 10), ("B", 7), ("C", 3)):
        u.add_atom((1, REC, force, 20241, 20241, "adult_rape", NO_CLASS), n)
    return u


def _cell(force: str, shown: float | None) -> Number:
    view = View("hand-made", 1, "recorded_offences", "adult_rape", force, "quarter", 20241, 20241)
    return Number(view, force, "numerator", [((1, REC, force, 20241, 20241, "adult_rape", NO_CLASS), 1.0)], shown,
                  "[c]" if shown is None else "")


def test_the_audit_finds_a_hidden_cell_whose_total_is_shown():
    u = _toy_universe()
    audit = Audit(THRESHOLD, [1])
    solve(audit, u, [_cell("A", 10), _cell("B", 7), _cell("C", None), _cell("N", 20)])
    (finding,) = audit.findings
    assert (finding.truth, round(finding.low, 6), round(finding.high, 6)) == (3, 3, 3)
    assert audit.leaks == [finding] and finding.pinned()


def _atom(force: str) -> tuple:
    return ((1, REC, force, 20241, 20241, "adult_rape", NO_CLASS), 1.0)


def test_the_audit_finds_a_range_inside_one_to_four():
    """C (3) hidden, C + D = 4 shown and C - E = 1 shown (D = 1, E = 2 hidden): C is 1 to 4."""
    u = _toy_universe()
    u.add_atom((1, REC, "D", 20241, 20241, "adult_rape", NO_CLASS), 1)
    u.add_atom((1, REC, "E", 20241, 20241, "adult_rape", NO_CLASS), 2)
    view = View("hand-made", 1, "recorded_offences", "adult_rape", "sums", "quarter", 20241, 20241)
    c, d, e = _atom("C"), _atom("D"), _atom("E")
    shown = [Number(view, "C+D", "numerator", [c, d], 4.0, ""), Number(view, "C-E", "rate", [c, (e[0], -1.0)], 1.0, "")]
    audit = Audit(THRESHOLD, [1])
    solve(audit, u, [_cell("C", None), *shown])
    (finding,) = audit.findings
    assert (round(finding.low, 6), round(finding.high, 6)) == (1, 4)
    assert finding.inside(THRESHOLD) and not finding.pinned() and audit.leaks == [finding]


def test_a_hidden_cell_with_two_unknown_partners_is_safe():
    u = _toy_universe()
    u.add_atom((1, REC, "D", 20241, 20241, "adult_rape", NO_CLASS), 9)
    audit = Audit(THRESHOLD, [1])
    view = View("hand-made", 1, "recorded_offences", "adult_rape", "C+D", "quarter", 20241, 20241)
    solve(audit, u, [_cell("C", None), Number(view, "C+D", "numerator", [_atom("C"), _atom("D")], 12.0, "")])
    (finding,) = audit.findings
    assert (round(finding.low, 6), round(finding.high, 6)) == (0, 12)
    assert audit.leaks == []


def test_a_hidden_cell_shown_in_another_output_is_pinned_when_small_and_published_otherwise():
    """Channel 2 of issue 9: a count hidden in one metric and shown in another is read, not
    solved. Shown as 3 it is a leak; shown as 7 it is a published count (a rate on too few cases
    hides it for reliability, not confidentiality), counted but not a finding."""
    u = _toy_universe()
    other = View("hand-made", 1, "median_days_to_charge", "adult_rape", "C", "quarter", 20241, 20241)
    audit = Audit(THRESHOLD, [1])
    solve(audit, u, [_cell("C", None), Number(other, "C", "denominator", [_atom("C")], 3.0, "")])
    (finding,) = audit.findings
    assert (finding.output, finding.truth, finding.low, finding.high) == (_cell("C", None).view.name, 3, 3, 3)
    assert audit.leaks == [finding] and audit.counts["hidden in one output, shown in another"] == 1
    published = Audit(THRESHOLD, [1])
    other_b = View("hand-made", 1, "median_days_to_charge", "adult_rape", "B", "quarter", 20241, 20241)
    shown_b = Number(other_b, "B", "denominator", [_atom("B")], 7.0, "")
    solve(published, u, [_cell("B", None), shown_b])
    assert published.leaks == [] and published.counts["hidden in one output, shown in another"] == 1


def test_a_range_up_to_four_and_a_half_is_inside_one_to_four():
    """C (3) hidden, 2C + D = 9 and C - E = 1 shown (D = 3, E = 2 hidden): the programme's range is
    [1, 4.5], and C is a count, so the attacker knows it is 1 to 4 (before, 4.5 passed as safe)."""
    u = _toy_universe()
    u.add_atom((1, REC, "D", 20241, 20241, "adult_rape", NO_CLASS), 3)
    u.add_atom((1, REC, "E", 20241, 20241, "adult_rape", NO_CLASS), 2)
    view = View("hand-made", 1, "recorded_offences", "adult_rape", "sums", "quarter", 20241, 20241)
    c, d, e = _atom("C"), _atom("D"), _atom("E")
    shown = [Number(view, "2C+D", "rate", [(c[0], 2.0), d], 9.0, ""),
             Number(view, "C-E", "rate", [c, (e[0], -1.0)], 1.0, "")]
    audit = Audit(THRESHOLD, [1])
    solve(audit, u, [_cell("C", None), *shown])
    (finding,) = audit.findings
    assert round(finding.low, 6) == 1 and 4.4 < finding.high < 4.6
    assert finding.inside(THRESHOLD) and not finding.pinned() and audit.leaks == [finding]
