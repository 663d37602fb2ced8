"""Everything a page loads comes from the app itself: police networks and air-gapped machines
block the internet, so an icon or font fetched from elsewhere would fail (or leak a visit).

Streamlit draws ``:material/...`` icons in the page from a font it serves itself, but a material
icon given as the page icon (the favicon) is fetched from Google's font servers; an emoji is
drawn from a CDN. The favicon is therefore a file shipped with the app, which Streamlit inlines
as a ``data:`` address.
"""

from __future__ import annotations

from pathlib import Path

FAVICON = str(Path(__file__).resolve().parents[1] / "assets" / "favicon.svg")


def page_config() -> dict:
    """The arguments of ``st.set_page_config`` for every run, the entry script's and a page's own
    first run on a fresh server (the deep-link guard in ``components.context``): the page icon of
    a page run alone would otherwise be its material icon, fetched from Google."""
    return {"page_title": "RASSO Outcomes Dashboard", "page_icon": FAVICON, "layout": "wide",
            "menu_items": {"About": "RASSO Outcomes Dashboard: outcomes of rape and serious sexual "
                                    "offences in England and Wales, by police force and NOM pillar."}}
