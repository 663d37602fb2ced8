"""The UK statistical symbols a hidden or doubtful number is shown as, and the two tiers."""

from __future__ import annotations

CONFIDENTIAL = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
LOW_RELIABILITY = "[u]"
MARKERS = {
    CONFIDENTIAL: "confidential: hidden to protect the people counted",
    NOT_AVAILABLE: ("not available: the source did not provide the figure, or the public view does not offer it "
                    "(a period over a hidden quarter that is not a quarter, a financial year or a headline twelve months)"),
    NOT_APPLICABLE: "not applicable",
    LOW_RELIABILITY: "low reliability: based on few cases, interpret with care",
}

PUBLIC = "public"
RESTRICTED = "restricted"
TIERS = (PUBLIC, RESTRICTED)

KEPT_FLAGS = (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE)
"""Flags whose row shows no number: hidden, not available, not applicable."""
