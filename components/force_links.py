"""A force on a chart of /compare (either map, the ranked plot) is a link to its profile.

The charts carry each force's address in Vega's ``href`` channel, so a click is a real
navigation, as a link's is. It was once a chart selection answered by ``st.switch_page``, but
Streamlit 1.67's front end pushes the new query string onto /compare's path before it opens
the new page (``switch_page`` sends it as a page-info message, and the front end answers one
outside a history navigation with ``pushState``): back then landed on ``/compare?...&force=CODE``,
with the clicked force selected, and only a second back on the comparison the user had left.
A link leaves one entry per page: back returns to /compare as it was. A real navigation also
starts a new session, so what the address does not hold (widget state) is not kept, and a
modified click (Ctrl, middle button) opens the profile in a new tab, as a link's does.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from components.context import Context
from components.page_registry import FORCE


def force_href(ctx: Context, code: str) -> str:
    """A relative link to the force's profile keeping the address's other keys (so it also works
    under a base path), in the order the profile writes them, so it adds no history entry of its own."""
    return f"{FORCE.url_path}?{urlencode(ctx.params(FORCE.url_path, ctx.state.with_(force=code)))}"


def profile_links(ctx: Context, codes: Iterable[str]) -> dict[str, str]:
    """Force code -> link to its profile, for a chart's ``links``."""
    return {code: force_href(ctx, code) for code in codes}
