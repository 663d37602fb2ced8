"""What a peer set is called in words: the selector, headings, summaries and caveats.

The compare page marks a selected force's peers on every chart; the words must name the set the
reader chose (the same region, or the same National Operating Model phase) and say honestly what
it is not: neither is a verified HMICFRS 'most similar' group. One place, so the heading, the
summaries and the caveat cannot disagree. Pure: no Streamlit.
"""

from __future__ import annotations

from db.reference import PHASE_LABELS

# Selector labels, by peer set (analysis.comparison.PEER_FIELDS).
PEER_SET_LABELS = {"region": "Same region", "nom_phase": "Same NOM phase"}
PEER_SET_HEADINGS = {"region": "Region peers", "nom_phase": "NOM-phase peers"}
_NOT_MSG = "not a verified 'most similar' group"


def phase_words(phase: str) -> str:
    """'pathfinder (2021)' for a phase key; the key itself when it has no label."""
    label = PHASE_LABELS.get(phase, phase or "unknown")
    return label[:1].lower() + label[1:]


def peer_noun(peer_set: str) -> str:
    """'region peer' or 'NOM-phase peer' (singular)."""
    return PEER_SET_HEADINGS[peer_set][:-1].replace("Region", "region")


def peer_group(me: dict, peer_set: str) -> str:
    """Where the force's peers come from: 'in South West', 'in the pathfinder (2021) phase'."""
    if peer_set == "nom_phase":
        return f"in the {phase_words(me['nom_phase'])} phase"
    return f"in {me['region']}"


def no_peers(me: dict, peer_set: str) -> str:
    if peer_set == "nom_phase":
        return f" It has no other force in its NOM phase ({phase_words(me['nom_phase'])})."
    return f" It has no other force in its region ({me['region']})."


def peer_title(me: dict, peer_set: str) -> str:
    """The peer chart's title: 'Avon and Somerset and the other forces of South West'."""
    if peer_set == "nom_phase":
        return f"{me['name']} and the other forces {peer_group(me, peer_set)} of the NOM"
    return f"{me['name']} and the other forces of {me['region']}"


def peer_intro(me: dict, peer_set: str) -> str:
    """The first sentence of the peer summary: which forces are peers and what they are not."""
    if peer_set == "nom_phase":
        return (f"NOM-phase peers: the other forces that began the National Operating Model "
                f"{peer_group(me, peer_set)}. They share a start, not a size or case mix; this is "
                f"{_NOT_MSG}. ")
    return (f"Region peers: the other forces of {me['region']}. These are geographic neighbours, "
            f"{_NOT_MSG}. ")


def peer_caveat(peer_set: str) -> str:
    """The caveat under the peer chart."""
    if peer_set == "nom_phase":
        return ("NOM-phase peers are the forces that began the National Operating Model at the same "
                "stage (pathfinder 2021, early adopter Oct 2022, national roll-out Jul 2023); only "
                "forces verified in a public source are counted as early adopters. Most Similar "
                "Group membership is not available, so it is not used.")
    return ("Region peers are the forces of the same region. Most Similar Group membership is "
            "not available, so it is not used.")


def choose_force_hint(peer_set: str) -> str:
    """What to do before the peer view can show anything."""
    group = "region" if peer_set == "region" else "National Operating Model phase"
    return (f"Choose a force (above, or by clicking a map) to see it against the other forces of "
            f"its {group} and England and Wales.")
