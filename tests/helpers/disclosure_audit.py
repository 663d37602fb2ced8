"""What the disclosure audit's regression tests share: what is wrong with an audit, and the assertion.

Why here and not in a test module: ``tests/db/test_disclosure_channels.py`` and
``tests/db/test_disclosure_explorer.py`` fail on the same conditions (a leak, a count from 1 to
threshold - 1 shown, a published number the model does not reproduce, a failed linear programme,
an audit of nothing), and a test module never imports another.
"""

from __future__ import annotations

import pytest

from benchmarks.disclosure_audit import Audit, Finding, Select, run_audit

SHOWN = 8
"""How many findings a failure prints."""


def _line(f: Finding) -> str:
    return f"  {f.output} | {f.row} | {f.role}: true {f.truth:g}, attacker's range [{f.low:g}, {f.high:g}]"


def failures(audit: Audit) -> list[str]:
    """What is wrong with an audit, first few of each, for the assertion message (empty: none)."""
    t = audit.threshold
    problems = []
    if audit.leaks:
        problems.append(f"{len(audit.leaks)} of {len(audit.findings)} hidden numbers recoverable at threshold {t} "
                        f"({len(audit.pinned)} pinned, {len(audit.inside)} inside 1..{t - 1}), first:")
        worst_first = sorted(audit.leaks, key=lambda f: not f.inside(t))  # a count of 1 to t - 1 narrowed down
        problems += [_line(f) for f in worst_first[:SHOWN]]
    if audit.shown_small:
        problems.append(f"{len(audit.shown_small)} counts from 1 to {t - 1} shown, first: {audit.shown_small[:SHOWN]}")
    if audit.mismatches:
        problems.append(f"{len(audit.mismatches)} published numbers the audit's model does not reproduce (left out "
                        f"of the system, so leaks through them go unseen), first: {audit.mismatches[:SHOWN]}")
    if audit.counts.get("solver failures"):
        problems.append(f"{audit.counts['solver failures']} linear programmes failed (their numbers look safe)")
    if not audit.findings:
        problems.append("the selection audited no hidden number: are its outputs still named as here?")
    return problems


def assert_no_leaks(engine, releases: list[int], select: Select, *, revisions: bool = False,
                    channel: str | None = None) -> Audit:
    """Fail on anything :func:`failures` lists, and, given ``channel``, when no hidden number of
    that channel was audited (a selection of several channels could otherwise audit only the others)."""
    audit = run_audit(engine, releases, select=select, revisions=revisions)
    problems = failures(audit)
    if channel is not None and not any(f.channel == channel for f in audit.findings):
        problems.append(f"no hidden number of the {channel} outputs was audited: are they still named as here?")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    return audit
