"""What every chart builder shares: the value axis title for each unit and the hand-over to
Altair (which takes pandas). Pure: no Streamlit.
"""

from __future__ import annotations

import polars as pl

AXIS_TITLE = {
    "count": "Offences",
    "percent": "Per cent",
    "per_1000": "Per 1,000 residents",
    "days": "Days (median)",
    "per_investigator": "Per investigator",
}


def to_pandas(frame: pl.DataFrame):
    """Altair takes a pandas frame; Polars dates become timestamps on the way."""
    return frame.to_pandas()
