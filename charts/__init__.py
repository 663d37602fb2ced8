"""Pure chart builders: Altair specs from Polars frames (trend, outcome mix, funnel, dot plot,
positions on the maps, palette). No Streamlit, so each chart is unit-tested as a spec; the
pages put a chart on screen through ``components.chart_block``. The map builders themselves
live in ``geo.maps``.
"""
