"""The synthetic-data banner's scale note (components.banners)."""

from __future__ import annotations


def test_synthetic_banner_says_when_the_sample_is_scaled_down():
    from components.banners import _scale_note

    assert "about 30% of national volume" in _scale_note(0.3)
    assert _scale_note(1.0) == "" and _scale_note(None) == ""
