"""Colours, in one place, so every chart uses the same colour-vision-safe palette.

The Government Analysis Function's categorical palette was tested for the common forms of
colour-vision deficiency and for contrast on white; .streamlit/config.toml repeats it for the
Streamlit theme. Colour never carries meaning alone: lines have labels, bars have text, and
direction of change is always written in words.
"""

from __future__ import annotations

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"

CATEGORICAL = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE)
"""In the order the Analysis Function recommends using them."""

INTERVAL_FILL = "#BFD1E0"  # a tint of dark blue for confidence bands
WINDOW_FILL = "#D9D9D9"  # grey: the headline period marked on a trend (labelled too)
MILESTONE = DARK_GREY
TEXT = "#0B0C0C"


def categorical(n: int) -> list[str]:
    """The first ``n`` palette colours; beyond six, colours repeat (use labels, not colour)."""
    return [CATEGORICAL[i % len(CATEGORICAL)] for i in range(n)]
