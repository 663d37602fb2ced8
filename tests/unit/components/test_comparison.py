"""Force comparison rows for the maps (components.comparison)."""

from __future__ import annotations


def test_city_of_london_symbol_is_left_off_the_real_map_only():
    from components.comparison import CITY_OF_LONDON, geography_rows

    rows = {CITY_OF_LONDON: {"symbol": "▲", "name": "City of London"},
            "E23000001": {"symbol": "▼", "name": "Metropolitan Police"}}
    geo = geography_rows(rows)
    assert geo[CITY_OF_LONDON]["symbol"] == "" and geo[CITY_OF_LONDON]["name"] == "City of London"
    assert geo["E23000001"]["symbol"] == "▼"
    assert rows[CITY_OF_LONDON]["symbol"] == "▲"  # the tile map's rows are untouched
