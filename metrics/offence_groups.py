"""Offence groups a user chooses between, defined by offence attributes, never by a code list.

Defining a group by subgroup and age band means new or expired codes in a published file fall
into the right group without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.errors import QueryError


@dataclass(frozen=True)
class OffenceGroup:
    id: str
    label: str
    subgroup: str | None  # None = every sexual offence
    age_band: str | None  # None = every age band
    definition: str


OFFENCE_GROUPS: dict[str, OffenceGroup] = {
    g.id: g
    for g in (
        OffenceGroup("adult_rape", "Adult rape", "rape", "adult",
                     "Rape of a person aged 16 and over (Home Office codes 19C and 19F)."),
        OffenceGroup("child_rape", "Child rape", "rape", "child",
                     "Rape of a child under 16 or under 13 (codes 19D, 19E, 19G and 19H)."),
        OffenceGroup("rape", "All rape", "rape", None, "Every rape offence code, adult and child (19C-19H)."),
        OffenceGroup("other_sexual", "Other sexual offences", "other_sexual", None,
                     "Sexual offences other than rape (codes 17A-88E in the 'Other sexual offences' subgroup)."),
        OffenceGroup("all_sexual", "All sexual offences", None, None, "Rape and other sexual offences together."),
    )
}
DEFAULT_GROUP = "adult_rape"


class UnknownOffenceGroup(QueryError, KeyError):
    def __str__(self) -> str:
        return f"Unknown offence group '{self.args[0]}'. Choose one of: {', '.join(OFFENCE_GROUPS)}"


def offence_group(group_id: str) -> OffenceGroup:
    try:
        return OFFENCE_GROUPS[group_id]
    except KeyError:
        raise UnknownOffenceGroup(group_id) from None
