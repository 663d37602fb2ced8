"""Banners: synthetic-data warning, the release shown, URL notices and caveats at point of use.

Synthetic numbers must never be mistaken for official statistics, so the warning is on every
page whenever the release shown is synthetic. Caveats sit next to the chart they qualify.
"""

from __future__ import annotations

import streamlit as st

from db.releases import Release
from metrics.markup import plain
from metrics.periods import quarter_label


def synthetic_banner(release: Release) -> None:
    if release.synthetic:
        st.warning(
            "**Synthetic data.** These figures come from a generated sample for demonstration "
            "and testing. They are not official statistics and describe no real person or force."
            + _scale_note(release.scale),
            icon=":material/science:",
        )


def _scale_note(scale: float | None) -> str:
    """Say when a sample is smaller than the country, so counts are not read as national."""
    if not scale or scale >= 0.95:
        return ""
    return (f" This sample is about {scale:.0%} of national volume: counts and rates per head are "
            "scaled down with it; proportions, medians and trends are not.")


def release_caption(release: Release) -> None:
    first, last = release.first_quarter, release.last_quarter
    span = f"{quarter_label(first)} to {quarter_label(last)}" if first and last else "no data yet"
    created = release.created_at
    when = created.strftime("%d %b %Y %H:%M") if hasattr(created, "strftime") else str(created)
    st.caption(f"Showing release {release.id}: {plain(release.label)} · data {span} · loaded {when}")


def url_notices(notices: list[str]) -> None:
    """One short warning per address value that was replaced by a default."""
    for text in notices:
        st.warning(text, icon=":material/link_off:")


def caveat(text: str) -> None:
    st.info(text, icon=":material/info:")


def basis_label(text: str) -> None:
    st.caption(f"**Basis:** {text}")
