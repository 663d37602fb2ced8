"""The methodology page documents the peer sets: the computed similar forces' features, k and
transform, what happens without boundaries, and which peer groups are loaded (AppTest)."""

from __future__ import annotations

from analysis.peers import SIMILAR_K
from components.page_registry import METHODOLOGY
from helpers.app import assert_clean, open_app, texts


def test_methodology_documents_similar_forces_and_loaded_groups(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, METHODOLOGY.file)
    assert_clean(at)
    assert "Peer sets" in texts(at, "subheader")
    body = " ".join(texts(at, "markdown"))
    assert f"`peer=similar` compares a force with the {SIMILAR_K} territorial forces nearest" in body
    for feature in ("resident population", "population density", "recorded sexual offences"):
        assert feature in body
    assert "log-transformed" in body and "Without boundaries (the tile map has no areas)" in body
    assert "No peer groups are loaded." in texts(at, "caption")
