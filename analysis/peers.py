"""Peer sets of a force: its region, its NOM phase, computed similar forces, or a loaded group.

Frames in, frames out (no SQL): ``queries.peers`` reads the features and the loaded groups,
``words.peers`` names the set. One resolver (``resolve_peers``) gives the compare page and the
force profile the same peers for the same ``peer=`` value.

Computed similar forces are the ``SIMILAR_K`` nearest neighbours of a force on standardised
features: resident population, population density (population over the area of its boundary)
and recorded sexual offences in the latest twelve months. Each feature is log-transformed first
(the Metropolitan Police is twenty times the median force; on the raw scale it would decide every
distance) and then standardised to mean 0 and standard deviation 1 over the territorial forces,
so each weighs the same; the distance is Euclidean. Ties are broken by force code, so the answer
is the same on every run. A feature that some force lacks (no boundaries loaded, so no area; a
release without recorded-crime counts, or a count that is not shown) is left out for every
force, and the set says so: the tile map has no areas, so without boundaries the density is not
used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from analysis.comparison import DEFAULT_PEER_SET, PEER_FIELDS
from geo.area import area_km2

SIMILAR = "similar"
SIMILAR_K = 5
FEATURES = ("population", "density", "recorded")
FIXED_SETS = (*PEER_FIELDS, SIMILAR)  # the sets the dashboard itself defines; the rest are loaded
# Why a feature was left out (words.peers says it in full).
NO_BOUNDARIES, NO_RECORDED, NOT_ALL_FORCES, NO_SPREAD = "no_boundaries", "no_recorded", "not_all_forces", "no_spread"
LOADED = "loaded"


def similar_features(forces: pl.DataFrame, shapes: Mapping[str, str]) -> pl.DataFrame:
    """code, name, population, area_km2, density, recorded: one row per force in ``forces``.

    ``forces`` has code, name, population and recorded (nulls allowed); ``shapes`` maps a code
    to its boundary's GeoJSON text ({} when no boundaries are loaded)."""
    areas = {code: area_km2(text) for code, text in shapes.items()}
    frame = forces.select("code", "name", pl.col("population").cast(pl.Float64),
                          pl.col("recorded").cast(pl.Float64))
    frame = frame.with_columns(pl.col("code").replace_strict(areas, default=None, return_dtype=pl.Float64)
                               .alias("area_km2"))
    density = pl.when(pl.col("area_km2") > 0).then(pl.col("population") / pl.col("area_km2"))
    return frame.with_columns(density.alias("density")).select(
        "code", "name", "population", "area_km2", "density", "recorded").sort("code")


@dataclass(frozen=True)
class Similar:
    """Each force's nearest neighbours, and which features decided them."""

    neighbours: pl.DataFrame  # code, peer_code, rank (1 = nearest), distance
    used: tuple[str, ...]  # features used, in FEATURES order
    dropped: dict[str, str] = field(default_factory=dict)  # feature -> why left out
    k: int = SIMILAR_K

    def of(self, code: str) -> list[str]:
        """The force's neighbours, nearest first ([] when it is not in the frame)."""
        return self.neighbours.filter(pl.col("code") == code).sort("rank")["peer_code"].to_list()


def _usable(frame: pl.DataFrame, name: str, absent: str | None) -> str | None:
    """Why feature ``name`` cannot be used (None when it can)."""
    col = frame[name]
    if col.null_count() == frame.height:
        return absent or NOT_ALL_FORCES
    if col.null_count() or (col <= 0).any():
        return NOT_ALL_FORCES
    return None


def nearest_neighbours(features: pl.DataFrame, k: int = SIMILAR_K,
                       absent: Mapping[str, str] | None = None) -> Similar:
    """The ``k`` nearest forces to each force on the log-standardised ``FEATURES``.

    ``absent`` says why a feature missing for every force is missing (NO_BOUNDARIES, NO_RECORDED)."""
    absent = dict(absent or {})
    dropped, columns = {}, {}
    for name in FEATURES:
        if (why := _usable(features, name, absent.get(name))) is not None:
            dropped[name] = why
            continue
        if features[name].min() == features[name].max():
            dropped[name] = NO_SPREAD
            continue
        logs = [math.log(v) for v in features[name].to_list()]
        mean = sum(logs) / len(logs)
        sd = math.sqrt(sum((v - mean) ** 2 for v in logs) / len(logs))
        columns[name] = [(v - mean) / sd for v in logs]
    codes = features["code"].to_list()
    rows = []
    for i, code in enumerate(codes):
        dist = sorted((math.sqrt(sum((z[i] - z[j]) ** 2 for z in columns.values())), other)
                      for j, other in enumerate(codes) if other != code)
        rows += [{"code": code, "peer_code": other, "rank": r, "distance": d}
                 for r, (d, other) in enumerate(dist[:k] if columns else [], start=1)]
    frame = pl.DataFrame(rows, schema={"code": pl.String, "peer_code": pl.String, "rank": pl.Int64,
                                       "distance": pl.Float64})
    return Similar(frame, tuple(columns), dropped, k)


@dataclass(frozen=True)
class PeerSet:
    """One force's peers in one peer set, and what a reader needs to know about the set."""

    key: str  # the peer= value: region | nom_phase | similar | a loaded group's name
    kind: str  # region | nom_phase | similar | loaded
    code: str | None  # the force ('' or None: no force chosen)
    peers: tuple[str, ...]  # peer force codes (not the force itself)
    group: str = ""  # the region, the NOM phase key, or the loaded group's name
    similar: Similar | None = None  # kind similar: features used, dropped, k
    source: dict = field(default_factory=dict)  # kind loaded: file_name, release_id, loaded_at


def resolve_peers(code: str | None, peer_set: str | None, reference: pl.DataFrame, *,
                  similar: Similar | None = None, groups: pl.DataFrame | None = None) -> PeerSet:
    """The peers of force ``code`` in ``peer_set`` (``None``: the default, region).

    ``reference`` is the force list (code, region, nom_phase, territorial); ``similar`` the
    computed neighbours; ``groups`` the loaded groups (``queries.peers.GROUP_SCHEMA``). A set
    that cannot be resolved (an unknown group, no similar frame) has no peers."""
    key = peer_set or DEFAULT_PEER_SET
    territorial = reference.filter(pl.col("territorial")) if "territorial" in reference.columns else reference
    rows = {r["code"]: r for r in territorial.to_dicts()}
    me = rows.get(code or "")
    if key in PEER_FIELDS:
        field_name = PEER_FIELDS[key]
        value = (me or {}).get(field_name) or ""
        peers = tuple(sorted(c for c, r in rows.items() if value and c != code and r.get(field_name) == value))
        return PeerSet(key, key, code, peers if me else (), group=value)
    if key == SIMILAR:
        peers = tuple(similar.of(code)) if similar is not None and me else ()
        return PeerSet(key, SIMILAR, code, peers, group="computed", similar=similar)
    mine = (groups.filter(pl.col("group_name") == key) if groups is not None
            else pl.DataFrame(schema={"force_code": pl.String}))
    source = {}
    if mine.height:
        first = mine.row(0, named=True)
        source = {k: first[k] for k in ("file_name", "release_id", "loaded_at") if k in first}
    peers = tuple(sorted(mine.filter(pl.col("force_code") == code)["peer_code"].to_list())) if me else ()
    return PeerSet(key, LOADED, code, peers, group=key, source=source)
