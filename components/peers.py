"""A force's peers for a page: the one call the compare page and the force profile make.

``peer_set_for`` reads what the set needs (the force list, the computed similar forces of the
release shown, the loaded groups), resolves the force's peers (``analysis.peers``) and names the
set (``words.peers``), so both pages mark and describe the same peers for the same ``peer=``.
"""

from __future__ import annotations

from analysis.peers import (
    NO_BOUNDARIES,
    NO_RECORDED,
    SIMILAR,
    PeerSet,
    Similar,
    nearest_neighbours,
    resolve_peers,
    similar_features,
)
from components import data
from words.peers import peer_set_label


def similar_forces(url: str, release_id: int) -> Similar:
    """The computed similar forces of every territorial force, for the release shown."""
    inputs = data.similar_inputs(url, release_id)
    absent = {}
    if not inputs.shapes:
        absent["density"] = NO_BOUNDARIES
    if inputs.forces["recorded"].null_count() == inputs.forces.height:
        absent["recorded"] = NO_RECORDED
    return nearest_neighbours(similar_features(inputs.forces, inputs.shapes), absent=absent)


def peer_set_for(url: str, release_id: int, code: str | None, peer_set: str | None) -> tuple[PeerSet, str]:
    """The force's peers in ``peer_set`` (None: the default) and the set's one-line label."""
    reference = data.forces(url)
    similar = similar_forces(url, release_id) if peer_set == SIMILAR else None
    groups = data.loaded_peer_groups(url) if peer_set and peer_set not in ("region", "nom_phase", SIMILAR) else None
    ps = resolve_peers(code, peer_set, reference, similar=similar, groups=groups)
    return ps, peer_set_label(ps)
