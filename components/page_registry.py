"""The page registry: each page's file, address, title, icon and URL keys, written once.

``dashboard.py`` builds the navigation from it, the sidebar and in-page links name pages through
it, the address keeps only the keys the page shown reads (``PAGE_KEYS``), and the tests find
pages here, so adding a page is one entry and no path is typed twice.

Files are given to Streamlit as absolute paths: a relative page path is resolved against the
folder of the script Streamlit runs, which is not always this app's root (AppTest runs a small
entry script under ``tests/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

# The app's root folder: the one holding dashboard.py and pages/ (this file is components/...).
APP_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PageSpec:
    file: str  # the page's script, relative to the app's root, e.g. "pages/compare.py"
    title: str
    icon: str
    url_path: str  # the address after the host: "compare" is /compare; "" is the default page
    # URL keys the page reads. Offence group, period and release are always written; other
    # keys only where the page reads them or when not default (analysis.url_state.to_params).
    keys: tuple[str, ...] = ()
    # Keys the page parses and writes itself (the explorer's table): kept as they are.
    own_keys: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The script's absolute path: what ``st.page_link`` and ``st.switch_page`` accept from
        any entry script."""
        return str(APP_ROOT / self.file)

    def page(self) -> st.Page:
        """The ``st.Page`` for ``st.navigation`` (built during a run: ``st.Page`` needs one)."""
        if self.url_path:
            return st.Page(self.path, title=self.title, icon=self.icon, url_path=self.url_path)
        return st.Page(self.path, title=self.title, icon=self.icon, default=True)


OVERVIEW = PageSpec("pages/overview.py", "National overview", ":material/monitoring:", "",
                    ("basis",))
COMPARE = PageSpec("pages/compare.py", "Force comparison", ":material/compare_arrows:", "compare",
                   ("metric", "force", "od", "peer"))
FORCE = PageSpec("pages/force.py", "Force profile", ":material/local_police:", "force",
                 ("force", "metric", "peer", "grain", "basis"))
OUTCOMES = PageSpec("pages/outcomes.py", "Outcomes and timeliness", ":material/timeline:", "outcomes",
                    ("basis", "grain", "force"))
PILLARS = PageSpec("pages/pillars.py", "NOM pillars", ":material/view_column:", "pillars",
                   ("pillar", "metric", "sort"))
EXPLORER = PageSpec("pages/explorer.py", "Data explorer", ":material/table_view:", "explorer",
                    ("basis",), own_keys=("measure", "by", "from", "to", "filter"))
METHODOLOGY = PageSpec("pages/methodology.py", "Methodology and data", ":material/menu_book:",
                       "methodology", ("pillar",))

# Every page, in sidebar order; only pages that work are listed. The first is the default (/).
PAGES: tuple[PageSpec, ...] = (OVERVIEW, COMPARE, FORCE, PILLARS, OUTCOMES, EXPLORER, METHODOLOGY)

# The URL keys each page reads, by its url_path ("" is the overview).
PAGE_KEYS: dict[str, tuple[str, ...]] = {p.url_path: p.keys for p in PAGES}
OWN_KEYS: dict[str, tuple[str, ...]] = {p.url_path: p.own_keys for p in PAGES}


def st_pages() -> list[st.Page]:
    """The ``st.Page`` of every registered page, in sidebar order."""
    return [p.page() for p in PAGES]
