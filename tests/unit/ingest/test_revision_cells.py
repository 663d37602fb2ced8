"""Which revised cells the public tier lists, on hand-made node cells of two editions."""

from __future__ import annotations

import polars as pl

from ingest.revisions import CELL, shown_changes

SCHEMA = {"family": pl.String, "area_code": pl.String, "period_key": pl.Int64, "offence": pl.String,
          "category": pl.String, "value": pl.Float64, "reason": pl.String}


def _cells(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _listed(old, new) -> list[tuple]:
    touched = new.select(CELL).unique()
    return sorted(shown_changes(touched, old, new).select("family", "area_code", "period_key").rows())


def test_only_changed_cells_shown_in_both_editions():
    old = _cells([("recorded", "F", 20241, "adult_rape", "all", 10.0, ""),
                  ("recorded", "F", 20242, "adult_rape", "all", 10.0, "primary"),
                  ("recorded", "F", 20243, "adult_rape", "all", 10.0, ""),
                  ("recorded", "F", 20244, "adult_rape", "all", 10.0, "")])
    new = _cells([("recorded", "F", 20241, "adult_rape", "all", 12.0, ""),  # listed
                  ("recorded", "F", 20242, "adult_rape", "all", 12.0, ""),  # hidden before
                  ("recorded", "F", 20243, "adult_rape", "all", 12.0, "secondary"),  # hidden now
                  ("recorded", "F", 20244, "adult_rape", "all", 10.0, "")])  # unchanged
    assert _listed(old, new) == [("recorded", "F", 20241)]


def test_open_investigations_only_before_the_first_hidden_flow():
    """Two positions of the open stock give recorded less closed between them: a revised position
    at or after a force's first hidden recorded or closed count (either edition) is not listed."""
    flows = [("outcomes_closed", "F", 20242, "child_rape", "Charged/Summonsed", 3.0, "primary"),
             ("recorded", "G", 20240, "all_sexual", "all", 90.0, "secondary")]  # a year: from its Q1
    stock = [("mi:open_investigations", a, q, "all_sexual", "all") for a in ("F", "G", "H") for q in (20234, 20242)]
    old = _cells([*[(*s, 50.0, "") for s in stock], *[(*f[:5], f[5], "") for f in flows]])
    new = _cells([*[(*s, 51.0, "") for s in stock], *flows])
    assert _listed(old, new) == [("mi:open_investigations", "F", 20234), ("mi:open_investigations", "G", 20234),
                                 ("mi:open_investigations", "H", 20234), ("mi:open_investigations", "H", 20242)]
