"""The project's own equal-area hex layout of the 43 territorial police force areas.

On a real map the Metropolitan Police and City of London are specks beside Dyfed-Powys, so a
reader's eye weighs forces by land area. On a tile map every force weighs the same. No public
hex layout of police force areas was found (domain.md), so this one is ours: it was seeded by
assigning each force's ONS label point (PFA23 LONG/LAT) to the nearest free cell of a hex grid
(a minimum-cost assignment), then adjusted by hand so that neighbours stay neighbours: Wales on
the west, Northumbria at the top, Devon and Cornwall bottom-left, London and the City of London
in the south-east. Say so wherever it is shown: it is a diagram, not a map.

Cells are pointy-top hexagons in "odd-r" offset coordinates: row 0 is the north, and odd rows
are shifted half a cell to the right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from db.reference import FORCES


@dataclass(frozen=True)
class Tile:
    code: str
    abbr: str
    row: int
    col: int

    @property
    def x(self) -> float:
        """Centre, in cell widths from the west edge."""
        return self.col + (0.5 if self.row % 2 else 0.0)

    @property
    def y(self) -> float:
        """Centre, in cell widths from the north edge (rows are sqrt(3)/2 apart)."""
        return self.row * math.sqrt(3) / 2


TILES: tuple[Tile, ...] = (
    Tile("E23000007", "NBR", 0, 3),   # Northumbria
    Tile("E23000002", "CUM", 1, 2),   # Cumbria
    Tile("E23000008", "DUR", 1, 3),   # Durham
    Tile("E23000003", "LAN", 2, 2),   # Lancashire
    Tile("E23000009", "NYO", 2, 3),   # North Yorkshire
    Tile("E23000013", "CLE", 2, 4),   # Cleveland
    Tile("E23000004", "MER", 3, 1),   # Merseyside
    Tile("E23000005", "GMP", 3, 2),   # Greater Manchester
    Tile("E23000010", "WYO", 3, 3),   # West Yorkshire
    Tile("E23000012", "HUM", 3, 4),   # Humberside
    Tile("W15000001", "NWA", 4, 0),   # North Wales
    Tile("E23000006", "CHE", 4, 1),   # Cheshire
    Tile("E23000018", "DER", 4, 2),   # Derbyshire
    Tile("E23000011", "SYO", 4, 3),   # South Yorkshire
    Tile("E23000020", "LIN", 4, 4),   # Lincolnshire
    Tile("W15000004", "DPP", 5, 0),   # Dyfed-Powys
    Tile("E23000016", "WME", 5, 1),   # West Mercia
    Tile("E23000015", "STA", 5, 2),   # Staffordshire
    Tile("E23000019", "NOT", 5, 3),   # Nottinghamshire
    Tile("E23000024", "NOR", 5, 4),   # Norfolk
    Tile("W15000003", "SWA", 6, 0),   # South Wales
    Tile("W15000002", "GWE", 6, 1),   # Gwent
    Tile("E23000014", "WMI", 6, 2),   # West Midlands
    Tile("E23000021", "LEI", 6, 3),   # Leicestershire
    Tile("E23000023", "CAM", 6, 4),   # Cambridgeshire
    Tile("E23000025", "SUF", 6, 5),   # Suffolk
    Tile("E23000037", "GLO", 7, 1),   # Gloucestershire
    Tile("E23000017", "WAR", 7, 2),   # Warwickshire
    Tile("E23000022", "NHA", 7, 3),   # Northamptonshire
    Tile("E23000026", "BED", 7, 4),   # Bedfordshire
    Tile("E23000036", "A&S", 8, 1),   # Avon and Somerset
    Tile("E23000038", "WIL", 8, 2),   # Wiltshire
    Tile("E23000029", "TVP", 8, 3),   # Thames Valley
    Tile("E23000027", "HER", 8, 4),   # Hertfordshire
    Tile("E23000028", "ESS", 8, 5),   # Essex
    Tile("E23000035", "D&C", 9, 0),   # Devon and Cornwall
    Tile("E23000039", "DOR", 9, 1),   # Dorset
    Tile("E23000030", "HAM", 9, 2),   # Hampshire
    Tile("E23000001", "MPS", 9, 3),   # Metropolitan Police
    Tile("E23000034", "CoL", 9, 4),   # City of London
    Tile("E23000032", "KEN", 9, 5),   # Kent
    Tile("E23000031", "SUR", 10, 3),  # Surrey
    Tile("E23000033", "SUS", 10, 4),  # Sussex
)

TILES_BY_CODE: dict[str, Tile] = {t.code: t for t in TILES}
ABBREVIATIONS: dict[str, str] = {t.code: t.abbr for t in TILES}
NAMES: dict[str, str] = {f.code: f.name for f in FORCES}

LAYOUT_NOTE = ("Equal-area tile map: each of the 43 police force areas is one hexagon of the same "
               "size, placed roughly where it lies (this project's own layout, not an official "
               "one; no public police force area hex layout exists).")


def hexagon(tile: Tile, *, size: float = 0.98) -> list[list[float]]:
    """The closed outer ring of a tile's hexagon in planar (x east, y north) coordinates,
    clockwise as drawn (Vega's convention for outer rings). ``size`` < 1 leaves a gap."""
    r = size / math.sqrt(3)  # circumradius of a pointy-top hexagon one unit wide
    cx, cy = tile.x, -tile.y  # north up
    # angles 90, 30, -30, ... run clockwise in a y-up plane
    ring = [[round(cx + r * math.cos(math.radians(a)), 6), round(cy + r * math.sin(math.radians(a)), 6)]
            for a in (90, 30, -30, -90, -150, -210)]
    return [*ring, ring[0]]


def tile_features(rows: dict[str, dict] | None = None) -> list[dict]:
    """One GeoJSON Feature per force (a hexagon), with the tile fields and ``rows[code]`` merged
    in at the top level, where Vega-Lite encodings and selections can read them."""
    rows = rows or {}
    out = []
    for t in TILES:
        extra = rows.get(t.code, {})
        props = {"code": t.code, "name": NAMES.get(t.code, t.code), "abbr": t.abbr,
                 "cx": t.x, "cy": -t.y, **extra}
        out.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [hexagon(t)]},
                    "properties": dict(props), **props})
    return out
