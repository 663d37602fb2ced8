"""The citation line of a view: one wording for the pages and the briefing pack.

A page cites its own address (``components.context.Context.citation``); `rasso brief` cites the
address of the force profile showing the same view, so the pack it writes and the one the page
offers say the same thing.
"""

from __future__ import annotations

from db.releases import Release


def view_citation(release: Release, group_label: str, period_label: str, view_address: str,
                  base_url: str | None, *, tier: str = "public") -> str:
    """Release, tier (the same view in the restricted tier shows other figures), data status,
    licence and the view's address (``view_address``: path and query string), absolute when the app knows its own address (``base_url``), so a cited figure can
    be found again."""
    kind = "SYNTHETIC data, not official statistics; " if release.synthetic else ""
    created = release.created_at
    when = created.strftime("%d %B %Y") if hasattr(created, "strftime") else str(created)
    where = (f"available at {base_url}{view_address}" if base_url else
             f"view {view_address} (a path on this dashboard's own address)")
    return (f"RASSO Outcomes Dashboard, release {release.id} ({release.label}, loaded {when}), "
            f"{group_label.lower()}, {period_label}, {tier} tier, {where}; "
            f"{kind}contains public sector information licensed under the Open Government "
            f"Licence v3.0.")
