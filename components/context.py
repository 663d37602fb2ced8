"""What every page needs to know, set once per run by ``dashboard.py``.

Pages stay thin: they read the context (database URL, release shown, validated URL state)
instead of each parsing the address and looking up the release again.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from analysis.url_state import State, to_params
from components.offline import page_config
from components.page_registry import PAGE_KEYS, st_pages
from db.releases import Release
from metrics.disclosure import PUBLIC
from metrics.offence_groups import OFFENCE_GROUPS, OffenceGroup
from metrics.periods import Period
from metrics.registry import Metric, missing_from_source
from words.citation import view_citation

_KEY = "_rasso_context"
_REROUTED = "_rasso_rerouted"


@dataclass(frozen=True)
class Context:
    url: str  # database URL (with password; never shown, use db_label)
    db_label: str  # URL without password, safe to show
    state: State
    release: Release  # queries.release_info of the release shown (data span, coverage)
    page_path: str = ""  # url_path of the page shown ("" for the overview)
    base_url: str | None = None  # RASSO_BASE_URL: the app's public address, when configured
    tier: str = PUBLIC  # components.auth: restricted only for a signed-in user the configuration names
    # The query parameters as dashboard.py read them, once per run: the explorer parses its own
    # keys from here (analysis.explorer_state) instead of reading the address a second time.
    address: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def own_params(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.address}

    @property
    def first_quarter(self) -> int:
        return self.release.first_quarter

    @property
    def last_quarter(self) -> int:
        return self.release.last_quarter

    @property
    def release_id(self) -> int:
        return self.release.id

    @property
    def period(self) -> Period:
        return self.state.period_obj

    @property
    def group(self) -> OffenceGroup:
        return OFFENCE_GROUPS[self.state.offence]

    def missing_reason(self, m: Metric) -> str | None:
        """Why the release shown cannot give this metric, or None when it can."""
        return missing_from_source(m, self.release.coverage or (), f"Release {self.release_id}")

    def params(self, page_path: str | None = None, state: State | None = None) -> dict[str, str]:
        """Query parameters for a link to ``page_path`` (default: this page) showing ``state``."""
        path = self.page_path if page_path is None else page_path
        return to_params(self.state if state is None else state, PAGE_KEYS.get(path))

    def view_address(self) -> str:
        """The path and query string of this view, e.g. '/compare?offence=rape&period=2024-25'."""
        return f"/{self.page_path}?{urlencode(self.params())}"

    def absolute_address(self) -> str | None:
        """The full address of this view, or None when the app does not know its own address
        (``RASSO_BASE_URL`` not set: behind a proxy, the server cannot tell what users type)."""
        return f"{self.base_url}{self.view_address()}" if self.base_url else None

    def citation(self) -> str:
        """Release, tier, data status, licence and the view's address (offence group, period,
        basis...), so a cited figure can be found again."""
        return view_citation(self.release, self.group.label, self.period.label, self.view_address(),
                             self.base_url, tier=self.tier)


def set_context(ctx: Context) -> None:
    st.session_state[_KEY] = ctx
    st.session_state.pop(_REROUTED, None)  # the entry point ran: a later reroute is allowed


def clear_context() -> None:
    """Called by ``dashboard.py`` when its run ends, so a page run without it finds no context
    (rather than the previous run's) and sends the run through it: see ``get_context``."""
    st.session_state.pop(_KEY, None)


def get_context() -> Context:
    """The context ``dashboard.py`` set in this run.

    A page finds none when Streamlit ran it without ``dashboard.py``: with a ``pages/`` folder
    beside the entry script, Streamlit 1.67 starts in its legacy multipage mode, and a fresh
    server's first request for ``/compare?...`` runs ``pages/compare.py`` alone. Registering
    the navigation ends that mode for the process; the rerun then runs ``dashboard.py`` first,
    for the same page and the same query string. Only once until ``dashboard.py`` sets a
    context, so a page that still finds none (run by a script that is not the dashboard) shows
    an error instead of rerunning forever.
    """
    ctx = st.session_state.get(_KEY)
    if ctx is None:
        if not st.session_state.get(_REROUTED):
            st.session_state[_REROUTED] = True
            st.set_page_config(**page_config())  # before the navigation: no icon from Google
            st.navigation(st_pages(), position="hidden")
            st.rerun()
        st.error("Open the dashboard through its main address: the page has no data context.")
        st.stop()
    return ctx
