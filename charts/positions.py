"""How a force's funnel position is drawn: its colour, its point shape and its label on the maps.

Position is never carried by colour alone: the symbol (▲▲ ▲ ▼ ▼▼) is printed on the maps and the
shape differs on the funnel and dot plots. The positions themselves are decided in
``analysis.comparison``. Pure: no Streamlit.
"""

from __future__ import annotations

from analysis.comparison import (
    ABOVE_INNER,
    ABOVE_OUTER,
    BELOW_INNER,
    BELOW_OUTER,
    NOT_COMPARED,
    NOT_SHOWN,
    WITHIN,
    Comparison,
)
from charts import palette

CATEGORY_COLORS = {
    ABOVE_OUTER: palette.DARK_BLUE,
    ABOVE_INNER: "#6E9BC5",  # a lighter step of dark blue
    WITHIN: "#D9D9D9",
    BELOW_INNER: "#F7A57C",  # a lighter step of orange
    BELOW_OUTER: palette.DARK_PINK,
    NOT_SHOWN: "#FFFFFF",
    NOT_COMPARED: "#EFEFEF",
}
DARK_FILLS = {ABOVE_OUTER, BELOW_OUTER}  # white label text on these
SHAPES = {ABOVE_OUTER: "triangle-up", ABOVE_INNER: "diamond", WITHIN: "circle",
          BELOW_INNER: "square", BELOW_OUTER: "triangle-down"}


def map_rows(comp: Comparison) -> dict[str, dict]:
    """Per force, the fields the maps draw and show in their tooltips."""
    out = {}
    for r in comp.frame.to_dicts():
        key = next((k for k, c in comp.categories.items() if c == r["category"]), NOT_COMPARED)
        out[r["code"]] = {
            "name": r["name"], "abbr": r["abbr"], "category": r["category"], "symbol": r["symbol"],
            "label": f"{r['abbr']}\n{r['symbol']}" if r["symbol"] else r["abbr"],
            "label_color": "#FFFFFF" if key in DARK_FILLS else palette.TEXT,
            "value_text": r["value_text"], "interval_text": r["interval_text"] or "—",
            "position_words": r["position_words"],
        }
    return out


# The City of London lies inside the Metropolitan Police area on the real map, a few pixels
# across, so its symbol would be printed on top of the Met's. ONS code, stable across releases.
CITY_OF_LONDON = "E23000034"


def geography_rows(rows: dict[str, dict]) -> dict[str, dict]:
    """``map_rows`` for the real map: the City of London keeps its colour and tooltip but not its
    printed symbol (the tile map, the lists and the tables still show it)."""
    return {code: ({**r, "symbol": ""} if code == CITY_OF_LONDON else r) for code, r in rows.items()}
