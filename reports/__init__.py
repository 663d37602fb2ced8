"""Printable reports built from the same frames, charts and words as the pages (no Streamlit).

A report is a ``Pack`` of ``Section``s (``reports.pack``) rendered to one self-contained HTML
file (``reports.html``); ``reports.force_brief`` builds the briefing pack of one force. The
layer sits between the components (which offer the file for download) and the charts.
"""

from reports.pack import Pack, Section

__all__ = ["Pack", "Section"]
