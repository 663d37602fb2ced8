"""Printable reports built from the same frames, charts and words as the pages (no Streamlit).

A report is a ``Pack`` of ``Section``s (``reports.pack``) rendered to one self-contained HTML
file (``reports.html``); ``reports.force_brief`` builds the briefing pack of one force, and
``reports.force_profile`` the force profile's figures for one view through a
``reports.reader.Reader`` (the pages' cache or an engine), so the page and `rasso brief` make
the same pack. The layer sits between the components (which draw the figures and offer the file
for download) and the charts.
"""

from reports.pack import Pack, Section

__all__ = ["Pack", "Section"]
