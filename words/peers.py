"""What a peer set is called in words: the selector, headings, summaries, caveats and labels.

The compare page marks a selected force's peers on every chart and the force profile compares a
force with them; the words must name the set the reader chose (the same region, the same
National Operating Model phase, computed similar forces, or a group loaded from a file) and say
honestly what it is: region and phase peers are not a verified 'most similar' group; similar
forces are computed here, labelled "computed"; a loaded group says which file and release it
came from. One place, so the heading, the summaries and the caveat cannot disagree. Every
function takes a peer-set key ('region', 'nom_phase') or an ``analysis.peers.PeerSet``.
A loaded group's name and file are data, so the sentences shown as Markdown carry them
escaped (``metrics.markup.plain``); ``peer_set_label`` is plain text (the briefing pack prints it).
Pure: no Streamlit.
"""

from __future__ import annotations

from analysis.peers import (
    FEATURES,
    LOADED,
    NO_BOUNDARIES,
    NO_RECORDED,
    NO_SPREAD,
    SIMILAR,
    SIMILAR_K,
    PeerSet,
    Similar,
)
from db.reference import PHASE_LABELS
from metrics.markup import plain

# Selector labels and headings, by fixed peer set; loaded groups use their own name.
PEER_SET_LABELS = {"region": "Same region", "nom_phase": "Same NOM phase", SIMILAR: "Similar forces (computed)"}
PEER_SET_HEADINGS = {"region": "Region peers", "nom_phase": "NOM-phase peers", SIMILAR: "Similar forces (computed)"}
FEATURE_WORDS = {"population": "resident population", "density": "population density (residents per km² of "
                 "the force's boundary)", "recorded": "recorded sexual offences in the latest 12 months"}
_NOT_MSG = "not a verified 'most similar' group"
_MSG_NOTE = ("Most Similar Group membership is not built in; a group such as HMICFRS's can be loaded "
             "with `rasso ingest peer-groups FILE.csv`.")


def _kind(peer_set: str | PeerSet) -> str:
    return peer_set.kind if isinstance(peer_set, PeerSet) else peer_set


def _name(peer_set: str | PeerSet) -> str:
    """The set's name, escaped for Markdown (a loaded group's name comes from its file)."""
    return plain(peer_set.key if isinstance(peer_set, PeerSet) else peer_set)


def selector_label(key: str) -> str:
    """The selector's label for a ``peer=`` value: fixed sets by name, loaded groups as '… (loaded)'."""
    return PEER_SET_LABELS.get(key, f"{plain(key)} (loaded)")


def heading(peer_set: str | PeerSet) -> str:
    kind = _kind(peer_set)
    return f"Peer group: {_name(peer_set)} (loaded)" if kind == LOADED else PEER_SET_HEADINGS[kind]


def phase_words(phase: str) -> str:
    """'pathfinder (2021)' for a phase key; the key itself when it has no label."""
    label = PHASE_LABELS.get(phase, phase or "unknown")
    return label[:1].lower() + label[1:]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def dropped_words(similar: Similar) -> list[str]:
    """One clause per feature left out, saying why."""
    why = {NO_BOUNDARIES: "no police force area boundaries are loaded (the tile map has no areas)",
           NO_RECORDED: "the release holds no recorded-crime counts",
           NO_SPREAD: "every force has the same value"}
    return [f"{FEATURE_WORDS[f].split(' (')[0]} is not used: "
            f"{why.get(reason, 'not every force has a figure that can be shown')}"
            for f, reason in similar.dropped.items()]


def similar_basis(similar: Similar | None) -> str:
    """'the 5 forces nearest to it on resident population, … (computed)' plus what was left out."""
    if similar is None or not similar.used:
        return "no features were available to compute similar forces"
    text = f"the {similar.k} forces nearest to it on {_and([FEATURE_WORDS[f] for f in similar.used])}"
    dropped = dropped_words(similar)
    return text + (f"; {'; '.join(dropped)}" if dropped else "")


def _loaded_source(ps: PeerSet, *, markdown: bool = True) -> str:
    src = ps.source
    if not src:
        return "no such group is loaded"
    file_name = plain(src.get("file_name")) if markdown else src.get("file_name")
    return f"loaded from {file_name}, release {src.get('release_id')}, {src.get('loaded_at')}"


def peer_noun(peer_set: str | PeerSet) -> str:
    """'region peer', 'NOM-phase peer', 'similar force' or 'peer' (singular)."""
    kind = _kind(peer_set)
    if kind == SIMILAR:
        return "similar force"
    if kind == LOADED:
        return "peer"
    return PEER_SET_HEADINGS[kind][:-1].replace("Region", "region")


def peer_group(me: dict, peer_set: str | PeerSet) -> str:
    """Where the force's peers come from: 'in South West', 'in the pathfinder (2021) phase'."""
    kind = _kind(peer_set)
    if kind == "nom_phase":
        return f"in the {phase_words(me['nom_phase'])} phase"
    if kind == SIMILAR:
        return "(computed)"
    if kind == LOADED:
        return f"in the loaded group {_name(peer_set)}"
    return f"in {me['region']}"


def no_peers(me: dict, peer_set: str | PeerSet) -> str:
    kind = _kind(peer_set)
    if kind == "nom_phase":
        return f" It has no other force in its NOM phase ({phase_words(me['nom_phase'])})."
    if kind == SIMILAR:
        return " No similar forces could be computed."
    if kind == LOADED:
        return f" The loaded group {_name(peer_set)} lists no peers for it."
    return f" It has no other force in its region ({me['region']})."


def peer_title(me: dict, peer_set: str | PeerSet) -> str:
    """The peer chart's title: 'Avon and Somerset and the other forces of South West'."""
    kind = _kind(peer_set)
    if kind == "nom_phase":
        return f"{me['name']} and the other forces {peer_group(me, peer_set)} of the NOM"
    if kind == SIMILAR:
        return f"{me['name']} and its most similar forces (computed)"
    if kind == LOADED:
        return f"{me['name']} and its peers in {_name(peer_set)} (loaded)"
    return f"{me['name']} and the other forces of {me['region']}"


def peer_intro(me: dict, peer_set: str | PeerSet) -> str:
    """The first sentence of the peer summary: which forces are peers and what they are not."""
    kind = _kind(peer_set)
    if kind == "nom_phase":
        return (f"NOM-phase peers: the other forces that began the National Operating Model "
                f"{peer_group(me, peer_set)}. They share a start, not a size or case mix; this is "
                f"{_NOT_MSG}. ")
    if kind == SIMILAR:
        similar = peer_set.similar if isinstance(peer_set, PeerSet) else None
        return (f"Similar forces (computed): {similar_basis(similar)}. They are alike in size, "
                f"not necessarily in case mix; this is {_NOT_MSG}. ")
    if kind == LOADED:
        return f"Peer group {_name(peer_set)}: {_loaded_source(peer_set)}. "
    return (f"Region peers: the other forces of {me['region']}. These are geographic neighbours, "
            f"{_NOT_MSG}. ")


def peer_caveat(peer_set: str | PeerSet) -> str:
    """The caveat under the peer chart."""
    kind = _kind(peer_set)
    if kind == "nom_phase":
        return ("NOM-phase peers are the forces that began the National Operating Model at the same "
                "stage (pathfinder 2021, early adopter Oct 2022, national roll-out Jul 2023); only "
                "forces verified in a public source are counted as early adopters. " + _MSG_NOTE)
    if kind == SIMILAR:
        return (f"Similar forces are computed by this dashboard (see the methodology page): the "
                f"{SIMILAR_K} nearest forces on log-standardised population, population density and "
                f"recorded sexual offences. " + _MSG_NOTE)
    if kind == LOADED:
        return (f"Peer group {_name(peer_set)} is {_loaded_source(peer_set)}; the dashboard checks "
                f"its force codes, not how the group was chosen.")
    return "Region peers are the forces of the same region. " + _MSG_NOTE


def peer_set_label(ps: PeerSet) -> str:
    """The one-line label of a force's peer set, for the force profile and the briefing pack."""
    if ps.kind == SIMILAR:
        return f"Similar forces (computed: {similar_basis(ps.similar)})"
    if ps.kind == LOADED:
        return f"{ps.key} ({_loaded_source(ps, markdown=False)})"
    if ps.kind == "nom_phase":
        return f"Same NOM phase: {phase_words(ps.group)}"
    return f"Same region: {ps.group}" if ps.group else "Same region"


def choose_force_hint(peer_set: str | PeerSet) -> str:
    """What to do before the peer view can show anything."""
    kind = _kind(peer_set)
    group = {"region": "the other forces of its region", "nom_phase":
             "the other forces of its National Operating Model phase", SIMILAR:
             "its most similar forces (computed)"}.get(kind, f"its peers in {_name(peer_set)}")
    return f"Choose a force (above, or by clicking a map) to see it against {group} and England and Wales."


PEER_SETS_METHOD = (
    "A force is compared with England and Wales and with a set of peers chosen in the address "
    "(`peer=`): **the same region** (`region`, the default: geographic neighbours), **the same NOM "
    "phase** (`nom_phase`: forces that began the National Operating Model at the same stage), "
    "**similar forces (computed)** (`similar`, below) or **a loaded group** (`peer=<group name>`, "
    "from a file loaded with `rasso ingest peer-groups`, shown with its file and release)."
)


def loaded_groups_line(groups) -> str:
    """'Loaded peer groups: MSG (loaded from msg.csv, release 7, 05 December 2026).' from the
    ``queries.peers.loaded_groups`` frame."""
    if groups is None or groups.height == 0:
        return "No peer groups are loaded."
    firsts = groups.unique("group_name", keep="first", maintain_order=True).to_dicts()
    parts = [f"{plain(g['group_name'])} (loaded from {plain(g['file_name'])}, release {g['release_id']}, {g['loaded_at']})"
             for g in firsts]
    return "Loaded peer groups: " + "; ".join(parts) + "."


SIMILAR_METHOD = (
    f"**Similar forces (computed).** `peer=similar` compares a force with the {SIMILAR_K} territorial "
    f"forces nearest to it on three features: {_and([FEATURE_WORDS[f] for f in FEATURES])} "
    "(all sexual offences, read from the release shown with its disclosure protection). Each "
    "feature is log-transformed (so the Metropolitan Police does not decide every distance), then "
    "standardised to mean 0 and standard deviation 1 over the 43 forces; the distance is "
    "Euclidean and ties are broken by force code, so the same data always give the same peers. "
    "The area is that of the loaded ONS boundary, computed on a sphere of the Earth's mean radius. "
    "Without boundaries (the tile map has no areas) the density is left out and the peers rest "
    "on population and recorded offences; a release without recorded-crime counts leaves that "
    "feature out, and the page says which features were used. These are computed, not a verified "
    "HMICFRS Most Similar Group; such a group can be loaded with `rasso ingest peer-groups "
    "FILE.csv` (columns `force_code,group_name,peer_code`) and chosen as `peer=<group name>`."
)
